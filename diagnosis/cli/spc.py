"""`diagnosis spc`: the control chart of one step-1 row as an SVG or PNG, and its signals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import click

from diagnosis.cli import cli, fail, write_output
from diagnosis.errors import DiagnosisError

FORMATS = ("svg", "png")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--metric", required=True, help="A step-1 row key (e.g. complaint_rate) or a metric definition id.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Where to write the chart; the suffix picks the format: .svg or .png.")
@click.option("--interval", type=click.Choice(["day", "week"]), default="day", show_default=True)
@click.option("--no-stages", is_flag=True, help="Extend the baseline limits over the whole series (no stages).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="How the signals are printed.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Language of labels (default: the project's).")
def spc(file: str, metric: str, output: Optional[str], interval: str, no_stages: bool, fmt: str, lang: Optional[str]) -> None:
    """Control chart (p-chart or XmR) of a metric over every imported period, with its special-cause signals."""
    from diagnosis import spc as core
    from diagnosis.project import load_project
    from diagnosis.spc_chart import chart

    suffix = Path(output).suffix.lower().lstrip(".") if output else None
    if output and suffix not in FORMATS:
        raise click.BadParameter(f"'{output}' must end in .svg or .png", param_hint="-o/--output")
    try:
        loaded = load_project(file)
        lang = lang or loaded.project.meta.language
        control = core.project_chart(loaded.project, loaded.questionnaire, metric, interval=interval, stages=not no_stages)  # type: ignore[arg-type]
    except DiagnosisError as exc:
        fail(exc)
        return
    if fmt == "json":
        click.echo(json.dumps(control.as_json(lang), ensure_ascii=False, indent=2))
    else:
        click.echo(control.method(lang))
        for stage in control.stages:
            center = "-" if stage.center is None else f"{stage.center:.4g}"
            click.echo(f"{stage.label(lang)}: n={len(stage.points)} CL={center} ({stage.calibration})")
        for signal in control.signals:
            click.echo(f"  - {signal.text(lang)}")
        if not control.signals:
            click.echo("没有异常信号。" if lang == "zh" else "No special-cause signal.")
    if output:
        import vl_convert as vlc

        from diagnosis.text import clean_data

        spec = clean_data(chart(control, lang, width=720).to_dict())
        write_output(output, lambda: vlc.vegalite_to_svg(spec).encode("utf-8") if suffix == "svg" else vlc.vegalite_to_png(spec, scale=2))
