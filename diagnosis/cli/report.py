"""`diagnosis report`: the consultant's deliverable, headless."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from diagnosis.cli import cli, write_output

FORMATS = ["html", "pdf", "docx", "pptx", "xlsx", "md"]  # diagnosis.report.FORMATS, without loading the report engine


def output_paths(output: str, formats: list[str]) -> dict[str, str]:
    """Where each format goes: `output` itself for one format; for several, `output` with each
    format's suffix in place of its own (`-o out/report` or `out/report.pdf` -> out/report.html, ...)."""
    if len(formats) == 1:
        return {formats[0]: output}
    path = Path(output)
    stem = path.with_suffix("") if path.suffix.lstrip(".").lower() in FORMATS else path
    return {fmt: str(stem.with_name(f"{stem.name}.{fmt}")) for fmt in formats}


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmts", type=click.Choice([*FORMATS, "all"]), required=True, multiple=True,
              help="One format, several (--format pdf --format docx) or all; several are drawn from one build of the report.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Report language (default: the project's).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge late, stale and overdue measures as of this day, YYYY-MM-DD (default: today).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the report; with several formats, the name each format's suffix is put on.")
def report(file: str, fmts: tuple[str, ...], lang: str | None, as_of: dt.datetime | None, output: str) -> None:
    """Write the diagnosis report of a project file (html, pdf, docx, pptx, xlsx, md)."""
    from diagnosis.project import load_project
    from diagnosis.report import build_report, render

    formats = FORMATS if "all" in fmts else list(dict.fromkeys(fmts))
    built = []  # the report, built once for every format (its charts are converted once)

    def make(fmt: str) -> bytes:
        if not built:
            loaded = load_project(file)
            built.append(build_report(loaded.project, loaded.questionnaire, lang, as_of.date() if as_of else None))
        return render(built[0], fmt)

    for fmt, path in output_paths(output, formats).items():
        write_output(path, lambda fmt=fmt: make(fmt))
