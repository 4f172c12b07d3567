"""The smaller items of the workshop issue (12, item 15), each as the facilitator meets it in the app."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import open_demo, open_id, open_new
from tests.ui.conftest import start_step as start_plan
from tests.ui.conftest import submit


def _page(app: AppTest, page: str) -> AppTest:
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _flat(node) -> list:
    """Every element of a block in the order the page shows them."""
    out = []
    children = getattr(node, "children", {})
    for _n, child in sorted(children.items()):
        out.append(child)
        out.extend(_flat(child))
    return out


def _position(elements: list, test) -> int:
    return next(n for n, e in enumerate(elements) if test(e))


def _english(app: AppTest) -> AppTest:
    app.session_state["state.lang"] = "en"
    app.run()
    return app


# --- 1. a step without required questions ------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_step_without_required_questions_says_so_instead_of_a_full_bar(app, lang):
    open_new(app)
    if lang == "en":
        _english(app)
    bars = [(p.proto.value, p.proto.text) for p in app.sidebar.get("progress")]
    assert bars and not any("0/0" in text for _, text in bars)
    assert len(bars) == 5  # step 3 asks nothing required: its work is the fishbone
    said = [c.value for c in app.sidebar.caption]
    assert ("无必填问题" if lang == "zh" else "no required questions") in said


# --- 2. a process both in and out of scope -----------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_process_both_in_and_out_of_scope_is_named_right_below_the_scope(app, lang):
    open_new(app)
    if lang == "en":
        _english(app)
    app.multiselect(key="goals.scope_in").set_value(["after_sales_complaints", "billing"]).run()
    app.multiselect(key="goals.scope_out").set_value(["billing"]).run()
    name = "账单与退款" if lang == "zh" else "Billing and refunds"
    warnings = [w for w in app.warning if name in w.value]
    assert len(warnings) == 1 and ("同时" in warnings[0].value if lang == "zh" else "both" in warnings[0].value)
    shown = _flat(app.main)
    scope_out = _position(shown, lambda e: getattr(e, "key", None) == "goals.scope_out")
    warning = _position(shown, lambda e: e is warnings[0])
    assert 0 < warning - scope_out <= 3  # right below the question (after the slots of its own problems and notes)
    app.multiselect(key="goals.scope_out").set_value([]).run()
    assert not [w for w in app.warning if name in w.value]


# --- 3. the survey-sample warning next to the survey fields ------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_survey_sample_warning_is_shown_next_to_the_survey_fields(app, lang):
    open_demo(app)
    if lang == "en":
        _english(app)
    _page(app, "app_pages/data.py")
    app.number_input(key="data.customers_with_problem").set_value(1000).run()
    app.number_input(key="data.survey_sample").set_value(100).run()
    words = "低于 30%" if lang == "zh" else "under 30%"
    warning = next(w for w in app.warning if words in w.value)
    shown = _flat(app.main)
    sample = _position(shown, lambda e: getattr(e, "key", None) == "data.survey_sample")
    efficiency = _position(shown, lambda e: getattr(e, "key", None) == "data.survey_efficiency")
    at = _position(shown, lambda e: e is warning)
    assert sample < at < efficiency


# --- 4. the project's name prefilled from its title --------------------------------------------


def test_the_project_name_is_prefilled_from_the_title_without_a_revision_for_opening_the_page(app, store):
    open_new(app, "售后投诉流程优化")
    pid = open_id(app)
    assert app.text_input(key="goals.project_name").value == "售后投诉流程优化"
    head = store.head(pid)
    _page(app, "app_pages/data.py")
    _page(app, "app_pages/goals.py")
    assert app.text_input(key="goals.project_name").value == "售后投诉流程优化"
    assert store.head(pid) == head  # opening and redrawing the page wrote nothing
    assert store.load(pid).project.answers["project_name"] == "售后投诉流程优化"


# --- 5. the evaluation grid with baseline, target and unit --------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_evaluation_grid_shows_baseline_target_and_unit_read_only_beside_the_checkpoints(lang):
    at = start_plan("evaluation", lang=lang)
    words = ("基线", "目标", "单位", "1 个月") if lang == "zh" else ("Baseline", "Target", "Unit", "1 month")
    grid = next(df for df in at.dataframe if words[3] in df.value.columns)
    columns, config = list(grid.value.columns), json.loads(grid.proto.columns)
    assert columns.index(words[0]) < columns.index(words[1]) < columns.index(words[2]) < columns.index(words[3])
    assert all(config[w].get("disabled") for w in words[:3]) and not config[words[3]].get("disabled")
    assert list(grid.value[words[0]])[:1] and all(v is not None for v in grid.value[words[1]])


# --- 6. long quotes readable in the tables -----------------------------------------------------

QUOTE = ("每次转接都要重新说一遍订单号，第三次转接的时候我已经不想再说了，最后还是挂了电话去投诉，"
         "其实我只是想知道退款什么时候到账")


def _interviews(app: AppTest):
    return next(df for df in app.dataframe if "key_quote" in df.value.columns)


def test_a_long_interview_quote_wraps_in_its_cell_and_is_readable_in_full(app, store):
    open_demo(app)

    def quote(project):
        project.answers["interviews"][0]["key_quote"] = QUOTE
    store.apply("demo", quote, "王经理", "long quote")
    _page(app, "app_pages/data.py")
    grid = _interviews(app)
    assert grid.proto.row_height > 64  # above 4 rem Streamlit's grid wraps text in its cells
    config = json.loads(grid.proto.columns)
    assert config["key_quote"]["width"] == "large"
    assert any(QUOTE in m.value.replace("\\", "") for m in app.markdown)  # the whole quote, readable below the table


def test_a_short_quote_keeps_the_grid_compact(app):
    open_demo(app)
    _page(app, "app_pages/data.py")
    grid = _interviews(app)
    assert not grid.proto.row_height  # the demo's quotes fit one line
    assert not any(m.value.startswith("**") and "全文" in m.value for m in app.markdown)


def test_a_causes_evidence_is_in_the_causes_table_and_readable_in_full_below_it(app, store):
    open_demo(app)

    def evidence(project):
        project.fishbone.causes[0].evidence = QUOTE
    store.apply("demo", evidence, "王经理", "long evidence")
    _page(app, "app_pages/causes.py")
    table = next(df for df in app.dataframe if "证据" in df.value.columns)
    assert QUOTE in set(table.value["证据"])
    assert not table.proto.row_height  # one line a cause: the table keeps the fishbone's shape in sight
    full = [m.value.replace("\\", "") for m in app.markdown if QUOTE in m.value.replace("\\", "")]
    assert len(full) == 1 and full[0].startswith("**" + project_cause(store) + " · 证据**")


def project_cause(store) -> str:
    return store.load("demo").project.fishbone.causes[0].text


# --- 7. the fishbone on the projector ----------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_projector_view_shows_the_fishbone_alone_and_large_and_back_returns(app, lang):
    open_demo(app)
    if lang == "en":
        _english(app)
    _page(app, "app_pages/causes.py")
    app.segmented_control(key="causes.view").set_value("diagram").run()
    button = app.button(key="causes.projector")
    assert button.label == ("投影模式（全屏鱼骨图）" if lang == "zh" else "Projector view (full-screen fishbone)")
    button.click().run()
    assert not app.exception
    assert len(app.get("graphviz_chart")) == 1
    # nothing but the diagram: no questions, no problem field, no views, no downloads
    main = app.main
    assert not main.text_area and not main.text_input and not main.get("segmented_control") and not main.get("download_button")
    back = app.button(key="causes.projector.close")
    assert back.label == ("返回（Esc）" if lang == "zh" else "Back (Esc)")
    assert any("stSidebar" in h.proto.body for h in app.get("html"))  # the sidebar hidden for the projector
    back.click().run()
    assert app.text_area(key="causes.problem") and app.segmented_control(key="causes.view").value == "diagram"


# --- 8. a measure's expected effect on a step-1 metric ------------------------------------------


def test_a_measures_expected_effect_is_picked_from_the_step_1_metrics():
    at = start_plan("solutions")
    form = "solutions.form.__new__.0"
    choice = at.selectbox(key=f"{form}.metric_row")
    assert choice.options[0] == "— (none)" and choice.options[-1] == "Something else (type it on the right)"
    assert "First-contact resolution (%)" in choice.options and "Complaint rate (%)" in choice.options
    at.text_input(key=f"{form}.title").input("Callback within 24 h")
    choice.set_value("fcr")
    at.number_input(key=f"{form}.metric_from").set_value(76.0)
    at.number_input(key=f"{form}.metric_to").set_value(85.0)
    submit(at)
    added = at.session_state.project.measures[-1]
    assert (added.metric_row, added.metric) == ("fcr", "First-contact resolution")


def test_an_effect_typed_on_the_right_without_picking_something_else_is_kept():
    at = start_plan("solutions")
    form = "solutions.form.__new__.0"
    at.text_input(key=f"{form}.title").input("Shared transfer script")
    at.text_input(key=f"{form}.metric").input("FCR of transferred tickets")  # the list left at "— (none)"
    submit(at)
    added = at.session_state.project.measures[-1]
    assert (added.title, added.metric_row, added.metric) == ("Shared transfer script", None, "FCR of transferred tickets")


def test_a_measure_with_a_free_text_effect_still_loads_with_its_text_kept():
    at = start_plan("solutions")
    at.selectbox(key="solutions.pick").set_value("m01").run()  # "Knowledge-base hit rate": no step-1 metric
    form = "solutions.form.m01"
    assert at.selectbox(key=f"{form}.metric_row").value == "__other__"
    assert at.text_input(key=f"{form}.metric").value == "Knowledge-base hit rate"
    submit(at)
    kept = next(m for m in at.session_state.project.measures if m.id == "m01")
    assert (kept.metric_row, kept.metric) == (None, "Knowledge-base hit rate")
