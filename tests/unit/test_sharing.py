"""Participant links and anonymous suggestions, at the domain API (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from diagnosis import fishbone as fb
from diagnosis import sharing
from diagnosis.demo import demo_project
from diagnosis.project import new_project
from diagnosis.store import Store, suggestions


@pytest.fixture
def store(store_url):
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
        stored = [tuple(row) for row in conn.execute(select(sharing.links)).all()]
    assert not any(token in str(value) for row in stored for value in row)
    assert sharing.resolve(store, token, "participant").id == link.id


def test_a_participant_adds_causes_sub_causes_and_votes_to_the_linked_project(store):
    token, _ = sharing.create_link(store, "demo", "participant")
    participant = sharing.Participant(store, token)
    cid = participant.add_cause("系统经常卡顿", "machine", participant="小刘")
    participant.add_cause("缓存没有预热", parent_id=cid, participant="小刘")
    participant.vote(cid, "小刘", 2)
    project = store.load("demo").project
    cause = fb.find_cause(project.fishbone, cid)
    assert cause.votes == {"小刘": 2} and [c.text for c in cause.children] == ["缓存没有预热"]
    assert store.revisions("demo")[0].author == "小刘"
    assert any(v.id == cid and v.mine == 2 for v in participant.causes("小刘"))


def test_a_participant_link_sees_only_the_cause_list_of_its_own_project(store):
    token, _ = sharing.create_link(store, "demo", "participant")
    participant = sharing.Participant(store, token)
    views = participant.causes()
    assert {type(v).__name__ for v in views} == {"CauseView"}
    assert set(vars(views[0])) == {"id", "category", "text", "depth", "votes", "mine"}
    # no way to name another project, the answers or the plan
    public = {name for name in dir(participant) if not name.startswith("_")}
    assert public == {"link", "title", "categories", "votes_allowed", "problem", "causes", "add_cause", "vote", "withdraw", "suggest"}
    participant.add_cause("只进入 demo", "people")
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
        participant.vote(foreign, "小刘")
    with pytest.raises(fb.CauseNotFound):
        participant.add_cause("sub", parent_id=foreign)
    assert store.head("other") == 2


def test_a_revoked_link_stops_at_once(store):
    token, link = sharing.create_link(store, "demo", "participant")
    participant = sharing.Participant(store, token)
    sharing.revoke_link(store, link.id)
    with pytest.raises(sharing.LinkRevoked):
        participant.add_cause("too late", "people")
    with pytest.raises(sharing.LinkRevoked):
        sharing.Participant(store, token)


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
    for text in ["一", "二", "三", "四"]:
        sharing.suggest(store, token, text)
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
    for text in ["a", "b", "c", "d", "e"]:
        sharing.suggest(store, token, text)  # threshold 3: a, b, c released; d, e wait
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
