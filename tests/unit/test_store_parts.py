"""A revision's JSON in parts (diagnosis.store.parts): cut and joined back byte for byte, and a
merge on parts gives what the merge of the parsed JSON forms (diagnosis.merge.merge_data) gives.

The store merges a save that lost a race on parts under the write lock; these check it against
the merge every other test of merging checks, on random concurrent edits of the demo project.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from pydantic import TypeAdapter
from pydantic_core import from_json

from diagnosis import fishbone as fb
from diagnosis.demo import demo_project
from diagnosis.merge import _order, merge_data
from diagnosis.project.model import Measure, Project
from diagnosis.store import parts

_JSON = TypeAdapter(Project)


def _raw(project: Project) -> bytes:
    return _JSON.dump_json(project)


def test_a_project_cut_into_parts_joins_back_into_the_same_bytes():
    project = demo_project("zh")
    parent = project.fishbone.causes[0].id
    fb.add_cause(project.fishbone, 'a "quoted" {"id":"x"} [brace], back\\slash', parent_id=parent)
    fb.add_cause(project.fishbone, "换行\n和制表\t", "people")
    raw = _raw(project)
    cut = parts.split(raw)
    assert cut is not None
    assert parts.join(cut) == raw
    assert list(cut.ribs) == [c.id for c in project.fishbone.causes]
    assert from_json(cut.ribs[parent])["children"][-1]["text"] == 'a "quoted" {"id":"x"} [brace], back\\slash'


def test_what_cannot_be_cut_is_left_to_the_merge_of_parsed_forms():
    project = demo_project("zh")
    data = from_json(_raw(project))
    assert parts.split(b"not json") is None
    assert parts.split(TypeAdapter(dict).dump_json({**data, "format_version": 2})) is None  # an older program's revision
    twice = {**data, "fishbone": {**data["fishbone"], "causes": data["fishbone"]["causes"] * 2}}
    assert parts.split(TypeAdapter(dict).dump_json(twice)) is None  # two ribs with one id


def _edit(project: Project, rng: random.Random, who: str) -> None:
    """One random change of the kind sessions make at once."""
    causes = list(fb.iter_causes(project.fishbone))
    kind = rng.choice(["rib", "sub", "text", "vote", "delete", "answer", "measure", "problem", "updated"])
    if kind == "rib" or not causes:
        fb.add_cause(project.fishbone, f"{who} rib {rng.random()}", rng.choice(["people", "method", "machine"]))
    elif kind == "sub":
        fb.add_cause(project.fishbone, f"{who} why {rng.random()}", parent_id=rng.choice(causes).id)
    elif kind == "text":
        rng.choice(causes).text = f"{who} edited {rng.randrange(3)}"
    elif kind == "vote":
        rng.choice(causes).votes[who] = rng.randrange(1, 4)
    elif kind == "delete":
        fb.delete_cause(project.fishbone, rng.choice(causes).id)
    elif kind == "answer":
        project.answers[rng.choice(["project_name", "owner", f"{who}_note"])] = f"{who} {rng.randrange(3)}"
    elif kind == "measure":
        project.measures.append(Measure(title=f"{who} measure {rng.random()}"))
    elif kind == "problem":
        project.fishbone.problem = f"{who} problem {rng.randrange(2)}"
    else:
        project.meta.updated = dt.datetime(2026, 1, 1, rng.randrange(24), tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("seed", range(40))
def test_a_merge_on_parts_equals_the_merge_of_the_parsed_forms(seed):
    rng = random.Random(seed)
    base = demo_project("zh")
    mine, theirs = base.model_copy(deep=True), base.model_copy(deep=True)
    for _ in range(rng.randrange(1, 6)):
        _edit(mine, rng, "mine")
    for _ in range(rng.randrange(1, 6)):
        _edit(theirs, rng, "theirs")
    raws = [_raw(p) for p in (base, mine, theirs)]
    expected, expected_conflicts = merge_data(*(from_json(r) for r in raws))
    result = parts.merge(*(parts.split(r) for r in raws))
    assert result is not None
    merged, conflicts = result
    raw = parts.join(merged)
    assert from_json(raw) == expected
    assert sorted(map(repr, conflicts)) == sorted(map(repr, expected_conflicts))
    assert raw == _raw(Project.model_validate_json(raw))  # the model's own JSON, byte for byte


def test_a_rib_changed_on_both_sides_is_merged_cause_by_cause_and_the_clash_reported():
    base = demo_project("zh")
    rib = base.fishbone.causes[0].id
    mine, theirs = base.model_copy(deep=True), base.model_copy(deep=True)
    fb.add_cause(mine.fishbone, "mine: why", parent_id=rib)
    fb.add_cause(theirs.fishbone, "theirs: why", parent_id=rib)
    fb.edit_cause(mine.fishbone, rib, text="mine's words")
    fb.edit_cause(theirs.fishbone, rib, text="theirs' words")
    merged, conflicts = parts.merge(*(parts.split(_raw(p)) for p in (base, mine, theirs)))
    raw = parts.join(merged)
    project = Project.model_validate_json(raw)
    children = [c.text for c in fb.find_cause(project.fishbone, rib).children]
    assert children[-2:] == ["theirs: why", "mine: why"]
    assert fb.find_cause(project.fishbone, rib).text == "theirs' words"
    assert [(c.path, c.mine, c.theirs) for c in conflicts] == [(("fishbone", "causes", f"#{rib}", "text"), "mine's words", "theirs' words")]
    assert raw == _raw(project)  # written by the model: its fields in the model's order


def test_the_place_of_new_ribs_is_the_place_the_merge_of_parsed_forms_gives():
    rng = random.Random(7)
    for trial in range(3000):
        base = [f"b{i}" for i in range(rng.randrange(9))]

        def side(tag, base=base):
            items = [k for k in base if rng.random() > 0.2]
            for i in range(rng.randrange(5)):
                items.insert(rng.randrange(len(items) + 1), f"{tag}{i}")
            return items

        mine, theirs = side("m"), side("t")
        if rng.random() < 0.3:  # mine's earlier additions, stored already
            mine.insert(rng.randrange(len(mine) + 1), f"x{trial}")
            theirs.insert(rng.randrange(len(theirs) + 1), f"x{trial}")
        ribs = [dict.fromkeys(items, b"") for items in (base, mine, theirs)]
        assert parts._rib_order(*ribs) == _order(base, mine, theirs), (base, mine, theirs)
