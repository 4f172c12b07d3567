"""Participant links and anonymous suggestions, at the domain API (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from diagnosis import fishbone as fb
from diagnosis import sharing
from diagnosis.demo import demo_project
from diagnosis.errors import DiagnosisError
from diagnosis.project import new_project
from diagnosis.store import Store, schema, suggestions


@pytest.fixture
def store(store_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_DATA_DIR", str(tmp_path / "data"))  # the deployment secret behind link tokens
    monkeypatch.delenv("DIAGNOSIS_SECRET", raising=False)
    s = Store(store_url)
    s.save(demo_project("zh"), "facilitator", "demo")
    other = new_project("customer_service_diagnosis", title="另一个项目")
    other.meta.id = "other"
    s.save(other, "facilitator", "other")
    yield s
    s.close()


def test_a_link_token_is_random_and_stored_only_as_its_hash(store):
    token, link = sharing.create_link(store, "demo", "participant", "王经理", "workshop")
    other_token, _ = sharing.create_link(store, "demo", "participant", "王经理")
    assert token != other_token and len(token) >= 32
    with store.engine.connect() as conn:
        stored = [tuple(row) for row in conn.execute(select(schema.links)).all()]
    assert not any(token in str(value) for row in stored for value in row)
    assert sharing.resolve(store, token, "participant").id == link.id


def test_every_active_link_gives_its_token_again_and_a_revoked_one_does_not(store):
    first_token, first = sharing.create_link(store, "demo", "participant", "王经理", "周三工作坊")
    second_token, second = sharing.create_link(store, "demo", "suggest", "王经理", "一线")
    assert [link.label for link in sharing.project_links(store, "demo")] == ["一线", "周三工作坊"]
    assert sharing.link_token(store, first) == first_token and sharing.link_token(store, second) == second_token
    sharing.revoke_link(store, first.id)
    revoked = next(link for link in sharing.project_links(store, "demo") if link.id == first.id)
    assert sharing.link_token(store, revoked) is None
    with pytest.raises(sharing.LinkRevoked):
        sharing.resolve(store, first_token, "participant")
    assert sharing.resolve(store, second_token, "suggest").id == second.id


def test_a_link_whose_token_cannot_be_derived_still_opens_but_its_address_is_not_shown(store, monkeypatch):
    token, link = sharing.create_link(store, "demo", "participant")
    monkeypatch.setenv("DIAGNOSIS_SECRET", "another deployment secret")  # or a link made by a random token
    assert sharing.link_token(store, link) is None
    assert sharing.resolve(store, token, "participant").id == link.id


def test_a_participant_adds_causes_sub_causes_and_votes_to_the_linked_project(store):
    token, _ = sharing.create_link(store, "demo", "participant")
    participant = sharing.Participant(store, token)
    liu = sharing.Guest(sharing.new_guest_id(), "小刘")
    cid = participant.add_cause("系统经常卡顿", liu, "machine")
    participant.add_cause("缓存没有预热", liu, parent_id=cid)
    participant.vote(cid, liu, 2)
    project = store.load("demo").project
    cause = fb.find_cause(project.fishbone, cid)
    assert cause.votes == {liu.key: 2} and [c.text for c in cause.children] == ["缓存没有预热"]
    assert store.revisions("demo")[0].author == f"小刘 (guest:{liu.id})"
    assert project.fishbone.guests == {liu.key: "小刘"}
    assert any(v.id == cid and v.mine == 2 for v in participant.causes(liu))


def test_a_participant_link_sees_only_the_cause_list_of_its_own_project(store):
    token, _ = sharing.create_link(store, "demo", "participant")
    participant = sharing.Participant(store, token)
    views = participant.causes()
    assert {type(v).__name__ for v in views} == {"CauseView"}
    assert set(vars(views[0])) == {"id", "category", "text", "depth", "votes", "mine"}
    # no way to name another project, the answers or the plan
    public = {name for name in dir(participant) if not name.startswith("_")}
    assert public == {"link", "title", "categories", "votes_allowed", "problem", "causes", "add_cause", "vote", "withdraw", "suggest"}
    participant.add_cause("只进入 demo", sharing.Guest(sharing.new_guest_id()), "people")
    assert store.head("other") == 1
    before = store.load("demo").project
    after = store.load("demo").project
    assert (before.answers, before.measures) == (after.answers, after.measures)


def test_a_participant_cannot_touch_a_cause_of_another_project(store):
    other = store.load("other").project
    fb.add_cause(other.fishbone, "别的项目的原因", "people")
    store.commit(other, "facilitator", "cause", base_revision=1)
    foreign = other.fishbone.causes[0].id
    participant = sharing.Participant(store, sharing.create_link(store, "demo", "participant")[0])
    with pytest.raises(fb.CauseNotFound):
        participant.vote(foreign, sharing.Guest(sharing.new_guest_id(), "小刘"))
    with pytest.raises(fb.CauseNotFound):
        participant.add_cause("sub", sharing.Guest(sharing.new_guest_id()), parent_id=foreign)
    assert store.head("other") == 2


def test_a_revoked_link_stops_at_once(store):
    token, link = sharing.create_link(store, "demo", "participant")
    participant = sharing.Participant(store, token)
    sharing.revoke_link(store, link.id)
    with pytest.raises(sharing.LinkRevoked):
        participant.add_cause("too late", sharing.Guest(sharing.new_guest_id()), "people")
    with pytest.raises(sharing.LinkRevoked):
        sharing.Participant(store, token)


def test_dots_count_per_guest_identity_so_a_new_name_gives_no_new_dots(store):
    token, _ = sharing.create_link(store, "demo", "participant")
    participant = sharing.Participant(store, token)
    cid = store.load("demo").project.fishbone.causes[0].id
    guest_id = sharing.new_guest_id()
    for name in ["小刘", "小刘", "小刘", "小刘", "小刘"]:
        participant.vote(cid, sharing.Guest(guest_id, name))
    with pytest.raises(fb.VoteLimitReached):
        participant.vote(cid, sharing.Guest(guest_id, "另一个名字"))  # the demo allows 5 dots
    cause = fb.find_cause(store.load("demo").project.fishbone, cid)
    assert cause.votes[f"guest:{guest_id}"] == 5 and not any(k.startswith("guest:") and k != f"guest:{guest_id}" for k in cause.votes)
    assert participant.causes(sharing.Guest(guest_id, "又一个名字"))[0].mine == 5


def test_a_guest_cannot_take_back_a_dot_of_someone_else_by_typing_their_name(store):
    token, _ = sharing.create_link(store, "demo", "participant")
    participant = sharing.Participant(store, token)
    cause = store.load("demo").project.fishbone.causes[0]
    before = dict(cause.votes)
    assert before.get("王经理")  # the facilitator's own dots in the demo
    wang = sharing.Guest(sharing.new_guest_id(), "王丽")
    participant.vote(cause.id, wang, 2)
    for forger in (sharing.Guest(sharing.new_guest_id(), "王经理"), sharing.Guest(sharing.new_guest_id(), "王丽"),
                   sharing.Guest(sharing.new_guest_id(), wang.key)):
        with pytest.raises(DiagnosisError, match="no dot"):
            participant.withdraw(cause.id, forger)
    assert fb.find_cause(store.load("demo").project.fishbone, cause.id).votes == before | {wang.key: 2}
    participant.withdraw(cause.id, wang)
    assert fb.find_cause(store.load("demo").project.fishbone, cause.id).votes == before | {wang.key: 1}


def test_history_names_a_guest_by_identity_with_the_typed_name_as_a_label_that_cannot_imitate_one(store):
    token, _ = sharing.create_link(store, "demo", "participant")
    participant = sharing.Participant(store, token)
    cid = store.load("demo").project.fishbone.causes[0].id
    guest = sharing.Guest("0123456789ab", "王经理 (guest:ffffffffffff)")
    participant.vote(cid, guest)
    assert store.revisions("demo")[0].author == "王经理 guest:ffffffffffff (guest:0123456789ab)"
    assert sharing.Guest("0123456789ab").author == "guest:0123456789ab"
    with pytest.raises(DiagnosisError):
        sharing.Guest("小刘")  # an identity is an issued id, not a name


def test_a_guest_pass_gives_back_its_identity_only_for_its_own_link_and_unchanged(store, tmp_path, monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DIAGNOSIS_SECRET", raising=False)
    _, link = sharing.create_link(store, "demo", "participant")
    _, other = sharing.create_link(store, "demo", "participant")
    guest_id = sharing.new_guest_id()
    kept = sharing.guest_pass(link, guest_id)
    assert sharing.guest_of_pass(link, kept) == guest_id
    assert sharing.guest_of_pass(other, kept) is None  # another link's
    forged = kept.replace(guest_id, "0" * 12)
    assert forged != kept and sharing.guest_of_pass(link, forged) is None
    assert sharing.guest_of_pass(link, None) is None and sharing.guest_of_pass(link, "junk") is None
    secret_file = tmp_path / "data" / "secret.key"
    assert secret_file.stat().st_mode & 0o777 == 0o600 and len(secret_file.read_text().strip()) == 64
    monkeypatch.setenv("DIAGNOSIS_SECRET", "another deployment")
    assert sharing.guest_of_pass(link, kept) is None  # signed by another secret


def test_a_link_of_one_kind_does_not_open_the_other(store):
    suggest_token, _ = sharing.create_link(store, "demo", "suggest")
    with pytest.raises(sharing.LinkNotFound):
        sharing.Participant(store, suggest_token)
    with pytest.raises(sharing.LinkNotFound):
        sharing.Participant(store, "made-up-token")


def test_anonymous_suggestions_keep_only_project_date_and_text_and_show_from_three_on(store):
    token, _ = sharing.create_link(store, "demo", "suggest")
    sharing.suggest(store, token, "退款审批太多")
    sharing.suggest(store, token, "系统权限不够")
    assert sharing.suggestions_of(store, "demo", 3) == sharing.Suggestions(2, 3, [])
    sharing.suggest(store, token, "高峰期排班不足")
    shown = sharing.suggestions_of(store, "demo", 3)
    assert shown.visible and sorted(shown.texts) == sorted(["退款审批太多", "系统权限不够", "高峰期排班不足"])
    columns = {c["name"] for c in inspect(store.engine).get_columns("suggestions")}
    assert columns == {"id", "project_id", "day", "text", "released"}
    with store.engine.connect() as conn:
        day = conn.execute(select(suggestions.c.day)).scalars().first()
    assert not hasattr(day, "hour")  # a date, no time of day


def test_the_suggestion_threshold_is_configurable(store, monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_SUGGESTION_THRESHOLD", "5")
    assert sharing.suggestions_of(store, "demo").threshold == 5


def test_suggestions_show_in_whole_batches_of_the_threshold_so_a_fourth_never_shows_alone(store, monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_SUGGESTION_THRESHOLD", "3")
    token, _ = sharing.create_link(store, "demo", "suggest")
    for entry in ["一", "二", "三", "四"]:
        sharing.suggest(store, token, entry)
    four = sharing.suggestions_of(store, "demo")
    assert (four.count, len(four.texts), four.waiting) == (4, 3, 1)
    assert "四" not in four.texts and sorted(four.texts) == sorted(["一", "二", "三"])
    sharing.suggest(store, token, "五")
    assert sorted(sharing.suggestions_of(store, "demo").texts) == sorted(["一", "二", "三"])  # still not the new ones
    sharing.suggest(store, token, "六")
    six = sharing.suggestions_of(store, "demo")
    assert (six.count, len(six.texts), six.waiting) == (6, 6, 0)
    assert sorted(six.texts) == sorted(["一", "二", "三", "四", "五", "六"])


def test_a_lower_threshold_on_reading_releases_whole_batches_of_it(store):
    token, _ = sharing.create_link(store, "demo", "suggest")
    for entry in ["a", "b", "c", "d", "e"]:
        sharing.suggest(store, token, entry)  # threshold 3: a, b, c released; d, e wait
    assert len(sharing.suggestions_of(store, "demo").texts) == 3
    assert len(sharing.suggestions_of(store, "demo", 2).texts) == 5


def test_neither_the_shown_order_nor_the_stored_rows_keep_the_order_of_arrival(store, monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_SUGGESTION_THRESHOLD", "3")
    token, _ = sharing.create_link(store, "demo", "suggest")
    arrived = [f"建议{n:02d}" for n in range(30)]
    for item in arrived:
        sharing.suggest(store, token, item)
    shown = sharing.suggestions_of(store, "demo").texts
    assert sorted(shown) == sorted(arrived) and shown != arrived  # 1 chance in 30! to coincide
    assert sharing.suggestions_of(store, "demo").texts == shown  # the same order on every look
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:
            stored = list(conn.execute(text("SELECT text FROM suggestions ORDER BY rowid")).scalars())
        assert sorted(stored) == sorted(arrived) and stored != arrived
        # within each batch of 3 the rows are written in a random order: over 10 batches, not all kept it
        assert any(stored[i:i + 3] != sorted(stored[i:i + 3]) for i in range(0, 30, 3))


def test_while_votes_are_hidden_a_participant_link_hands_out_only_the_guests_own_dots(store):
    token, _ = sharing.create_link(store, "demo", "participant")
    participant = sharing.Participant(store, token)
    liu = sharing.Guest(sharing.new_guest_id(), "小刘")
    cid = store.load("demo").project.fishbone.causes[0].id
    participant.vote(cid, liu)
    store.apply("demo", lambda p: fb.hide_votes(p.fishbone, True), "facilitator", "隐藏票数（盲投）")
    views = participant.causes(liu)
    assert {v.votes for v in views} == {None}
    assert next(v for v in views if v.id == cid).mine == 1
    store.apply("demo", lambda p: fb.hide_votes(p.fishbone, False), "facilitator", "揭晓票数（盲投结束）")
    assert next(v for v in participant.causes(liu) if v.id == cid).votes == 8  # the demo's 7 and this one
