"""What a save costs as the history grows, how much each small edit adds, and many writers at once.

On a SQLite store in a temporary folder (this checkout's code), with the demo project:
- the time of a small edit's save (`Store.commit`, one answer changed) at revisions 2-11 and
  at 191-200, alternating nothing: the early saves are the reference (goal <= 1.2x);
- the database's growth per small edit (the file after 200 revisions, VACUUMed, against the
  file after the first; goal <= 5 KB), beside the project's JSON size;
- 16 writers x 100 cause additions at once (processes, stale bases, merged on save, as in
  tests/integration/test_store_concurrency.py) against one writer making the same 1,600
  additions alone (the reference; goal < 10 s idle).
No assertions: run it by hand, `.venv/bin/python benchmarks/bench_store.py [--writers N --additions M]`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diagnosis import fishbone as fb  # noqa: E402
from diagnosis.demo import demo_project  # noqa: E402
from diagnosis.project import new_project  # noqa: E402
from diagnosis.store import Store  # noqa: E402


def _file_size(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
    return path.stat().st_size


def history(folder: Path, revisions: int) -> None:
    path = folder / "history.sqlite"
    store = Store(f"sqlite:///{path}")
    project = demo_project("zh")
    revision = store.save(project, "bench", "demo")
    first_size = _file_size(path)
    times = []
    for n in range(revisions - 1):
        project.answers["project_name"] = f"第 {n} 版"
        start = time.perf_counter()
        revision = store.commit(project, "bench", f"edit {n}", base_revision=revision).revision
        times.append(time.perf_counter() - start)
    store.close()
    per_edit = (_file_size(path) - first_size) / (revisions - 1)
    early, late = statistics.median(times[:10]), statistics.median(times[-10:])
    print(f"save of a small edit: revisions 2-11 {early * 1000:.1f} ms (reference), "
          f"{revisions - 9}-{revisions} {late * 1000:.1f} ms: {late / early:.2f}x (goal <= 1.2x)")
    print(f"database growth per small edit: {per_edit / 1000:.1f} KB over {revisions - 1} edits "
          f"(the project's JSON: {len(project.model_dump_json()) / 1000:.0f} KB; goal <= 5 KB)")


def _writer(url: str, project_id: str, w: int, additions: int) -> None:
    store = Store(url)
    stored = store.load(project_id)
    project, revision = stored.project, stored.revision
    for n in range(additions):
        fb.add_cause(project.fishbone, f"w{w} cause {n}", "method")
        saved = store.commit(project, f"writer{w}", f"add {n}", base_revision=revision)
        if n % 3 == 0:
            project, revision = saved.project, saved.revision
    store.close()


def writers(folder: Path, count: int, additions: int) -> None:
    context = multiprocessing.get_context("fork")
    results = {}
    for name, workers, each in (("1 writer alone (reference)", 1, count * additions), (f"{count} writers at once", count, additions)):
        url = f"sqlite:///{folder / f'{workers}.sqlite'}"
        store = Store(url)
        project = new_project("customer_service_diagnosis", title="workshop")
        store.save(project, "facilitator", "created")
        procs = [context.Process(target=_writer, args=(url, project.meta.id, w, each)) for w in range(workers)]
        start = time.perf_counter()
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        results[name] = time.perf_counter() - start
        assert store.head(project.meta.id) == 1 + count * additions, "an addition was lost"
        store.close()
    reference, together = results.values()
    print(f"{count * additions} additions: one writer {reference:.1f} s (reference), "
          f"{count} writers x {additions} {together:.1f} s: {together / reference:.2f}x (goal < 10 s idle)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=200)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--additions", type=int, default=100)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        history(Path(tmp), args.revisions)
        writers(Path(tmp), args.writers, args.additions)


if __name__ == "__main__":
    main()
