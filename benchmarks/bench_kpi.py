"""Ticket metrics on a 1,000,000-row export: the project's pipeline against DuckDB and Polars.

    .venv/bin/python benchmarks/bench_kpi.py [--rows 1000000] [--xlsx-rows 100000] [--repeat 3]

Generates, in a temporary folder, an export with realistic Chinese headers (工单号, 创建时间,
首次响应时间 ...) and a few bad values, a GB18030 copy of it and a 100,000-row .xlsx, then times,
each run in a fresh subprocess (starting Python and importing the libraries included, as a
`diagnosis kpi` call would), the kinds alternating so that load from other processes hits all alike:
- project: `diagnosis.tickets.analyze_file` -- read, hash, detect encoding/delimiter, map the
  headers, clean (dates, yes/no, bad-row reasons and examples), heatmap, every metric overall
  and for all seven groupings;
- duckdb: `read_csv` on the same file and one SQL query computing the same metrics with the
  same definitions overall and for the same seven groupings;
- polars: `polars.scan_csv` and the same metrics (overall + seven `group_by`s, `collect_all`);
- project_gb18030: the project on the GB18030 copy (same content);
- xlsx: `diagnosis.tickets.read_export` of the .xlsx, against python-calamine reading the same
  file (`CalamineWorkbook...to_python()`).
Prints the best wall time and the least CPU time of each (CPU is steadier when other processes
load the machine; a run's CPU includes its child processes': the project reads, and on the command
line computes, in a child under the import's memory budget), the ratios, each run's peak memory
(VmHWM, or its child's when higher) and the load average.
Targets (issue 16): project <= 1.0x DuckDB; GB18030 <= 1.1x UTF-8 (CPU); xlsx import within 2x of calamine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEADERS = ["工单号", "创建时间", "首次响应时间", "解决时间", "渠道", "地区", "问题类型", "客服",
           "处理时长(秒)", "转接次数", "是否重开", "满意度", "是否投诉"]  # fmt: skip


def generate(path: Path, rows: int, seed: int = 7) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    start = np.datetime64("2025-06-01T00:00:00", "s")
    created = start + rng.integers(0, 92 * 86400, rows).astype("timedelta64[s]")
    frt = rng.gamma(2.0, 120.0, rows).astype("int64")
    frt[rng.random(rows) < 0.001] *= -1  # response before creation
    first = created + frt.astype("timedelta64[s]")
    resolved = created + rng.gamma(2.0, 3600.0, rows).astype("int64").astype("timedelta64[s]")

    def stamps(values, empty_share: float):
        text = pc.replace_substring(pa.array(np.datetime_as_string(values, unit="s")), "T", " ")
        return pc.if_else(pa.array(rng.random(rows) < empty_share), pa.scalar(None, pa.string()), text)

    def pick(options: list[str]):
        return pa.array(np.array(options)[rng.integers(0, len(options), rows)])

    csat = rng.integers(1, 6, rows).astype(float)
    csat[rng.random(rows) < 0.001] = 6  # out of range
    table = pa.table({
        "工单号": pa.array(np.char.add("GD", np.arange(rows).astype(str))),
        "创建时间": stamps(created, 0.0),
        "首次响应时间": stamps(first, 0.03),
        "解决时间": stamps(resolved, 0.1),
        "渠道": pick(["微信", "网页在线", "电话", "App", "邮件"]),
        "地区": pick(["华东", "华南", "华北", "华中", "西南", "西北", "东北"]),
        "问题类型": pick(["退款", "物流查询", "促销活动", "账户问题", "功能使用", "投诉建议", "发票"]),
        "客服": pick([f"客服{i:03d}" for i in range(150)]),
        "处理时长(秒)": pa.array(rng.integers(30, 1800, rows)),
        "转接次数": pa.array(rng.choice([0, 0, 0, 0, 1, 2], rows)),
        "是否重开": pa.array(np.where(rng.random(rows) < 0.08, "是", "否")),
        "满意度": pa.array(np.where(rng.random(rows) < 0.6, csat, np.nan), from_pandas=True),
        "是否投诉": pa.array(np.where(rng.random(rows) < 0.03, "是", "否")),
    })  # fmt: skip
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))


DUCKDB_SQL = """
WITH t AS (
  SELECT "渠道" AS channel, "地区" AS region, "问题类型" AS category, "客服" AS agent,
         hour("创建时间") AS hour, isodow("创建时间") AS weekday, strftime("创建时间", '%Y-%m') AS month,
         CASE WHEN "首次响应时间" >= "创建时间" THEN (epoch_us("首次响应时间") - epoch_us("创建时间")) / 60e6 END AS frt,
         coalesce("首次响应时间" >= "创建时间", true) AS sla_valid,
         CASE WHEN "解决时间" >= "创建时间" THEN (epoch_us("解决时间") - epoch_us("创建时间")) / 3600e6 END AS res_h,
         "解决时间" IS NOT NULL AS is_resolved,
         "处理时长(秒)" AS handle_s, coalesce("转接次数", 0) AS transfers, "是否重开" = '是' AS reopened,
         CASE WHEN "满意度" BETWEEN 1 AND 5 THEN "满意度" END AS csat, "是否投诉" = '是' AS complaint
  FROM read_csv('{path}')
)
SELECT grouping_id(channel, region, category, agent, hour, weekday, month) AS gid,
       channel, region, category, agent, hour, weekday, month,
       count(*) AS volume, avg(frt), quantile_cont(frt, 0.5), quantile_cont(frt, 0.9),
       avg(CASE WHEN sla_valid THEN (frt IS NOT NULL AND frt <= 15)::INT END),
       avg(res_h), quantile_cont(res_h, 0.5), avg(handle_s),
       avg(CASE WHEN is_resolved THEN (transfers = 0 AND NOT reopened)::INT END),
       avg((transfers >= 1)::INT),
       sum(reopened::INT) / nullif(sum(is_resolved::INT), 0),
       avg(csat), avg((csat >= 4)::INT), avg(complaint::INT)
