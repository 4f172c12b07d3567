"""Steps 4-6 on the command line: `diagnosis plan` and `diagnosis evaluate`."""

from __future__ import annotations

import json
import sys
import unicodedata
from typing import Any

import click

from diagnosis.cli import cli, fail
from diagnosis.errors import DiagnosisError
from diagnosis.i18n import months_text


def _load(file: str) -> Any:
    from diagnosis.project import load_project

    try:
        return load_project(file)
    except DiagnosisError as exc:
        fail(exc)
    except OSError as exc:
        click.echo(f"error: cannot read {file}: {exc.strerror}", err=True)
        sys.exit(1)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    """A plain text table, aligned for Chinese (wide) characters too."""
    cells = [[("" if v is None else str(v)) for v in row] for row in [headers, *rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(v + " " * (widths[i] - _width(v)) for i, v in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def plan(file: str, fmt: str) -> None:
    """The action plan: measures by horizon and priority, with owner, due date and status."""
    from diagnosis import plan as plans

    loaded = _load(file)
    project, questionnaire = loaded.project, loaded.questionnaire
    data = plans.plan_json(project, questionnaire)
    keys = ["measure", "root_cause", "owner", "start", "due", "score", "horizon", "horizon_overridden", "status"]
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from diagnosis.spreadsheet import to_csv

        rows = [[row[k] for k in keys] for row in data["measures"]]
        sys.stdout.buffer.write(to_csv(keys, rows).removeprefix("\ufeff".encode("utf-8")))
        sys.stdout.flush()
    else:
        rows = [[*(row[k] for k in keys[:-2]), "yes" if row["horizon_overridden"] else "", row["status"]] for row in data["measures"]]
        click.echo(f"plan start: {data['plan_start'] or '-'}")
        click.echo(_table([*keys[:-2], "overridden", "status"], rows))
        missing = plans.root_causes_without_measure(project, questionnaire)
        for cause in missing:
            click.echo(f"root cause without a measure: {cause.text}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--stats", "with_stats", is_flag=True,
              help="Before/after tests instead: each bound row, baseline period vs each checkpoint import.")
def evaluate(file: str, fmt: str, with_stats: bool) -> None:
    """Evaluation: each metric at each checkpoint against baseline and target; fired alerts."""
    from diagnosis import evaluation as ev

    loaded = _load(file)
    project, questionnaire = loaded.project, loaded.questionnaire
    lang = project.meta.language
    if with_stats:
        _stats(project, questionnaire, lang, fmt)
        return
    results = ev.evaluate(project, questionnaire)
    alerts = ev.fired_alerts(project, questionnaire)
    adjust = ev.measures_to_adjust(project, questionnaire)
    if fmt == "json":
        data = {
            "launch": project.evaluation.launch.isoformat() if project.evaluation.launch else None,
            "checkpoints": ev.checkpoints(questionnaire, project.evaluation),
            "results": [r.as_json() for r in results],
            "alerts": [a.as_json(lang) for a in alerts],
            "measures_to_adjust": [{"measure": a.measure.title, "metrics": list(a.metrics)} for a in adjust],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    rows = []
    for r in results:
        met = {True: "yes", False: "no", None: ""}[r.target_met]
        change = "" if r.change is None else f"{r.change:+g}" + ("" if r.change_pct is None else f" ({r.change_pct:+.1f}%)")
        rows.append([r.goal.key, f"{r.checkpoint} mo", r.goal.baseline, r.goal.target, r.goal.direction,
                     "" if r.value is None else f"{r.value:g}", change, met])
    click.echo(_table(["row", "checkpoint", "baseline", "target", "better", "value", "change", "target met"], rows))
    click.echo("")
    if not alerts:
        click.echo("alerts: none fired")
    for a in alerts:
        bound = f"below {a.rule.below:g}" if a.rule.below is not None else f"above {a.rule.above:g}"
        months = ", ".join(f"{c} mo" for c in a.checkpoints)
        click.echo(f"alert {a.rule.id}: {a.rule.metric} {bound} at {months} -> {a.action(lang)}")
    for a in adjust:
        click.echo(f"adjust measure: {a.measure.title} (missed: {', '.join(a.metrics)})")


def _stats(project: Any, questionnaire: Any, lang: str, fmt: str) -> None:
    from diagnosis import evaluation_stats as es

    tests = es.row_tests(project, questionnaire, lang)
    confidence = es.confidence_of(questionnaire)
    if fmt == "json":
        data = {"confidence": confidence, "method": es.method_line(confidence, lang), "tests": [t.as_json(lang) for t in tests]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if not tests:
        click.echo("no before/after tests: import a baseline and a checkpoint export, and bind step-1 rows to definitions")
        return
    for checkpoint, group in es.by_checkpoint(tests).items():
        click.echo(months_text(checkpoint, lang))
        headers = es.headers(confidence, lang)
        # the definition's wording is long; the table keeps to the numbers
        click.echo(_table([h for i, h in enumerate(headers) if i != 1], [[c for i, c in enumerate(es.cells(t, lang)) if i != 1] for t in group]))
        for t in group:
            if t.hint(lang):
                click.echo(f"  {t.name}: {t.hint(lang)}")
        click.echo("")
    click.echo(es.method_line(confidence, lang))
