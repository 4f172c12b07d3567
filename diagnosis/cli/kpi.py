"""`diagnosis kpi`: the service metrics of a ticket export (CSV or .xlsx), overall or per group."""

from __future__ import annotations

import csv
import io
import json
import sys

import click

from diagnosis.cli import cli, fail
from diagnosis.errors import DiagnosisError
from diagnosis.tickets.metrics import DEFAULT_SLA_MINUTES, GROUPINGS, METRIC_NAMES, format_value


def _cell(value: object) -> str:
    # user text is data: the one spreadsheet policy (diagnosis.spreadsheet.neutralize)
    from diagnosis.spreadsheet import neutralize

    return "" if value is None else neutralize(str(value))


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False), help="YAML: canonical field -> column header.")
@click.option("--by", type=click.Choice(list(GROUPINGS)), help="Also compute the metrics per group.")
@click.option("--sla-minutes", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_SLA_MINUTES, show_default=True,
              help="First-response SLA for sla_rate.")  # fmt: skip
@click.option("--definition", "definition_id", metavar="ID",
              help="Compute one metric definition (an id of the questionnaire's metric_definitions, e.g. frt_mean) with its n.")
@click.option("--questionnaire", "questionnaire_id", default="customer_service_diagnosis", show_default=True,
              help="The questionnaire whose metric definitions --definition names.")
@click.option("--time-zone", "time_zone", default="Asia/Shanghai", show_default=True, metavar="ZONE",
              help="IANA zone the times are converted to; times without an offset are read as this zone's.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def kpi(file: str, mapping_file: str | None, by: str | None, sla_minutes: float, definition_id: str | None,
        questionnaire_id: str, time_zone: str, fmt: str) -> None:
    """Compute the service metrics of a ticket export FILE (CSV with any delimiter, or .xlsx).

    Encoding (UTF-8, GB18030/GBK) and delimiter are detected; Chinese and English headers are
    mapped to the canonical fields automatically; --mapping overrides them (and may declare a
    duration column's unit, `handle_seconds: {column: 处理时长, unit: min}`; else a unit in the
    header is used). Rates are fractions 0-1 in json/csv; a metric whose columns are missing is
    null. Bad rows are counted per reason and left out of the metrics they would distort; time
    zone warnings go to stderr (and into the JSON as `warnings`).
    """
    from diagnosis.tickets import analyze_file

    if definition_id:
        _one_definition(file, mapping_file, sla_minutes, definition_id, questionnaire_id, time_zone, fmt)
        return
    try:
        facts, mapping, result = analyze_file(file, mapping_file, sla_minutes, [by] if by else [], time_zone=time_zone)
    except DiagnosisError as exc:
        fail(exc)
        return
    _warn(result.warnings)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(by), ensure_ascii=False, indent=2))
        return
    names = list(METRIC_NAMES)
    table_rows: list[tuple[str, dict]] = [("(all)", result.overall)]
    if by:
        table_rows += list(result.groups.get(by, {}).items())
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([by or "group", "share", *names])
        for key, values in table_rows:
            share = (values.get("volume") or 0) / result.rows if result.rows else None
            writer.writerow([_cell(key), share, *("" if values.get(n) is None else values[n] for n in names)])
        sys.stdout.write(out.getvalue())
        return
    _print_table(result, by, table_rows, names)
    click.echo(f"{facts.name}: {result.rows:,} rows, encoding {facts.encoding or 'xlsx'}"
               f"{', delimiter ' + repr(facts.delimiter) if facts.delimiter else ''}", err=True)  # fmt: skip
    mapped = ", ".join(f"{field}={header}" + (f" [{result.units[field]}]" if field in result.units else "")
                       for field, header in mapping.items() if header)  # fmt: skip
    click.echo(f"mapping: {mapped}", err=True)


def _warn(warnings: list[dict]) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning['en']}", err=True)


def _one_definition(file: str, mapping_file: str | None, sla: float, definition_id: str, questionnaire_id: str, time_zone: str,
                    fmt: str) -> None:
    from diagnosis import catalog
    from diagnosis.metric_definitions import definitions
    from diagnosis.tickets.fields import load_mapping, resolve_mapping
    from diagnosis.tickets.budget import read_export_within_budget
    from diagnosis.tickets.measure import measure_export

    try:
        known = definitions(catalog.get(questionnaire_id).questionnaire)
        if definition_id not in known:
            raise DiagnosisError(f"未知的指标定义“{definition_id}”（可选：{', '.join(known)}）", f"unknown definition '{definition_id}' (one of {', '.join(known)})")
        definition = known[definition_id]
        export = read_export_within_budget(file)
        explicit = load_mapping(mapping_file) if mapping_file else None
        mapping = resolve_mapping(export.headers, explicit)
        measured = measure_export(export, mapping, [definition], sla, units=explicit.units if explicit else None, time_zone=time_zone)
    except DiagnosisError as exc:
        fail(exc)
        return
    _warn(measured.warnings)
    found = measured.values[definition_id]
    data = {"definition": definition_id, "describe": definition.describe("en"), "value": found.value, "n": found.n,
            "k": found.k, "unit": definition.unit_text("en"), "csat_scale": measured.csat_scale, "note": found.note,
            "period": measured.period.to_dict(), "monthly": found.monthly, "time_zone": measured.time_zone,
            "warnings": [w["en"] for w in measured.warnings]}  # fmt: skip
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo("definition,value,n,unit")
        click.echo(f"{definition_id},{'' if found.value is None else found.value},{found.n},{data['unit']}")
    else:
        value = "n/a" if found.value is None else f"{found.value:.4g}"
        click.echo(f"{definition.label('en')}: {value} {data['unit']} (n = {found.n:,})".replace("  ", " "))
        click.echo(f"definition: {data['describe']}")
        if found.note:
            click.echo(f"note: {found.note}")


def print_table(header: list[str], body: list[list[object]]) -> None:
    """Columns aligned for CJK text (wide characters count twice); numbers right-aligned."""
    widths = [max(_width(str(row[i])) for row in [header, *body]) for i in range(len(header))]
    for row in [header, *body]:
        click.echo("  ".join(_pad(str(cell), w, i > 0) for i, (cell, w) in enumerate(zip(row, widths))).rstrip())


def _print_table(result, by, table_rows, names) -> None:
    if not by:
        width = max(len(n) for n in names)
        for name in names:
            click.echo(f"{name:<{width}}  {format_value(name, result.overall.get(name), 'en')}")
    else:
        header = [by, "share", *names]
        body = [[key, f"{(v.get('volume') or 0) / result.rows * 100:.1f}%" if result.rows else "n/a",
                 *(format_value(n, v.get(n), "en") for n in names)] for key, v in table_rows]  # fmt: skip
        print_table(header, body)
    if result.bad_rows:
        click.echo("bad rows: " + ", ".join(f"{reason} {count:,}" for reason, count in result.bad_rows.items()))


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill
