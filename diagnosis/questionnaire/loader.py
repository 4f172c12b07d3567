"""Load a questionnaire YAML and report everything a consultant can get wrong.

Every problem is a `FILE:LINE:COLUMN: message` line pointing at the YAML node concerned. The
structural checks come from the pydantic models (wrong types, unknown keys, missing keys); the
checks that span the file (duplicate ids, `show_if` targets and loops, translations, empty
steps, defaults that break their own rules) walk the raw document so they run even when the
structure is broken elsewhere, and all problems are collected before anything is raised.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import types
import typing
from pathlib import Path as FsPath
from typing import IO, Any, Iterator

from pydantic import BaseModel, ValidationError

from diagnosis.errors import Problem, QuestionnaireError
from diagnosis.i18n import LANGUAGES
from diagnosis.questionnaire.model import QUESTION_TYPES, Questionnaire
from diagnosis.questionnaire.patterns import PatternError, compile_pattern
from diagnosis.yamlsafe import Located, YamlProblems, load_located

# texts a question, option, column, section or step cannot do without: an empty one is refused
REQUIRED_TEXT_KEYS = {"title", "label"}
TEXT_KEYS = {"title", "label", "help", "placeholder", "description", "min_label", "max_label", "unit", "pattern_message", "action", "short"}


def load_questionnaire(source: str | FsPath | IO[bytes] | bytes, filename: str | None = None) -> Questionnaire:
    """Load and check a questionnaire from a path, an open binary file or bytes."""
    raw, filename = _read(source, filename)
    try:
        located = load_located(raw, filename)
    except YamlProblems as exc:
        raise QuestionnaireError(exc.problems) from None
    problems: list[Problem] = list(located.problems)
    data = located.data
    if not isinstance(data, dict):
        raise QuestionnaireError([Problem(filename, "a questionnaire must be a mapping with id, version, title and steps", 1, 1)])
    problems.extend(_fill_text_numbers(data, located, filename))
    model = None
    try:
        model = Questionnaire.model_validate(data)
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, located, filename))
    problems.extend(_cross_checks(located, filename))
    if problems:
        unique = sorted(set(problems), key=lambda p: (p.line or 0, p.column or 0, p.message))
        raise QuestionnaireError(unique)
    assert model is not None
    return model


# `{name}` in a text: a number owned by the code (method_checks.text_numbers), filled in on loading
TEXT_NUMBER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _text_slots(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any, Any]]:
    """(path, holder, key) of every text string: a plain text under a text key, or one language of it."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key in TEXT_KEYS and isinstance(child, str):
                yield (*path, key), value, key
            elif key in TEXT_KEYS and isinstance(child, dict) and all(isinstance(v, str) for v in child.values()):
                yield from (((*path, key, lang), child, lang) for lang in child)
            else:
                yield from _text_slots(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _text_slots(child, (*path, i))


def _fill_text_numbers(data: Any, located: Located, filename: str) -> list[Problem]:
    """Put the numbers into the texts that name them; an unknown name is a located problem."""
    from diagnosis.method_checks import text_numbers  # here: method_checks imports questionnaire.rules

    numbers, problems = text_numbers(), []
    for path, holder, key in _text_slots(data):
        if "{" not in holder[key]:
            continue
        holder[key] = TEXT_NUMBER.sub(lambda m: numbers.get(m.group(1), m.group(0)), holder[key])
        for name in TEXT_NUMBER.findall(holder[key]):
            close = difflib.get_close_matches(name, list(numbers), n=1)
            hint = f"did you mean {{{close[0]}}}?" if close else "a text may name " + ", ".join(f"{{{k}}}" for k in sorted(numbers))
            line, col = located.mark(path) or (1, 1)
            problems.append(Problem(filename, f"unknown number {{{name}}} in a text; {hint}", line, col, _dotted(path)))
    return problems


def questionnaire_hash(source: bytes) -> str:
    return "sha256:" + hashlib.sha256(source).hexdigest()[:16]


def _read(source: Any, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, (str, FsPath)):
        path = FsPath(source)
        try:
            return path.read_bytes(), filename or str(source)
        except OSError as exc:
            raise QuestionnaireError([Problem(filename or str(source), f"cannot read file: {exc.strerror}")]) from None
    if isinstance(source, bytes):
        return source, filename or "<questionnaire>"
    return source.read(), filename or getattr(source, "name", "<questionnaire>")


# --- pydantic errors in plain words ------------------------------------------------------------


def _split_loc(data: Any, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], list[Any]]:
    """Separate the part of a pydantic location that exists in the data from union tags."""
    path: list[Any] = []
    leftover: list[Any] = []
    cur = data
    for part in loc:
        if isinstance(cur, dict) and part in cur:
            path.append(part)
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            path.append(part)
            cur = cur[part]
        else:
            leftover.append(part)
    return tuple(path), leftover


