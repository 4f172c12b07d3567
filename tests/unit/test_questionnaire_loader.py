"""Loading questionnaires: every shipped one loads, every mistake is found with its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diagnosis.errors import QuestionnaireError
from diagnosis.i18n import LANGUAGES
from diagnosis.questionnaire import load_questionnaire
from diagnosis.questionnaire.model import QUESTION_TYPES
from diagnosis.questionnaire.schema import json_schema
from tests.conftest import DATA, ROOT

SHIPPED = sorted((ROOT / "questionnaires").glob("*.yaml"))
BROKEN = sorted((DATA / "broken").glob("*.yaml"))


def test_two_questionnaires_are_shipped():
    assert {p.stem for p in SHIPPED} >= {"customer_service_diagnosis", "generic_process_diagnosis"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_questionnaire_loads_with_six_steps_in_order(path: Path):
    q = load_questionnaire(path)
    assert q.id == path.stem
    assert [s.kind for s in q.steps] == ["goals", "data", "causes", "solutions", "tracking", "evaluation"]
    assert all(step.sections and any(sec.questions for sec in step.sections) for step in q.steps)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_text_of_a_shipped_questionnaire_is_in_chinese_and_english(path: Path):
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    text_keys = {"title", "label", "help", "placeholder", "description", "min_label", "max_label", "unit", "action", "short", "pattern_message"}
    plain = []

    def walk(node, trail):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in text_keys and not isinstance(value, dict):
                    plain.append(".".join(map(str, [*trail, key])))
                elif key in text_keys:
                    assert all(value.get(lang, "").strip() for lang in LANGUAGES), f"{trail}.{key}"
                else:
                    walk(value, [*trail, key])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, [*trail, i])

    walk(data, [])
    assert plain == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_questionnaires_follow_the_conventions_the_app_relies_on(path: Path):
    q = load_questionnaire(path)
    metrics = q.question("metrics")
    assert metrics.type == "table"
    assert {"metric", "baseline", "target", "unit", "direction"} <= {c.id for c in metrics.columns}
    assert q.question("problem_statement").type == "textarea"
    assert q.question("plan_start").type == "date"
    assert q.question("launch_date").type == "date"


def test_the_customer_service_questionnaire_uses_every_question_type():
    q = load_questionnaire(ROOT / "questionnaires" / "customer_service_diagnosis.yaml")
    assert {question.type for question in q.questions()} == set(QUESTION_TYPES)
    assert [c.id for c in q.cause_categories] == ["people", "machine", "material", "method", "environment"]


def test_the_generic_questionnaire_adds_measurement_as_sixth_category():
    q = load_questionnaire(ROOT / "questionnaires" / "generic_process_diagnosis.yaml")
    assert len(q.cause_categories) == 6
    assert "measurement" in [c.id for c in q.cause_categories]


def test_the_test_questionnaire_covers_every_type_and_rule(all_types):
    assert {q.type for q in all_types.questions()} == set(QUESTION_TYPES)
    assert all_types.question("channel_other").show_if.equals == "other"
    assert all_types.question("agents").default == 10


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_a_broken_questionnaire_reports_every_problem_with_its_line(path: Path, monkeypatch):
    monkeypatch.chdir(path.parent)
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path.name)
    got = [str(p) for p in info.value.problems]
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert got == expected
    assert all(line.startswith(f"{path.name}:") and line.split(":")[1].isdigit() for line in got)


def test_duplicate_keys_are_refused_instead_of_keeping_the_last():
    with pytest.raises(QuestionnaireError, match=r"duplicate key 'title' \(first at line 4\)"):
        load_questionnaire(DATA / "broken" / "duplicate_key.yaml")


def test_a_python_tag_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    evil = f'id: evil\nversion: "1"\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n'
    with pytest.raises(QuestionnaireError, match="unsupported tag"):
        load_questionnaire(evil.encode(), "evil.yaml")
    assert not marker.exists()


def test_an_oversized_file_is_refused_with_its_size():
    with pytest.raises(QuestionnaireError, match="too large"):
        load_questionnaire(b"#" * (3 * 1024 * 1024), "big.yaml")


def test_a_file_that_is_not_a_mapping_says_what_a_questionnaire_is():
    with pytest.raises(QuestionnaireError, match="must be a mapping"):
        load_questionnaire(b"- just\n- a list\n", "list.yaml")


def test_a_missing_file_is_a_clear_error():
    with pytest.raises(QuestionnaireError, match="cannot read file"):
        load_questionnaire("/nonexistent/q.yaml")


def test_the_committed_json_schema_is_up_to_date():
    committed = json.loads((ROOT / "questionnaires" / "schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema()


def test_the_json_schema_lists_every_question_type():
    text = json.dumps(json_schema())
    for kind in QUESTION_TYPES:
        assert f'"const": "{kind}"' in text


def test_a_show_if_nested_fifty_levels_deep_loads_it_is_no_alias_bomb():
    text = (DATA / "questionnaires" / "all_types.yaml").read_text(encoding="utf-8")
    old = "show_if: {all: [{question: has_export, equals: true}, {question: agents, greater_than: 5}]}"
    condition = "{question: has_export, equals: true}"
    for _ in range(50):
        condition = "{all: [" + condition + "]}"
    q = load_questionnaire(text.replace(old, "show_if: " + condition).encode(), "deep.yaml")
    node, levels = q.question("period_start").show_if, 0
    while node.all:
        node, levels = node.all[0], levels + 1
    assert (levels, node.question, node.equals) == (50, "has_export", True)


def test_nesting_past_the_limit_is_refused_where_it_happens_and_not_called_an_alias_bomb():
    from diagnosis.yamlsafe import MAX_DEPTH, YamlProblems, load_located

    with pytest.raises(YamlProblems) as info:
        load_located("id: deep\nshow_if: " + "[" * 250 + "]" * 250 + "\n", "deep.yaml")
    # the root mapping is level 0, `show_if`'s list level 1: the list opened at column 9 + 201 is one too many
    assert [str(p) for p in info.value.problems] == [f"deep.yaml:2:{9 + MAX_DEPTH + 1}: nested too deeply (more than {MAX_DEPTH} levels)"]


def test_a_nul_character_is_reported_at_its_own_line_and_column():
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(b'id: x\nversion: "1"\ntitle: ab\x00c\n', "nul.yaml")
    assert [str(p) for p in info.value.problems] == ["nul.yaml:3:10: not a YAML text file: control character #x0000"]


def test_a_value_reached_through_an_alias_is_located_at_the_alias_even_after_a_refused_merge_key():
    from diagnosis.yamlsafe import load_located

    located = load_located("a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\nd: *a\ne: *b\n", "m.yaml")
    assert [str(p) for p in located.problems] == ["m.yaml:4:3: merge keys (<<) are not supported"]
    assert (located.mark(("d", "x")), located.mark(("e", "y"))) == ((5, 4), (6, 4))
