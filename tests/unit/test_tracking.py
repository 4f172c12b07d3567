"""Step 5: check-in history, latest status, overdue and stale measures, summaries."""

from __future__ import annotations

import datetime as dt

import pytest

from diagnosis import tracking
from diagnosis.demo import demo_project
from diagnosis.errors import DiagnosisError
from diagnosis.project.model import CheckIn, Measure

D = dt.date


def rows_by_id(project, today):
    return {r.measure.id: r for r in tracking.track(project, today)}


def test_the_history_of_a_measure_is_kept_in_date_order():
    project = demo_project("en")
    project.checkins.insert(0, CheckIn(measure="m01", date=D(2025, 9, 2), status="not_started"))
    dates = [c.date for c in tracking.history(project, "m01")]
    assert dates == sorted(dates) and len(dates) == 4
    assert tracking.latest_checkin(project, "m01").status == "done"
    assert tracking.latest_checkin(project, "m05") is None  # never checked in: shown as not started


def test_recording_a_check_in_appends_it_and_rejects_an_unknown_measure():
    project = demo_project("en")
    before = len(project.checkins)
    tracking.record_checkin(project, CheckIn(measure="m05", date=D(2025, 10, 13), status="on_track", progress=20))
    assert len(project.checkins) == before + 1
    with pytest.raises(DiagnosisError):
        tracking.record_checkin(project, CheckIn(measure="nope", date=D(2025, 10, 13), status="on_track"))


@pytest.mark.parametrize(
    ("due", "status", "overdue"),
    [(D(2025, 10, 9), "on_track", True), (D(2025, 10, 10), "on_track", False), (D(2025, 10, 9), "done", False), (None, "late", False)],
)
def test_a_measure_is_overdue_when_past_its_due_date_and_not_done(due, status, overdue):
    assert tracking.is_overdue(Measure(title="x", due=due), status, D(2025, 10, 10)) is overdue


def test_overdue_is_judged_against_the_given_day():
    project = demo_project("en")
    assert not rows_by_id(project, D(2025, 10, 20))["m07"].overdue
    assert rows_by_id(project, D(2025, 10, 21))["m07"].overdue
    assert not rows_by_id(project, D(2026, 1, 1))["m01"].overdue  # done


@pytest.mark.parametrize(("days", "stale"), [(7, False), (8, True)])
def test_a_measure_without_a_check_in_for_over_seven_days_is_stale(days, stale):
    last = CheckIn(measure="x", date=D(2025, 10, 1), status="on_track")
    assert tracking.is_stale(Measure(title="x"), last, D(2025, 10, 1) + dt.timedelta(days=days)) is stale


def test_a_measure_never_checked_in_is_stale_a_week_after_its_start_and_a_done_one_never():
    started = Measure(title="x", start=D(2025, 9, 1))
    assert tracking.is_stale(started, None, D(2025, 9, 9))
    assert not tracking.is_stale(started, None, D(2025, 9, 8))
    assert not tracking.is_stale(Measure(title="x"), None, D(2030, 1, 1))
    done = CheckIn(measure="x", date=D(2025, 9, 1), status="done")
    assert not tracking.is_stale(started, done, D(2030, 1, 1))


def test_the_summary_counts_measures_per_status_and_per_owner():
    rows = tracking.track(demo_project("en"), D(2025, 10, 13))
    assert tracking.summary_by_status(rows) == {"not_started": 2, "on_track": 1, "at_risk": 1, "late": 1, "done": 2}
    zhao = tracking.summary_by_owner(rows)["Engineer Zhao"]
    assert (zhao["late"], zhao["on_track"], zhao["not_started"], zhao["total"]) == (1, 1, 1, 3)
    assert zhao["stale"] == 1  # m05 started 8 September, never checked in


def test_correcting_a_check_in_changes_the_measures_status_and_progress_as_of_that_day():
    project = demo_project("en")
    project.checkins.append(CheckIn(id="k_typo", measure="m05", date=D(2025, 10, 13), status="on_track", progress=100))
    assert rows_by_id(project, D(2025, 10, 14))["m05"].progress == 100  # 100% typed for 20%
    corrected = tracking.edit_checkin(project, "k_typo", progress=20, deviation="")
    assert (corrected.id, corrected.progress, corrected.date) == ("k_typo", 20, D(2025, 10, 13))
    assert rows_by_id(project, D(2025, 10, 14))["m05"].progress == 20
    assert sum(c.id == "k_typo" for c in project.checkins) == 1
    tracking.edit_checkin(project, "k_typo", status="done", progress=40)
    assert rows_by_id(project, D(2025, 10, 14))["m05"].progress == 100  # done is 100%


def test_a_check_in_edit_is_refused_when_out_of_range_unknown_or_about_another_field():
    project = demo_project("en")
    project.checkins.append(CheckIn(id="k1", measure="m05", date=D(2025, 10, 13), status="on_track", progress=20))
    for bad in ({"progress": 120}, {"status": "finished"}, {"measure": "m01"}):
        with pytest.raises(DiagnosisError):
            tracking.edit_checkin(project, "k1", **bad)
    assert tracking.find_checkin(project, "k1").progress == 20
    with pytest.raises(DiagnosisError, match="no check-in"):
        tracking.edit_checkin(project, "gone", progress=10)


def test_deleting_a_check_in_makes_the_one_before_the_latest_again():
    project = demo_project("en")
    m07 = tracking.history(project, "m07")
    assert [(c.status, c.progress) for c in m07][-2:] == [("on_track", 40), ("late", 60)]
    tracking.delete_checkin(project, m07[-1].id)
    row = rows_by_id(project, D(2025, 10, 14))["m07"]
    assert (row.status, row.progress, row.checkins) == ("on_track", 40, len(m07) - 1)
    with pytest.raises(DiagnosisError):
        tracking.delete_checkin(project, m07[-1].id)