def _pydantic_problems(exc: ValidationError, located: Located, filename: str) -> list[Problem]:
    problems: list[Problem] = []
    seen_union: set[tuple[Any, ...]] = set()
    for err in exc.errors():
        loc = tuple(err["loc"])
        kind = err["type"]
        path, leftover = _split_loc(located.data, loc)
        where = located.mark(path, key=kind == "extra_forbidden") or (1, 1)
        name = loc[-1] if loc else ""
        if kind == "extra_forbidden":
            message = f"unknown key '{name}'"
            allowed = _allowed_keys(loc[:-1])
            close = difflib.get_close_matches(str(name), allowed, n=1)
            if close:
                message += f"; did you mean '{close[0]}'?"
        elif kind == "missing":
            message = f"missing required key '{name}'"
        elif kind == "union_tag_invalid":
            given = err.get("input", {}).get("type") if isinstance(err.get("input"), dict) else None
            message = f"unknown question type '{given}'; expected one of: {', '.join(QUESTION_TYPES)}"
            where = located.mark((*path, "type")) or where
        elif kind == "union_tag_not_found":
            message = f"a question needs a 'type' (one of: {', '.join(QUESTION_TYPES)})"
        elif kind in ("too_short", "too_long") and path == ("steps",):
            continue  # reported by the cross checks, which run even when a step is broken
        else:
            message = _plain(err)
            if leftover and not all(isinstance(p, str) and p in QUESTION_TYPES for p in leftover):
                # the same value failed every branch of a union (e.g. text: string or map)
                if path in seen_union:
                    continue
                seen_union.add(path)
                field = path[-1] if path else "value"
                if field in TEXT_KEYS:
                    message = "expected a text or a map of language to text, e.g. {zh: ..., en: ...}"
                else:
                    message = f"invalid value for '{field}': {message}"
        problems.append(Problem(filename, message, where[0], where[1], _dotted(path)))
    return problems


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys valid where an unknown key was found: the fields of the model at `loc`."""
    model = _model_at(loc)
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Follow a pydantic error location from `Questionnaire` down to the model it points into."""
    annotation: Any = Questionnaire
    for part in loc:
        tagged = _question_model(annotation, part)
        if tagged is not None:  # the tag of the question union: it names the model
            annotation = tagged
            continue
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part)
            if field is None:
                return None
            annotation = field.annotation
        elif typing.get_origin(annotation) is list and isinstance(part, int):
            annotation = typing.get_args(annotation)[0]
        elif typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
        else:
            return None
    annotation = _unwrap(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _members(annotation: Any) -> list[Any]:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _question_model(annotation: Any, part: Any) -> type[BaseModel] | None:
    for member in _members(annotation):
        if (isinstance(member, type) and issubclass(member, BaseModel) and "type" in member.model_fields
                and typing.get_args(member.model_fields["type"].annotation) == (part,)):  # fmt: skip
            return member
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated / Optional; of a union, keep its one model (a text or a map: no model)."""
    members = _members(annotation)
    if len(members) == 1:
        return members[0]
    models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
    return models[0] if len(models) == 1 else annotation


def _plain(err: dict[str, Any]) -> str:
    msg = str(err["msg"])
    msg = re.sub(r"^Value error, ", "", msg)
    given = err.get("input")
    if err["type"] in ("string_type", "int_type", "float_type", "bool_type", "int_parsing", "float_parsing", "bool_parsing", "list_type", "dict_type", "date_type", "date_parsing", "date_from_datetime_parsing", "literal_error", "string_pattern_mismatch"):
        shown = repr(given) if not isinstance(given, (dict, list)) else type(given).__name__
        msg = f"{msg[0].lower()}{msg[1:]} (got {shown})"
    return msg


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --- checks across the file --------------------------------------------------------------------


def _dicts(value: Any) -> list[tuple[int, dict]]:
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def _iter_questions(data: dict) -> Iterator[tuple[tuple[Any, ...], dict]]:
    for si, step in _dicts(data.get("steps")):
        for ci, section in _dicts(step.get("sections")):
            for qi, question in _dicts(section.get("questions")):
                yield ("steps", si, "sections", ci, "questions", qi), question


def _cross_checks(located: Located, filename: str) -> list[Problem]:
    data = located.data
    problems: list[Problem] = []

    def add(path: tuple[Any, ...], message: str, key: bool = False) -> None:
        line, col = located.mark(path, key=key) or (1, 1)
        problems.append(Problem(filename, message, line, col, _dotted(path)))

    def unique(items: list[tuple[tuple[Any, ...], Any]], what: str) -> None:
        first: dict[Any, tuple[Any, ...]] = {}
        for path, value in items:
            if value is None or isinstance(value, (dict, list)):
                continue
            if value in first:
                line = (located.mark(first[value]) or (0, 0))[0]
                add(path, f"duplicate {what} '{value}' (first used at line {line})")
            else:
                first[value] = path

    languages = data.get("languages") if isinstance(data.get("languages"), list) else list(LANGUAGES)
    languages = [lang for lang in languages if isinstance(lang, str)]

    # translations: every text map carries every declared language
    def walk_texts(value: Any, path: tuple[Any, ...]) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                child_path = (*path, key)
                if key in TEXT_KEYS and isinstance(child, dict) and child and set(child) <= set(LANGUAGES) | set(languages) | {k for k in child if isinstance(k, str) and len(k) <= 5}:
                    for lang in languages:
                        if not isinstance(child.get(lang), str) or not child.get(lang, "").strip():
                            add(child_path, f"missing translation '{lang}' for '{key}'")
                elif key in REQUIRED_TEXT_KEYS and isinstance(child, str) and not child.strip():
                    add(child_path, f"'{key}' is empty; write it, e.g. {key}: {{zh: ..., en: ...}}")
                else:
                    walk_texts(child, child_path)
        elif isinstance(value, list):
            for i, child in enumerate(value):
                walk_texts(child, (*path, i))

    walk_texts(data, ())

    steps = _dicts(data.get("steps"))
    if isinstance(data.get("steps"), list) and len(data["steps"]) != 6:
        add(("steps",), f"a questionnaire has exactly six steps (goals, data, causes, solutions, tracking, evaluation), found {len(data['steps'])}")
    unique([(("steps", i, "id"), s.get("id")) for i, s in steps], "step id")
    unique([(("steps", i, "kind"), s.get("kind")) for i, s in steps], "step kind")
    unique(
        [(("steps", si, "sections", ci, "id"), c.get("id")) for si, s in steps for ci, c in _dicts(s.get("sections"))],
        "section id",
    )
    unique([(("cause_categories", i, "id"), c.get("id")) for i, c in _dicts(data.get("cause_categories"))], "category id")
    analysis = data.get("analysis") if isinstance(data.get("analysis"), dict) else {}
    unique([(("analysis", "stages", i, "id"), c.get("id")) for i, c in _dicts(analysis.get("stages"))], "stage id")
    evaluation = data.get("evaluation") if isinstance(data.get("evaluation"), dict) else {}
    unique([(("evaluation", "alerts", i, "id"), c.get("id")) for i, c in _dicts(evaluation.get("alerts"))], "alert id")

    for si, step in steps:
        if not any(_dicts(c.get("questions")) for _, c in _dicts(step.get("sections"))):
            add(("steps", si), f"step '{step.get('id', si + 1)}' has no questions")

    questions = list(_iter_questions(data))
    unique([((*path, "id"), q.get("id")) for path, q in questions], "question id")
    order = {q.get("id"): n for n, (_, q) in enumerate(questions) if isinstance(q.get("id"), str)}

    def check_option_ids(options: Any, path: tuple[Any, ...]) -> None:
        for i, option in _dicts(options):
            if isinstance(option.get("id"), bool):
                add((*path, "options", i, "id"), f"option id reads as a yes/no value ({str(option['id']).lower()}) in YAML; quote it, e.g. id: \"no\"")

    for path, q in questions:
        check_option_ids(q.get("options"), path)
        for ci, col in _dicts(q.get("columns")):
            check_option_ids(col.get("options"), (*path, "columns", ci))
        unique([((*path, "options", i, "id"), o.get("id")) for i, o in _dicts(q.get("options"))], "option id")
        unique([((*path, "columns", i, "id"), c.get("id")) for i, c in _dicts(q.get("columns"))], "column id")
        for ci, col in _dicts(q.get("columns")):
            unique([((*path, "columns", ci, "options", i, "id"), o.get("id")) for i, o in _dicts(col.get("options"))], "option id")
            _check_range(col, (*path, "columns", ci), add)
            _check_pattern(col, (*path, "columns", ci), add)
        _check_range(q, path, add)
        _check_pattern(q, path, add)
        for lo, hi in (("min_length", "max_length"), ("min_rows", "max_rows"), ("min_selected", "max_selected")):
            if _num(q.get(lo)) is not None and _num(q.get(hi)) is not None and q[lo] > q[hi]:
                add((*path, lo), f"'{lo}' ({q[lo]}) is greater than '{hi}' ({q[hi]})")
        _check_default(q, path, add)

    # show_if: targets exist, and no question depends on itself through a chain of conditions
    by_id = {q.get("id"): q for _, q in questions if isinstance(q.get("id"), str)}
    depends: dict[str, set[str]] = {}
    for path, q in questions:
        cond = q.get("show_if")
        if cond is None:
            continue
        refs = _condition_refs(cond, (*path, "show_if"))
        for ref, ref_path in refs:
            if ref not in order:
                close = difflib.get_close_matches(str(ref), [k for k in order if k], n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                add(ref_path, f"show_if refers to unknown question '{ref}'{hint}")
            elif ref == q.get("id"):
                add(ref_path, f"show_if of '{ref}' refers to the question itself")
        _check_condition_values(cond, (*path, "show_if"), by_id, add)
        if isinstance(q.get("id"), str):
            depends[q["id"]] = {r for r, _ in refs if r in order}
    for si, step in steps:
        for ci, section in _dicts(step.get("sections")):
            if section.get("show_if") is not None:
                for ref, ref_path in _condition_refs(section["show_if"], ("steps", si, "sections", ci, "show_if")):
                    if ref not in order:
                        add(ref_path, f"show_if refers to unknown question '{ref}'")
                _check_condition_values(section["show_if"], ("steps", si, "sections", ci, "show_if"), by_id, add)

    # alert rules name a metric of the step-1 metrics table, when that table lists its metrics
    metric_ids = _metric_option_ids(by_id.get("metrics"))
    for i, rule in _dicts(evaluation.get("alerts")):
        metric = rule.get("metric")
        if metric_ids and metric is not None and metric not in metric_ids:
            close = difflib.get_close_matches(str(metric), [str(m) for m in metric_ids], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            add(("evaluation", "alerts", i, "metric"), f"alert metric '{metric}' is not a metric of the 'metrics' table{hint}")
    for path, q in questions:
        qid = q.get("id")
        if not isinstance(qid, str) or qid not in depends:
            continue
        loop = _find_loop(qid, depends)
        if loop and loop[0] == min(loop):  # report each loop once, at its smallest member
            add((*path, "show_if"), "show_if loop: " + " -> ".join([*loop, loop[0]]))
    return problems


def _metric_option_ids(table: Any) -> list[Any]:
    if not isinstance(table, dict):
        return []
    for col in table.get("columns") or []:
        if isinstance(col, dict) and col.get("id") == "metric":
            return [o.get("id") for o in col.get("options") or [] if isinstance(o, dict)]
    return []


def _check_condition_values(cond: Any, path: tuple[Any, ...], by_id: dict[Any, dict], add: Any) -> None:
    """`equals` / `one_of` on a choice question must name one of its options."""
    if not isinstance(cond, dict):
        return
    for group in ("all", "any"):
        for i, child in _dicts(cond.get(group)):
            _check_condition_values(child, (*path, group, i), by_id, add)
    target = by_id.get(cond.get("question"))
    if not target or target.get("type") not in ("single_choice", "multiple_choice"):
        return
    option_ids = [o.get("id") for _, o in _dicts(target.get("options"))]
    for test in ("equals", "not_equals", "one_of"):
        given = cond.get(test)
        for value in given if isinstance(given, list) else ([given] if test in cond else []):
            if value not in option_ids:
                close = difflib.get_close_matches(str(value), [str(o) for o in option_ids], n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                add((*path, test), f"show_if: '{value}' is not an option of '{cond.get('question')}'{hint}")


def _condition_refs(cond: Any, path: tuple[Any, ...]) -> list[tuple[Any, tuple[Any, ...]]]:
    if not isinstance(cond, dict):
        return []
    refs: list[tuple[Any, tuple[Any, ...]]] = []
    if "question" in cond:
        refs.append((cond["question"], (*path, "question")))
    for group in ("all", "any"):
        for i, child in _dicts(cond.get(group)):
            refs.extend(_condition_refs(child, (*path, group, i)))
    return refs


def _find_loop(start: str, depends: dict[str, set[str]]) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, trail = stack.pop()
        for nxt in sorted(depends.get(node, ())):
            if nxt == start and len(trail) > 1:
                return trail
            if nxt not in seen and nxt != start:
                seen.add(nxt)
                stack.append((nxt, [*trail, nxt]))
    return None


def _num(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _check_range(node: dict, path: tuple[Any, ...], add: Any) -> None:
    lo, hi = node.get("min"), node.get("max")
    try:
        if lo is not None and hi is not None and lo > hi:
            add((*path, "min"), f"'min' ({lo}) is greater than 'max' ({hi})")
    except TypeError:
        pass


def _check_pattern(node: dict, path: tuple[Any, ...], add: Any) -> None:
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        try:
            compile_pattern(pattern)
        except PatternError as exc:
            add((*path, "pattern"), str(exc))


def _check_default(q: dict, path: tuple[Any, ...], add: Any) -> None:
    if "default" not in q or q.get("default") is None:
        return
    default = q["default"]
    option_ids = [o.get("id") for _, o in _dicts(q.get("options"))]
    kind = q.get("type")
    if kind == "single_choice" and option_ids and default not in option_ids:
        add((*path, "default"), f"default '{default}' is not one of the options")
    elif kind == "multiple_choice" and option_ids and isinstance(default, list):
        for value in default:
            if value not in option_ids:
                add((*path, "default"), f"default '{value}' is not one of the options")
    elif kind in ("number", "integer", "scale") and _num(default) is not None:
        lo, hi = _num(q.get("min")), _num(q.get("max"))
        if kind == "scale":
            lo = 1 if lo is None else lo
            hi = 5 if hi is None else hi
        if (lo is not None and default < lo) or (hi is not None and default > hi):
            add((*path, "default"), f"default {default} is outside {lo if lo is not None else '-inf'}..{hi if hi is not None else 'inf'}")
    elif kind in ("text", "textarea") and isinstance(default, str) and isinstance(q.get("pattern"), str):
        try:
            if not compile_pattern(q["pattern"]).fullmatch(default):
                add((*path, "default"), "default does not match 'pattern'")
        except PatternError:
            pass
