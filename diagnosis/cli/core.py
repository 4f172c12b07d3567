"""Foundation commands: validate, check-project, demo, schema."""

from __future__ import annotations

import json
import sys

import click

from diagnosis.cli import cli, fail, write_output
from diagnosis.errors import DiagnosisError, InvalidFile


@cli.command()
@click.argument("questionnaires", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(questionnaires: tuple[str, ...]) -> None:
    """Check questionnaire YAML files; print FILE:LINE:COLUMN: message per problem."""
    from diagnosis.questionnaire import load_questionnaire

    bad = False
    for path in questionnaires:
        try:
            q = load_questionnaire(path)
        except InvalidFile as exc:
            bad = True
            for problem in exc.problems:
                click.echo(str(problem))
            continue
        click.echo(f"{path}: ok ({q.id} {q.version}, {len(q.questions())} questions)", err=True)
    sys.exit(1 if bad else 0)


@cli.command("check-project")
@click.argument("file", type=click.Path(dir_okay=False))
def check_project(file: str) -> None:
    """Check a project file against its questionnaire; list every problem."""
    from diagnosis.project import load_project

    try:
        loaded = load_project(file)
    except DiagnosisError as exc:
        fail(exc)
        return
    for problem in loaded.warnings:
        click.echo(str(problem))
    if loaded.warnings:
        sys.exit(1)
    click.echo(f"{file}: ok ({loaded.project.meta.title or loaded.project.meta.id})", err=True)


@cli.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Where to write the demo project.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--tickets", type=click.Path(dir_okay=False), help="Also write the demo's August 2025 ticket export (CSV) here.")
def demo(output: str, lang: str, tickets: str | None) -> None:
    """Write a demo project filled from the online-shop case (August 2025)."""
    from diagnosis.demo import demo_project
    from diagnosis.demo_tickets import demo_sample_export
    from diagnosis.project import dumps

    write_output(output, lambda: dumps(demo_project(lang)).encode("utf-8"))
    if tickets:
        write_output(tickets, demo_sample_export)


@cli.command()
def schema() -> None:
    """Print the questionnaire JSON Schema (committed as questionnaires/schema.json)."""
    from diagnosis.questionnaire.schema import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))
