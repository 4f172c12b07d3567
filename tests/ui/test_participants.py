"""A participant link's guest in AppTest: dots count per identity (a signed cookie), not per typed name."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from diagnosis import sharing
from tests.ui.conftest import Browser


@pytest.fixture
def link(data_dir, store):
    from diagnosis.demo import demo_project

    store.save(demo_project("zh"), "王经理", "demo")
    token, _ = sharing.create_link(store, "demo", "participant")
    return token


def _dots_left(at: AppTest) -> str:
    return next(c.value for c in at.caption if "票" in c.value or "dots" in c.value)


def _buttons(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key}


def test_a_participant_who_types_another_name_gets_no_new_dots_and_a_reload_keeps_the_same(link, store, monkeypatch):
    liu = Browser()
    at = liu.visit(monkeypatch, link)
    cid = store.load("demo").project.fishbone.causes[0].id
    at.text_input(key="join.name").input("小刘").run()
    for _ in range(5):  # the demo questionnaire gives 5 dots
        at.button(key=f"join.vote.{cid}").click().run()
    assert _dots_left(at) == "您还有 0 票（共 5 票）"
    at.text_input(key="join.name").input("小王").run()
    assert _dots_left(at) == "您还有 0 票（共 5 票）"  # before: a new name, 5 new dots
    assert at.button(key=f"join.vote.{cid}").disabled
    votes = store.load("demo").project.fishbone.causes[0].votes
    guests = {k: v for k, v in votes.items() if k.startswith("guest:")}
    assert list(guests.values()) == [5] and "小刘" not in votes and "小王" not in votes
    assert store.revisions("demo")[0].author == f"小刘 ({next(iter(guests))})"  # History: the identity, the name as a label
    again = liu.visit(monkeypatch, link)  # a reload: a new session of the same browser
    again.text_input(key="join.name").input("")
    assert _dots_left(again) == "您还有 0 票（共 5 票）"
    assert f"join.withdraw.{cid}" in _buttons(again)  # still the owner of those 5 dots
    newcomer = Browser().visit(monkeypatch, link)  # another browser is another participant
    assert _dots_left(newcomer) == "您还有 5 票（共 5 票）"


def test_a_participant_cannot_take_back_another_ones_dot_by_typing_their_name(link, store, monkeypatch):
    cid = store.load("demo").project.fishbone.causes[0].id
    assert store.load("demo").project.fishbone.causes[0].votes.get("王经理")  # the facilitator voted in the demo
    wang = Browser().visit(monkeypatch, link)
    wang.text_input(key="join.name").input("王丽").run()
    wang.button(key=f"join.vote.{cid}").click().run()
    before = dict(store.load("demo").project.fishbone.causes[0].votes)
    forger = Browser().visit(monkeypatch, link)
    for name in ("王丽", "王经理"):
        forger.text_input(key="join.name").input(name).run()
        assert not any(k.startswith("join.withdraw.") for k in _buttons(forger))  # no −1 on anyone else's dots
        assert _dots_left(forger) == "您还有 5 票（共 5 票）"
    assert store.load("demo").project.fishbone.causes[0].votes == before


def test_a_forged_identity_cookie_is_not_taken(link, store, monkeypatch):
    cid = store.load("demo").project.fishbone.causes[0].id
    liu = Browser()
    at = liu.visit(monkeypatch, link)
    at.button(key=f"join.vote.{cid}").click().run()
    (name, kept), = ((k, v) for k, v in liu.cookies.items() if k.startswith("diagnosis_guest_"))
    forger = Browser()
    forger.cookies[name] = re.sub(r"\.[0-9a-f]{12}", "." + "0" * 12, kept)  # another id, the old signature
    at = forger.visit(monkeypatch, link)
    assert f"join.withdraw.{cid}" not in _buttons(at)
    assert _dots_left(at) == "您还有 5 票（共 5 票）"


def test_while_the_facilitator_hides_the_counts_a_participant_sees_only_their_own_dots(link, store, monkeypatch):
    def hide(project):
        project.fishbone.votes_hidden = True

    store.apply("demo", hide, "王经理", "隐藏票数（盲投）")
    first = store.load("demo").project.fishbone.causes[0]
    assert first.vote_total == 7  # 2 + 1 + 1 + 2 + 1 in the demo
    at = Browser().visit(monkeypatch, link)
    assert any("盲投" in i.value for i in at.info)
    row = next(m.value for m in at.markdown if first.text in m.value.replace("\\", ""))
    assert "**" not in row  # no total shown (it was "· **7**")
    at.button(key=f"join.vote.{first.id}").click().run()
    row = next(m.value for m in at.markdown if first.text in m.value.replace("\\", ""))
    assert row.endswith("（我 1）") and "**" not in row

    def reveal(project):
        project.fishbone.votes_hidden = False

    store.apply("demo", reveal, "王经理", "揭晓票数（盲投结束）")
    at.run()
    row = next(m.value for m in at.markdown if first.text in m.value.replace("\\", ""))
    assert row.endswith("·  **8**（我 1）")
    assert not any("盲投" in i.value for i in at.info)


@pytest.mark.parametrize(("lang", "send", "said"), [("zh", "提交建议", "建议需要填写文字"), ("en", "Send", "a suggestion needs a text")])
def test_an_empty_suggestion_is_refused_in_the_participants_language(link, monkeypatch, lang, send, said):
    browser = Browser()
    browser.cookies["diagnosis_lang"] = lang
    at = browser.visit(monkeypatch, link)
    next(b for b in at.button if b.label == send).click().run()  # refused, flashed, shown after the page's rerun
    assert said in [e.value for e in at.error]
