"""`diagnosis report`: the consultant's deliverable, headless."""

from __future__ import annotations

import sys

import click

from diagnosis.cli import cli, fail
from diagnosis.errors import DiagnosisError


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "docx", "pptx", "xlsx", "md"]), required=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Report language (default: the project's).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Where to write the report.")
def report(file: str, fmt: str, lang: str | None, output: str) -> None:
    """Write the diagnosis report of a project file (html, pdf, docx, pptx, xlsx, md)."""
    from diagnosis.project import load_project
    from diagnosis.project.files import atomic_write
    from diagnosis.report import render_report

    try:
        loaded = load_project(file)
        content = render_report(loaded.project, loaded.questionnaire, fmt, lang)
        atomic_write(output, content, backup=False)
    except DiagnosisError as exc:
        fail(exc)
    except OSError as exc:
        click.echo(f"error: cannot write {output}: {exc.strerror}", err=True)
        sys.exit(1)
    click.echo(f"wrote {output}", err=True)
