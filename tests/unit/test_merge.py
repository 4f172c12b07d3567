"""Three-way merge of a project and the readable diff between two revisions (pure functions)."""

from __future__ import annotations

import datetime as dt

from diagnosis import fishbone as fb
from diagnosis.demo import demo_project
from diagnosis.history import diff
from diagnosis.merge import merge, set_at
from diagnosis.project.model import CheckIn, Measure, MetricValue


def three():
    base = demo_project("zh")
    return base, base.model_copy(deep=True), base.model_copy(deep=True)


def texts(project):
    return [c.text for c in fb.iter_causes(project.fishbone)]


def test_causes_and_sub_causes_added_on_both_sides_all_land():
    base, mine, theirs = three()
    parent = base.fishbone.causes[0].id
    fb.add_cause(mine.fishbone, "mine: a sub-cause", parent_id=parent)
    fb.add_cause(theirs.fishbone, "theirs: a sub-cause", parent_id=parent)
    fb.add_cause(theirs.fishbone, "theirs: a rib", "people")
    merged = merge(base, mine, theirs)
    assert merged.conflicts == []
    children = [c.text for c in fb.find_cause(merged.project.fishbone, parent).children]
    assert "mine: a sub-cause" in children and "theirs: a sub-cause" in children
    assert "theirs: a rib" in texts(merged.project)


def test_additions_at_the_same_place_on_both_sides_keep_the_order_they_were_saved_in():
    # theirs is stored already, mine is saved on top of it: theirs' additions come first
    base, mine, theirs = three()
    fb.add_cause(theirs.fishbone, "theirs: saved first", "people")
    fb.add_cause(mine.fishbone, "mine: saved second", "method")
    parent = base.fishbone.causes[0].id
    fb.add_cause(theirs.fishbone, "theirs: a sub-cause", parent_id=parent)
    fb.add_cause(mine.fishbone, "mine: a sub-cause", parent_id=parent)
    m = Measure(title="mine: a measure")
    theirs.measures.append(Measure(title="theirs: a measure"))
    mine.measures.append(m)
    merged = merge(base, mine, theirs).project
    ribs = [c.text for c in merged.fishbone.causes]
    assert ribs[-2:] == ["theirs: saved first", "mine: saved second"]
    children = [c.text for c in fb.find_cause(merged.fishbone, parent).children]
    assert children[-2:] == ["theirs: a sub-cause", "mine: a sub-cause"]
    assert [x.title for x in merged.measures][-2:] == ["theirs: a measure", "mine: a measure"]
    # an addition in the middle of mine still goes where mine put it
    base, mine, theirs = three()
    first = base.fishbone.causes[0].id
    fb.add_cause(theirs.fishbone, "theirs: at the end", "people")
    mine.fishbone.causes.insert(1, fb.Cause(text="mine: second", category="people"))
    merged = merge(base, mine, theirs).project
    ribs = [c.text for c in merged.fishbone.causes]
    assert merged.fishbone.causes[0].id == first and ribs[1] == "mine: second" and ribs[-1] == "theirs: at the end"


def test_a_cause_moved_on_one_side_and_edited_on_the_other_keeps_both_changes():
    base, mine, theirs = three()
    first, second = base.fishbone.causes[0].id, base.fishbone.causes[1].id
    fb.nest_cause(mine.fishbone, second, first)
    fb.edit_cause(theirs.fishbone, second, evidence="工单 120 张")
    fb.cast_vote(theirs.fishbone, second, "王芳", 5)
    merged = merge(base, mine, theirs).project
    moved = fb.find_cause(merged.fishbone, second)
    assert fb.parent_of(merged.fishbone, second).id == first
    assert moved.evidence == "工单 120 张" and moved.votes["王芳"] == 1
    assert moved.category == fb.find_cause(merged.fishbone, first).category


def test_votes_merge_per_participant():
    base, mine, theirs = three()
    cid = base.fishbone.causes[0].id
    mine.fishbone.causes[0].votes["甲"] = 2
    theirs.fishbone.causes[0].votes["乙"] = 3
    votes = fb.find_cause(merge(base, mine, theirs).project.fishbone, cid).votes
    assert votes["甲"] == 2 and votes["乙"] == 3


def test_table_rows_added_on_both_sides_all_land_and_cells_edited_on_both_sides_merge():
    base, mine, theirs = three()
    rows = base.answers["metrics"]
    mine.answers["metrics"] = [dict(rows[0], name="mine renamed"), *rows[1:], {"metric": "fcr", "name": "mine new"}]
    theirs.answers["metrics"] = [dict(rows[0], baseline=1.5), *rows[1:], {"metric": "aht", "name": "theirs new"}]
    merged = merge(base, mine, theirs)
    result = merged.project.answers["metrics"]
    assert merged.conflicts == []
    assert result[0]["name"] == "mine renamed" and result[0]["baseline"] == 1.5
    assert [r["name"] for r in result[-2:]] == ["theirs new", "mine new"]
    assert len(result) == len(rows) + 2


def test_measures_check_ins_and_metric_values_added_on_both_sides_all_land():
    base, mine, theirs = three()
    mine.measures.append(Measure(title="mine"))
    theirs.measures.append(Measure(title="theirs"))
    measure = base.measures[0].id
    mine.checkins.append(CheckIn(measure=measure, date="2025-09-08", status="on_track"))
    theirs.checkins.append(CheckIn(measure=measure, date="2025-09-08", status="late"))
    mine.evaluation.values.append(MetricValue(metric="csat", checkpoint=12, value=4.9))
    theirs.evaluation.values.append(MetricValue(metric="frt", checkpoint=12, value=2.9))
    merged = merge(base, mine, theirs).project
    assert {"mine", "theirs"} <= {m.title for m in merged.measures}
    assert len(merged.checkins) == len(base.checkins) + 2
    assert len(merged.evaluation.values) == len(base.evaluation.values) + 2


