"""Step-2 ticket data: read an export, map its columns, compute the service metrics.

    export = read_export("tickets.csv")                 # CSV (any delimiter) or .xlsx
    mapping = resolve_mapping(export.headers, None)     # Chinese/English headers recognized
    result = analyze(export, mapping, sla_minutes=15)   # overall, per grouping, bad rows

`flow` turns a result into a step-1 baseline row, cause values and step-6 checkpoint values,
and stores it in `Project.data`; `charts` draws it. No module here imports Streamlit.
"""

from diagnosis.tickets.analyze import DEFAULT_SLA_MINUTES, KpiResult, analyze, analyze_file, available_groupings
from diagnosis.tickets.fields import FIELD_NAMES, FIELDS, MappingFile, auto_mapping, dump_mapping, load_mapping, resolve_mapping
from diagnosis.tickets.metrics import GROUPINGS, METRIC_NAMES, METRICS
from diagnosis.tickets.reader import Export, ExportError, SourceFacts, read_export

__all__ = [
    "DEFAULT_SLA_MINUTES", "FIELDS", "FIELD_NAMES", "GROUPINGS", "METRICS", "METRIC_NAMES", "Export", "ExportError",
    "KpiResult", "MappingFile", "SourceFacts", "analyze", "analyze_file", "auto_mapping", "available_groupings",
    "dump_mapping", "load_mapping", "read_export", "resolve_mapping",
]