FROM t
GROUP BY GROUPING SETS ((), (channel), (region), (category), (agent), (hour), (weekday), (month))
"""

POLARS = r"""
import polars as pl
c, f, r = pl.col("创建时间"), pl.col("首次响应时间"), pl.col("解决时间")
base = pl.scan_csv(path, try_parse_dates=True).select(
    pl.col("渠道").alias("channel"), pl.col("地区").alias("region"), pl.col("问题类型").alias("category"),
    pl.col("客服").alias("agent"), c.dt.hour().alias("hour"), c.dt.weekday().alias("weekday"),
    c.dt.strftime("%Y-%m").alias("month"),
    pl.when(f >= c).then((f - c).dt.total_microseconds() / 60e6).alias("frt"),
    (f >= c).fill_null(True).alias("sla_valid"),
    pl.when(r >= c).then((r - c).dt.total_microseconds() / 3600e6).alias("res_h"),
    r.is_not_null().alias("is_resolved"), pl.col("处理时长(秒)").alias("handle_s"),
    pl.col("转接次数").fill_null(0).alias("transfers"), (pl.col("是否重开") == "是").alias("reopened"),
    pl.when(pl.col("满意度").is_between(1, 5)).then(pl.col("满意度")).alias("csat"),
    (pl.col("是否投诉") == "是").alias("complaint"),
)
frt, res = pl.col("frt"), pl.col("res_h")
aggs = [pl.len().alias("volume"), frt.mean().alias("frt_mean_min"), frt.median().alias("frt_median_min"),
        frt.quantile(0.9, "linear").alias("frt_p90_min"),
        pl.when(pl.col("sla_valid")).then((frt.is_not_null() & (frt <= 15)).cast(pl.Int32)).mean().alias("sla_rate"),
        res.mean().alias("resolution_mean_h"), res.median().alias("resolution_median_h"), pl.col("handle_s").mean(),
        pl.when(pl.col("is_resolved")).then(((pl.col("transfers") == 0) & ~pl.col("reopened")).cast(pl.Int32)).mean().alias("fcr"),
        (pl.col("transfers") >= 1).cast(pl.Int32).mean().alias("transfer_rate"),
        (pl.col("reopened").cast(pl.Int32).sum() / pl.col("is_resolved").cast(pl.Int32).sum()).alias("reopen_rate"),
        pl.col("csat").mean().alias("csat_mean"), (pl.col("csat") >= 4).cast(pl.Int32).mean().alias("csat_pct"),
        pl.col("complaint").cast(pl.Int32).mean().alias("complaint_rate")]
frames = pl.collect_all([base.select(aggs)] + [base.group_by(g).agg(aggs) for g in
                                                 ("channel", "region", "category", "agent", "hour", "weekday", "month")])
overall = frames[0].to_dicts()[0]
"""

CHILD = r"""
import json, resource, sys, time
kind, path, sql, polars_code = sys.argv[1:5]
start = time.perf_counter()
overall = None
if kind in ("project", "project_gb18030"):
    from diagnosis.tickets import analyze_file
    facts, mapping, result = analyze_file(path)
    overall = result.overall