def test_a_value_changed_differently_on_both_sides_keeps_theirs_and_reports_both():
    base, mine, theirs = three()
    mine.answers["project_name"] = "mine"
    theirs.answers["project_name"] = "theirs"
    mine.measures[0].owner = "李敏敏"
    theirs.measures[0].owner = "张伟伟"
    merged = merge(base, mine, theirs)
    assert merged.project.answers["project_name"] == "theirs"
    assert {(c.path, c.mine, c.theirs) for c in merged.conflicts} == {
        (("answers", "project_name"), "mine", "theirs"), (("measures", f"#{base.measures[0].id}", "owner"), "李敏敏", "张伟伟")}


def test_the_save_time_set_by_both_sides_is_no_conflict_and_the_later_one_is_kept():
    base, mine, theirs = three()
    mine.meta.updated = dt.datetime(2025, 9, 1, 10, 0, 5, tzinfo=dt.UTC)
    theirs.meta.updated = dt.datetime(2025, 9, 1, 10, 0, 2, tzinfo=dt.UTC)
    mine.answers["project_name"] = "mine"
    merged = merge(base, mine, theirs)
    assert merged.conflicts == []
    assert merged.project.meta.updated == dt.datetime(2025, 9, 1, 10, 0, 5, tzinfo=dt.UTC)
    assert merged.project.answers["project_name"] == "mine"
    # the other way round: theirs is later and stays
    mine.meta.updated, theirs.meta.updated = theirs.meta.updated, mine.meta.updated
    assert merge(base, mine, theirs).project.meta.updated == dt.datetime(2025, 9, 1, 10, 0, 5, tzinfo=dt.UTC)


def test_a_cause_deleted_on_one_side_and_edited_on_the_other_is_kept_and_reported():
    base, mine, theirs = three()
    cid = base.fishbone.causes[0].id
    fb.delete_cause(mine.fishbone, cid)
    fb.edit_cause(theirs.fishbone, cid, text="edited")
    merged = merge(base, mine, theirs)
    assert fb.find_cause(merged.project.fishbone, cid).text == "edited"
    assert merged.conflicts[0].mine_deleted


def test_a_chosen_value_goes_back_to_the_conflicts_place():
    base, mine, theirs = three()
    mine.measures[0].owner = "李敏敏"
    theirs.measures[0].owner = "张伟伟"
    conflict = merge(base, mine, theirs).conflicts[0]
    data = theirs.model_dump(mode="json")
    set_at(data, conflict.path, conflict.mine)
    assert data["measures"][0]["owner"] == "李敏敏"


def test_the_diff_names_what_changed_in_each_area_with_before_and_after():
    old, new = demo_project("zh"), demo_project("zh")
    new.answers["project_name"] = "新名称"
    cause = fb.add_cause(new.fishbone, "新原因", "people")
    fb.cast_vote(new.fishbone, cause.id, "王芳", 5)
    fb.delete_cause(new.fishbone, old.fishbone.causes[1].id)
    new.measures[0].owner = "赵强"
    new.checkins.append(CheckIn(measure=new.measures[0].id, date="2025-09-15", status="late"))
    new.answers["metrics"] = [*old.answers["metrics"], {"metric": "fcr", "name": "一次解决率"}]
    changes = {(c.area, c.kind, c.subject, c.field) for c in diff(old, new)}
    assert ("answers", "changed", "project_name", "") in changes
    assert ("answers", "added", "metrics", "") in changes
    assert ("causes", "added", "新原因", "") in changes
    assert ("votes", "added", "新原因", "王芳") in changes
    assert ("causes", "removed", old.fishbone.causes[1].text, "") in changes
    assert ("measures", "changed", new.measures[0].title, "owner") in changes
    assert any(c[0] == "checkins" and c[1] == "added" for c in changes)
    owner = next(c for c in diff(old, new) if c.field == "owner")
    assert (owner.before, owner.after) == (old.measures[0].owner, "赵强")
    assert "赵强" in owner.describe("en")


def test_an_unchanged_project_has_no_diff():
    assert diff(demo_project("zh"), demo_project("zh")) == []


def test_undo_own_last_picks_the_newest_own_revision_not_yet_undone():
    from types import SimpleNamespace as R

    from diagnosis.history import last_own_revision
    from diagnosis.store import RevisionKind as K

    revisions = [R(number=5, author="李敏", description="undo 3", kind=K.UNDO), R(number=4, author="王", description="x", kind=K.EDIT),
                 R(number=3, author="李敏", description="add cause", kind=K.CAUSE),
                 R(number=1, author="李敏", description="created", kind=K.CREATE)]
    assert last_own_revision([2, 6], revisions, "李敏", set()) == 6
    assert last_own_revision([2, 6], revisions, "李敏", {6}) == 2
    # nothing saved in this session: the newest under the name, skipping undos and creation
    assert last_own_revision([], revisions, "李敏", set()) == 3
    assert last_own_revision([], revisions, "李敏", {3}) is None
    assert last_own_revision([], revisions, "", set()) is None
