"""What a colleague's answer shows or hides on a step (a `show_if` question, a rule-of-thumb finding,
a problem with an answer) must not move the fields after it: the browser draws a moved widget anew,
and the field someone is typing in loses its focus and the keys typed so far (issue 12)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import open_demo


def _places(node, where=()) -> dict[str, tuple[int, ...]]:
    """Each keyed widget's place in the page's element tree (the path the browser draws it at)."""
    out: dict[str, tuple[int, ...]] = {}
    for index, child in getattr(node, "children", {}).items():
        key = getattr(child, "key", None)
        if isinstance(key, str) and not key.startswith("$$"):
            out[key] = (*where, index)
        out.update(_places(child, (*where, index)))
    return out


def test_what_a_colleagues_answers_show_on_step_1_moves_no_field_after_it(app: AppTest, store):
    open_demo(app)
    before = _places(app.main)
    assert "goals.scope_other" not in before and "goals.trigger_other" not in before
    head = store.load("demo")  # a colleague's answers: a process both in and out of scope, "other" picked twice
    answers = head.project.answers
    answers["scope_out"] = [*answers["scope_out"], "presales_consultation", "other"]
    answers["trigger"] = [*answers["trigger"], "other"]
    answers["sponsor_email"] = "not an address"
    store.commit(head.project, "李娜", "answers", base_revision=head.revision)
    app.run()
    assert not app.exception
    after = _places(app.main)
    # what they show is there...
    assert {"goals.scope_other", "goals.trigger_other"} <= set(after)
    assert any("售前咨询" in w.value for w in app.warning)  # in and out of scope at once
    assert any("not an address" in m.value or "邮箱" in m.value or "@" in m.value for m in app.markdown
               if m.value.startswith(":orange"))
    # ...and every field that was there already is where it was
    moved = {key: (before[key], after[key]) for key in before if before[key] != after.get(key)}
    assert not moved, moved
    assert len(before) > 10
