"""Step 5 editor: weekly check-ins per measure, overdue and stale measures, summaries."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

from diagnosis import tracking
from diagnosis.errors import DiagnosisError
from diagnosis.project.model import CheckIn
from ui import state
from ui.context import StepContext
from ui.texts import refusal

OVERDUE_COLOR = "background-color: #fdecea"
STALE_COLOR = "background-color: #fff8e1"
ROUND = "tracking.form.round"


def tracking_editor(ctx: StepContext) -> None:
    t = ctx.t
    project = ctx.project
    if not project.measures:
        st.info(t("第四步还没有措施；添加措施后在这里每周跟进。", "Step 4 has no measures yet; add some, then check in on them here every week."))
        return
    today = st.date_input(t("截至日期", "As of"), dt.date.today(), key="tracking.today",
                          help=t("逾期与未跟进均以此日期判断。", "Overdue and stale are judged against this date.")) or dt.date.today()
    rows = tracking.track(project, today)

    st.subheader(t("执行概况", "Overview"))
    counts = tracking.summary_by_status(rows)
    cols = st.columns(len(counts) + 2)
    for col, (status, n) in zip(cols, counts.items()):
        col.metric(tracking.status_label(status, ctx.lang), n)
    cols[-2].metric(t("逾期", "Overdue"), sum(r.overdue for r in rows))
    cols[-1].metric(t(f"超过 {tracking.STALE_DAYS} 天未跟进", f"No check-in > {tracking.STALE_DAYS} days"), sum(r.stale for r in rows))
    by_owner = tracking.summary_by_owner(rows)
    owner_frame = pd.DataFrame(
        [
            {t("负责人", "Owner"): owner or "-",
             **{tracking.status_label(s, ctx.lang): c[s] for s in tracking.STATUSES},
             t("逾期", "Overdue"): c["overdue"], t("未跟进", "Stale"): c["stale"], t("合计", "Total"): c["total"]}
            for owner, c in by_owner.items()
        ]
    )
    st.dataframe(owner_frame, hide_index=True, width="stretch", key="tracking.by_owner", placeholder="—")

    st.subheader(t("措施状态", "Measures"))
    frame = pd.DataFrame(
        [
            {
                t("措施", "Measure"): r.measure.title,
                t("负责人", "Owner"): r.owner,
                t("完成日期", "Due"): r.measure.due.isoformat() if r.measure.due else "—",  # never Streamlit's "None"
                t("状态", "Status"): tracking.status_label(r.status, ctx.lang),
                t("进度 %", "Progress %"): r.progress,
                t("最近跟进", "Last check-in"): r.latest.date.isoformat() if r.latest else "—",
                t("提醒", "Attention"): t("；", "; ").join(
                    [t("逾期", "overdue")] * r.overdue
                    + [t(f"{tracking.STALE_DAYS} 天以上未跟进", f"no check-in for over {tracking.STALE_DAYS} days")] * r.stale
                ),
            }
            for r in rows
        ]
    )
    styles = [OVERDUE_COLOR if r.overdue else STALE_COLOR if r.stale else "" for r in rows]
    styled = frame.style.apply(lambda col: styles, axis=0)
    st.dataframe(styled, hide_index=True, width="stretch", key="tracking.measures", placeholder="—")
    st.caption(t("红色：已过完成日期但未完成；黄色：超过 7 天没有跟进记录。",
                 "Red: past its due date and not done; yellow: no check-in for over 7 days."))

    titles = {m.id: m.title for m in project.measures}
    if not ctx.read_only:
        _checkin_form(ctx, titles, today)

    st.subheader(t("跟进记录", "Check-in history"))
    shown = st.selectbox(t("措施", "Measure"), ["", *titles], format_func=lambda i: titles.get(i, t("全部措施", "All measures")),
                         key="tracking.history_measure")
    checkins = sorted((c for c in project.checkins if not shown or c.measure == shown), key=lambda c: (c.date, c.measure), reverse=True)
    if not checkins:
        st.caption(t("还没有跟进记录。", "No check-ins yet."))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("日期", "Date"): c.date,
                    t("措施", "Measure"): titles.get(c.measure, c.measure),
                    t("状态", "Status"): tracking.status_label(c.status, ctx.lang),
                    t("进度 %", "Progress %"): c.progress,
                    t("偏差", "Deviation"): c.deviation,
                    t("原因", "Cause"): c.cause,
                    t("调整后的计划", "Adjusted plan"): c.adjusted_plan,
                    t("记录人", "By"): c.author,
                }
                for c in checkins
            ]
        ),
        hide_index=True, width="stretch", key="tracking.history",
        placeholder="—",
    )
    if not ctx.read_only:
        _correct(ctx, titles, checkins)


def _checkin_label(ctx: StepContext, titles: dict[str, str], c: CheckIn) -> str:
    return f"{c.date} · {titles.get(c.measure, c.measure)} · {tracking.status_label(c.status, ctx.lang)} · {c.progress}%"


def _correct(ctx: StepContext, titles: dict[str, str], checkins: list[CheckIn]) -> None:
    """Correct or delete one check-in of the log (each a revision in History)."""
    t = ctx.t
    with st.expander(t("修改或删除一条跟进记录", "Correct or delete a check-in")):
        by_id = {c.id: c for c in checkins}
        picked = st.selectbox(t("跟进记录", "Check-in"), list(by_id), format_func=lambda i: _checkin_label(ctx, titles, by_id[i]),
                              key="tracking.correct.pick")
        c = by_id[picked]
        what = f"{titles.get(c.measure, c.measure)}（{c.date}）"
        # the keys carry the stored values: after any change (here or in another tab) the fields show the stored check-in
        k = "tracking.correct." + hashlib.sha1(c.model_dump_json().encode()).hexdigest()[:10]
        with st.form(f"{k}.form"):
            c1, c2, c3 = st.columns(3)
            day = c1.date_input(t("日期", "Date"), c.date, key=f"{k}.date")
            state.choice(f"{k}.status", list(tracking.STATUSES), c.status, lang=ctx.lang)
            status = c2.selectbox(t("状态", "Status"), tracking.STATUSES, format_func=lambda s: tracking.status_label(s, ctx.lang),
                                  key=f"{k}.status")
            progress = c3.slider(t("进度 %", "Progress %"), 0, 100, c.progress, step=5, key=f"{k}.progress")
            deviation = st.text_input(t("偏差", "Deviation"), c.deviation, key=f"{k}.deviation")
            cause = st.text_input(t("偏差原因", "Cause of the deviation"), c.cause, key=f"{k}.cause")
            adjusted = st.text_area(t("调整后的计划", "Adjusted plan"), c.adjusted_plan, key=f"{k}.adjusted_plan")
            saved = st.form_submit_button(t("保存修改", "Save the correction"))
        if saved:
            if status in ("at_risk", "late") and not deviation.strip():
                st.error(t("状态为“有风险”或“延期”时，请写明偏差。", "Describe the deviation when a measure is at risk or late."))
                return
            try:
                tracking.edit_checkin(ctx.project, c.id, date=day or c.date, status=status, progress=progress,
                                      deviation=deviation.strip(), cause=cause.strip(), adjusted_plan=adjusted.strip())
            except DiagnosisError as exc:
                st.error(refusal(exc, ctx.lang))
                return
            ctx.save(t(f"修改跟进：{what}", f"Corrected check-in: {titles.get(c.measure, c.measure)} ({c.date})"))
            st.rerun()
        sure = st.checkbox(t("确认删除这条跟进记录", "Confirm deleting this check-in"), key=f"tracking.correct.sure.{c.id}")
        if st.button(t("删除这条跟进记录", "Delete this check-in"), disabled=not sure, key=f"tracking.correct.delete.{c.id}"):
            try:
                tracking.delete_checkin(ctx.project, c.id)
            except DiagnosisError as exc:
                st.error(refusal(exc, ctx.lang))
                return
            ctx.save(t(f"删除跟进：{what}", f"Deleted check-in: {titles.get(c.measure, c.measure)} ({c.date})"))
            st.session_state.pop("tracking.correct.pick", None)
            st.rerun()


def _checkin_form(ctx: StepContext, titles: dict[str, str], today: dt.date) -> None:
    t = ctx.t
    st.subheader(t("本周跟进", "This week's check-in"))
    # clear_on_submit would also empty a refused check-in; new widgets (a new round) after a recorded one do not
    rounds = st.session_state.get(ROUND, 0)
    k = "tracking.form" if not rounds else f"tracking.form.{rounds}"
    with st.form(k):
        measure = st.selectbox(t("措施", "Measure"), list(titles), format_func=titles.get, key=f"{k}.measure")
        c1, c2, c3 = st.columns(3)
        day = c1.date_input(t("日期", "Date"), today, key=f"{k}.date")
        state.choice(f"{k}.status", list(tracking.STATUSES), tracking.STATUSES[1], lang=ctx.lang)
        status = c2.selectbox(t("状态", "Status"), tracking.STATUSES,
                              format_func=lambda s: tracking.status_label(s, ctx.lang), key=f"{k}.status")
        progress = c3.slider(t("进度 %", "Progress %"), 0, 100, 0, step=5, key=f"{k}.progress")
        deviation = st.text_input(t("偏差（如“集成延期 3 天”）", "Deviation (e.g. 'integration 3 days late')"), key=f"{k}.deviation")
        cause = st.text_input(t("偏差原因", "Cause of the deviation"), key=f"{k}.cause")
        adjusted = st.text_area(t("调整后的计划", "Adjusted plan"), key=f"{k}.adjusted_plan")
        submitted = st.form_submit_button(t("记录跟进", "Record check-in"), key=f"{k}.submit")  # keyed by the round, as the fields
    if not submitted:
        return
    if status in ("at_risk", "late") and not deviation.strip():
        st.error(t("状态为“有风险”或“延期”时，请写明偏差。", "Describe the deviation when a measure is at risk or late."))
        return
    try:
        tracking.record_checkin(
            ctx.project,
            CheckIn(measure=measure, date=day or today, status=status, progress=100 if status == "done" else progress,
                    deviation=deviation.strip(), cause=cause.strip(), adjusted_plan=adjusted.strip(), author=ctx.author),
        )
    except DiagnosisError as exc:
        st.error(refusal(exc, ctx.lang))
        return
    st.session_state[ROUND] = rounds + 1
    ctx.save(t(f"跟进：{titles[measure]}（{tracking.status_label(status, 'zh')}）", f"Check-in: {titles[measure]} ({tracking.status_label(status, 'en')})"))
    st.rerun()
