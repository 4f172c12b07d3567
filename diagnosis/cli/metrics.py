"""`diagnosis metrics`: every step-1 row with its definition, baseline, target, checkpoints and n."""

from __future__ import annotations

import csv
import io
import json
import sys

import click

from diagnosis.cli import cli, fail
from diagnosis.errors import DiagnosisError


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of names and definitions (default: the project's).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def metrics(file: str, lang: str | None, fmt: str) -> None:
    """The step-1 metric rows of project FILE, as the app shows them: definition, baseline (n), target, checkpoints (n).

    A row bound to a definition is computed from the project's imports by that definition; a
    row typed in by hand says so.
    """
    from diagnosis.project import load_project
    from diagnosis.spreadsheet import neutralize
    from diagnosis.tickets.flow import row_view

    try:
        loaded = load_project(file)
    except DiagnosisError as exc:
        fail(exc)
        return
    lang = lang or loaded.project.meta.language
    rows = row_view(loaded.project, loaded.questionnaire, lang)
    if fmt == "json":
        click.echo(json.dumps({"rows": rows}, ensure_ascii=False, indent=2, default=str))
        return
    points = sorted({cp for r in rows for cp in r["checkpoints"]})
    header = ["row", "name", "definition", "baseline", "n", "target", *(f"{cp} mo" for cp in points), *(f"n {cp} mo" for cp in points)]
    body = []
    for r in rows:
        cps = [r["checkpoints"].get(cp, {}) for cp in points]
        body.append([r["row"], r["name"], r["definition_text"], _num(r["baseline"]), _num(r["baseline_n"]), _num(r["target"]),
                     *(_num(c.get("value")) for c in cps), *(_num(c.get("n")) for c in cps)])  # fmt: skip
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[neutralize(cell) for cell in row] for row in body])
        sys.stdout.write(out.getvalue())
        return
    from diagnosis.cli.kpi import print_table

    print_table(header, body)


def _num(value: object) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)
