"""Step 3, the diagram view: the fishbone drawn by `diagnosis.diagram`, its SVG, PNG and PDF downloads,
and the way into the projector view (`projector`)."""

from __future__ import annotations

import graphviz
import streamlit as st

from diagnosis.diagram import fishbone_dot, render_dot
from diagnosis.errors import DiagnosisError
from diagnosis.text import safe_filename
from ui.context import StepContext
from ui.editors.causes import projector
from ui.texts import refusal


@st.cache_data(max_entries=32, show_spinner=False)
def _rendered(dot: str, fmt: str) -> bytes:
    return render_dot(dot, fmt)


def draw(ctx: StepContext) -> None:
    projector.button(ctx)
    dot = fishbone_dot(ctx.project, ctx.questionnaire, ctx.lang)
    st.graphviz_chart(graphviz.Source(dot, engine="neato"), width="stretch")
    stem = safe_filename(ctx.project.meta.title, "-" + ctx.t("鱼骨图", "fishbone"), limit=60, fallback=ctx.project.meta.id)
    mimes = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
    columns = st.columns(3)
    for column, (fmt, mime) in zip(columns, mimes.items()):
        try:
            data = _rendered(dot, fmt)
        except DiagnosisError as exc:
            column.error(refusal(exc, ctx.lang))
            continue
        column.download_button(ctx.t(f"下载 {fmt.upper()}", f"Download {fmt.upper()}"), data, file_name=f"{stem}.{fmt}",
                               mime=mime, key=f"causes.download.{fmt}", width="stretch")
