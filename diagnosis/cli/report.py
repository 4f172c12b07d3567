"""`diagnosis report`: the consultant's deliverable, headless."""

from __future__ import annotations

import datetime as dt

import click

from diagnosis.cli import cli, write_output


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "docx", "pptx", "xlsx", "md"]), required=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Report language (default: the project's).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge late, stale and overdue measures as of this day, YYYY-MM-DD (default: today).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Where to write the report.")
def report(file: str, fmt: str, lang: str | None, as_of: dt.datetime | None, output: str) -> None:
    """Write the diagnosis report of a project file (html, pdf, docx, pptx, xlsx, md)."""
    from diagnosis.project import load_project
    from diagnosis.report import render_report

    def make() -> bytes:
        loaded = load_project(file)
        return render_report(loaded.project, loaded.questionnaire, fmt, lang, as_of.date() if as_of else None)

    write_output(output, make)
