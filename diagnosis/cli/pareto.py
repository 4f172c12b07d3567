"""Root-cause commands: the Pareto table of a project, and its fishbone diagram as a file."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Optional

import click

from diagnosis.cli import cli, fail
from diagnosis.errors import DiagnosisError

_LANG = click.Choice(["zh", "en"])


def _table(result, lang: str) -> str:
    from diagnosis.cjk import display_width, pad, wrap
    from diagnosis.pareto import vital_mark

    zh = lang == "zh"
    head = ["#", "原因" if zh else "cause", "类别" if zh else "category", "值" if zh else "value", "%",
            "累计" if zh else "cumulative", "累计 %" if zh else "cum. %", "关键少数" if zh else "vital few"]
    body = []
    for row in result.to_dict()["rows"]:
        body.append([str(row["rank"]), wrap(row["cause"], 40, 1)[0], row["category"], f"{row['value']:g}", f"{row['percent']:.1f}",
                     f"{row['cumulative']:g}", f"{row['cumulative_percent']:.1f}", vital_mark(row["vital_few"], row["tied_at_cut"], lang)])
    widths = [max(display_width(line[i]) for line in [head, *body]) for i in range(len(head))]
    numeric = {0, 3, 4, 5, 6}
    lines = ["  ".join(pad(cell, widths[i], right=i in numeric) for i, cell in enumerate(line)).rstrip() for line in [head, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if not body:
        lines.append("（没有可排序的原因）" if zh else "(no cause to rank)")
    if result.cut_note(lang):
        lines.append("")
        lines.append(result.cut_note(lang))
    if result.excluded:
        lines.append("")
        lines.append("未计入：" if zh else "excluded:")
        for item in result.excluded:
            lines.append(f"  - {item.cause} ({item.category}): {item.reason_text(lang)}")
    return "\n".join(lines)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--by", "by", type=click.Choice(["value", "votes", "score"]), default="value", show_default=True,
              help="Rank by measured value, dot votes, or frequency x impact score.")
@click.option("--level", type=click.Choice(["cause", "category"]), default="cause", show_default=True,
              help="Rank the causes (ribs) or the categories (bones).")
@click.option("--threshold", type=click.FloatRange(0, 100, min_open=True), default=None,
              help="Cumulative percent the vital few reach (default: the questionnaire's, usually 80).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--lang", type=_LANG, default=None, help="Language of labels (default: the project's).")
def pareto(file: str, by: str, level: str, threshold: Optional[float], fmt: str, lang: Optional[str]) -> None:
    """Pareto table (80/20) of a project's causes; the vital few are marked."""
    from diagnosis.pareto import pareto_table
    from diagnosis.project import load_project
    from diagnosis.spreadsheet import neutralize

    try:
        loaded = load_project(file)
        lang = lang or loaded.project.meta.language
        result = pareto_table(loaded.project, loaded.questionnaire, by=by, level=level, threshold=threshold, lang=lang)
    except DiagnosisError as exc:
        fail(exc)
        return
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        keys = ["rank", "cause", "category", "value", "percent", "cumulative", "cumulative_percent", "vital_few", "tied_at_cut"]
        writer = csv.DictWriter(out, fieldnames=keys, lineterminator="\n")
        writer.writeheader()
        for row in result.to_dict()["rows"]:
            writer.writerow({k: neutralize(v) for k, v in row.items()})  # a cause "=1+1" stays text
        click.echo(out.getvalue(), nl=False)
        for item in result.excluded:
            click.echo(f"excluded: {item.cause} ({item.category}): {item.reason_text('en')}", err=True)
        if result.cut_note("en"):
            click.echo(result.cut_note("en"), err=True)
    else:
        click.echo(_table(result, lang))


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the diagram; the suffix picks the format: .svg, .png or .pdf.")
@click.option("--lang", type=_LANG, default=None, help="Language of labels (default: the project's).")
def fishbone(file: str, output: str, lang: Optional[str]) -> None:
    """Draw a project's fishbone (Ishikawa) diagram to an SVG, PNG or PDF file."""
    from diagnosis.diagram import FORMATS, render_fishbone
    from diagnosis.project import load_project
    from diagnosis.project.files import atomic_write

    fmt = Path(output).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise click.BadParameter(f"'{output}' must end in .svg, .png or .pdf", param_hint="-o/--output")
    try:
        loaded = load_project(file)
        data = render_fishbone(loaded.project, loaded.questionnaire, lang or loaded.project.meta.language, fmt)
        atomic_write(output, data, backup=False)
    except DiagnosisError as exc:
        fail(exc)
        return
    except OSError as exc:
        click.echo(f"error: cannot write {output}: {exc.strerror}", err=True)
        sys.exit(1)
    click.echo(f"wrote {output}", err=True)