elif kind == "duckdb":
    import duckdb
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    rows = con.execute(sql.replace("{path}", path)).fetchall()
    row = [r for r in rows if r[0] == 127][0]
    overall = {"volume": row[8], "frt_mean_min": row[9], "sla_rate": row[12], "csat_mean": row[19]}
elif kind == "polars":
    exec(polars_code)
elif kind == "xlsx":
    from diagnosis.tickets import read_export
    read_export(path)
elif kind == "calamine":
    from python_calamine import CalamineWorkbook
    with CalamineWorkbook.from_path(path) as book:
        book.get_sheet_by_index(0).to_python(skip_empty_area=False)
elapsed = time.perf_counter() - start
# the project reads the file in a child process (the memory budget): its CPU counts too
usage, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
keys = ("volume", "frt_mean_min", "sla_rate", "csat_mean")
# this process's own peak (ru_maxrss keeps the parent's across exec)
# and the reading child's (a forked child starts from this process's pages)
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
peak_kb = max(peak_kb, children.ru_maxrss)
cpu = usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime
print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mb": peak_kb / 1024,
                  "overall": None if overall is None else {k: overall[k] for k in keys}}))
"""


def run(kind: str, path: Path) -> dict:
    """One timed run in a fresh interpreter (imports included, like a CLI call)."""
    out = subprocess.run([sys.executable, "-c", CHILD, kind, str(path), DUCKDB_SQL, POLARS], capture_output=True, text=True,
                         cwd=ROOT, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def generate_xlsx(csv_path: Path, path: Path, rows: int) -> None:
    """The first `rows` tickets of the CSV as a workbook with real date and number cells."""
    import pyarrow.csv as pacsv
    from openpyxl import Workbook

    table = pacsv.read_csv(csv_path).slice(0, rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(table.column_names)
    for row in zip(*(column.to_pylist() for column in table.columns)):
        sheet.append(row)
    book.save(path)


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def report(runs: dict[str, list[dict]]) -> tuple[dict, dict]:
    best = {kind: min(r["seconds"] for r in rs) for kind, rs in runs.items()}
    cpu = {kind: min(r["cpu"] for r in rs) for kind, rs in runs.items()}
    for kind, rs in runs.items():
        times = ", ".join(f"{r['seconds']:.2f}/{r['cpu']:.2f}" for r in rs)
        peak = max(r["peak_mb"] for r in rs)
        print(f"{kind:16s} best {best[kind]:.2f} s wall, {cpu[kind]:.2f} s CPU  (runs wall/CPU: {times})  peak {peak:.0f} MB")
    return best, cpu


def ratio(best: dict, cpu: dict, a: str, b: str, target: str) -> None:
    print(f"ratio {a}/{b}: {best[a] / best[b]:.2f}x wall, {cpu[a] / cpu[b]:.2f}x CPU (target {target})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_kpi_") as tmp:
        path, gb, xlsx = Path(tmp) / "tickets.csv", Path(tmp) / "tickets_gb18030.csv", Path(tmp) / "tickets.xlsx"
        start = time.perf_counter()
        generate(path, args.rows)
        gb.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
        generate_xlsx(path, xlsx, args.xlsx_rows)
        print(f"generated {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB (GB18030 {gb.stat().st_size / 1e6:.0f} MB), "
              f"xlsx {args.xlsx_rows:,} rows {xlsx.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s; {load()}")
        files = {"project": path, "duckdb": path, "polars": path, "project_gb18030": gb, "xlsx": xlsx, "calamine": xlsx}
        runs: dict[str, list[dict]] = {kind: [] for kind in files}
        for _ in range(args.repeat):
            for kind in runs:  # alternate, so load from other processes hits every kind alike
                runs[kind].append(run(kind, files[kind]))
        print(load())
        best, cpu = report(runs)
        ratio(best, cpu, "project", "duckdb", "<= 1.0x")
        ratio(best, cpu, "project", "polars", "<= 1.0x")
        ratio(best, cpu, "project_gb18030", "project", "<= 1.1x CPU")
        ratio(best, cpu, "xlsx", "calamine", "<= 2x")
        values = {kind: runs[kind][0]["overall"] for kind in ("project", "duckdb", "polars", "project_gb18030")}
        a = values["project"]
        for kind, b in values.items():
            same = all(abs(a[k] - b[k]) < 1e-9 * max(1.0, abs(b[k])) for k in a)
            print(f"same overall values as the project (volume, frt mean, SLA rate, CSAT mean): {kind} {'yes' if same else 'NO ' + str(b)}")


if __name__ == "__main__":
    main()
