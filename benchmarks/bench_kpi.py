"""Ticket metrics on a 1,000,000-row export: the project's pipeline against plain DuckDB SQL.

    .venv/bin/python benchmarks/bench_kpi.py [--rows 1000000] [--repeat 3] [--gb18030]

Generates an export with realistic Chinese headers (工单号, 创建时间, 首次响应时间 ...) and a
few bad values in a temporary folder, then times, each in a fresh subprocess and alternating:
- project: `diagnosis.tickets.analyze_file` -- read, hash, detect encoding/delimiter, map the
  headers, clean (dates, yes/no, bad-row reasons and examples) and compute every metric
  overall and for all seven groupings;
- duckdb: `read_csv` on the same file and one SQL query computing the same metrics with the
  same definitions overall and for the same seven groupings.
Prints the best wall time of each (and the CPU time, steadier when other processes load the
machine), the ratio and each process's peak memory (ru_maxrss). Both times include starting
Python and importing the libraries, as a `diagnosis kpi` call would.
Targets (issue 6): ratio <= 1.5, peak < 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
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

CHILD = r"""
import json, resource, sys, time
kind, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if kind == "project":
    from diagnosis.tickets import analyze_file
    export, mapping, result = analyze_file(path)
    overall = result.overall
else:
    import duckdb
    sql = sys.argv[3].replace("{path}", path)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    rows = con.execute(sql).fetchall()
    overall = [r for r in rows if r[0] == 127][0]
    overall = {"volume": overall[8], "frt_mean_min": overall[9], "sla_rate": overall[12], "csat_mean": overall[19]}
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": elapsed, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
                  "overall": {k: overall[k] for k in ("volume", "frt_mean_min", "sla_rate", "csat_mean")}}))
"""


def run(kind: str, path: Path) -> dict:
    """One timed run in a fresh interpreter (imports included, like a CLI call)."""
    out = subprocess.run([sys.executable, "-c", CHILD, kind, str(path), DUCKDB_SQL], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gb18030", action="store_true", help="also time the project on a GB18030 copy")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_kpi_") as tmp:
        path = Path(tmp) / "tickets.csv"
        start = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - start:.1f} s")
        runs: dict[str, list[dict]] = {"project": [], "duckdb": []}
        for _ in range(args.repeat):
            for kind in runs:  # alternate, so load from other processes hits both alike
                runs[kind].append(run(kind, path))
        best = {kind: min(r["seconds"] for r in rs) for kind, rs in runs.items()}
        cpu = {kind: min(r["cpu"] for r in rs) for kind, rs in runs.items()}
        peak = {kind: max(r["peak_mb"] for r in rs) for kind, rs in runs.items()}
        for kind in runs:
            times = ", ".join(f"{r['seconds']:.2f}" for r in runs[kind])
            print(f"{kind:8s} best {best[kind]:.2f} s wall, {cpu[kind]:.2f} s CPU  (runs: {times})  peak {peak[kind]:.0f} MB")
        ratio = best["project"] / best["duckdb"]
        print(f"ratio project/duckdb: {ratio:.2f}x wall, {cpu['project'] / cpu['duckdb']:.2f}x CPU (target <= 1.5x); "
              f"project peak {peak['project']:.0f} MB (target < 1500 MB)")
        a, b = runs["project"][0]["overall"], runs["duckdb"][0]["overall"]
        same = all(abs(a[k] - b[k]) < 1e-9 * max(1.0, abs(b[k])) for k in a)
        print(f"same overall values (volume, frt mean, SLA rate, CSAT mean): {'yes' if same else 'NO'} {a}")
        if args.gb18030:
            gb = Path(tmp) / "tickets_gb18030.csv"
            gb.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
            r = min((run("project", gb) for _ in range(args.repeat)), key=lambda r: r["seconds"])
            print(f"project on the GB18030 copy: best {r['seconds']:.2f} s, peak {r['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
