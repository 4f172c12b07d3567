"""Reading a ticket export under a memory budget, so that one upload cannot take the server's memory.

`read_export_within_budget` reads the file (`reader.read_export`) in a child process and
returns its Export. While the child reads, the parent checks the child's resident memory every
20 ms (Linux's /proc, where the server runs), and the child reports its peak (VmHWM) once it has
read, so a peak between two looks is not missed (on a busy machine they can be seconds apart); past the budget (`DIAGNOSIS_IMPORT_MEMORY_MB`, default 2048 MB, counted from what the
child holds once it has the file's bytes) the child is killed and the import refused in one line
that names the file and the limit. The child writes the table it read to an Arrow IPC file in
/dev/shm (memory; the temporary folder without it), which the parent maps without a copy and
removes; a refused or dead child leaves nothing behind, and the project is not touched.

Resident memory, not address space (`RLIMIT_AS`): Arrow's allocator and its threads reserve
two to three times the memory they use (a 1,000,000-row CSV: 0.5 GB resident, 1.5 GB of
address space), so an address-space limit would refuse ordinary exports or have to be set far
above what is really used. `analyze.open_export` gives DuckDB the same budget
(`memory_limit`, no spilling to disk).

`compute_within_budget` reads the same way and computes from the export in the child too (the
command line's `analyze_file`): only the computed value comes back, the rows never cross to this
process (no table written and mapped: about 0.2 s of CPU on 1,000,000 rows), and the budget
then covers reading and computing together.

The child is forked from this process when it runs no other thread (the command line: no
start-up cost), else started as a new Python (a Streamlit server runs many threads, and a fork
would copy locks the others hold; multiprocessing's spawn and fork server would also import
the server's page script, its `__main__`, in the child), at about 0.3 s of CPU to import Arrow.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from diagnosis.errors import DiagnosisError
from diagnosis.tickets.reader import Export, ExportError, Progress, Source, SourceFacts, _load_bytes

MEMORY_ENV = "DIAGNOSIS_IMPORT_MEMORY_MB"
DEFAULT_MEMORY_MB = 2048
MIN_MEMORY_MB = 64
CHECK_SECONDS = 0.02  # how often the parent reads the child's resident memory
_TABLES = "/dev/shm"  # where the child leaves the table it read (memory; else the temporary folder)
# imported before the child counts its start (the command line needs them anyway)
PRELOAD = ["pyarrow", "pyarrow.csv", "pyarrow.ipc", "numpy"]


def memory_budget_mb() -> int:
    """The import's memory budget in MB, from `DIAGNOSIS_IMPORT_MEMORY_MB` (default 2048)."""
    raw = os.environ.get(MEMORY_ENV, "").strip()
    if not raw:
        return DEFAULT_MEMORY_MB
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < MIN_MEMORY_MB:
        raise DiagnosisError(
            f"设置 {MEMORY_ENV} 必须是至少 {MIN_MEMORY_MB} 的整数（MB），而不是“{raw}”",
            f"the setting {MEMORY_ENV} must be a whole number of MB, at least {MIN_MEMORY_MB}, not '{raw}'",
        )
    return value


def _over_budget(name: str, budget_mb: int, computing: bool = False) -> ExportError:
    zh, en = ("计算该文件的指标", "computing its metrics") if computing else ("读取该文件", "reading it")
    return ExportError(
        f"{name}：{zh}需要的内存超过了导入的内存上限 {budget_mb:,} MB（{MEMORY_ENV}）；请导出较短的时期或较少的列，或请管理员调高上限",
        f"{name}: {en} needs more memory than the import's budget of {budget_mb:,} MB ({MEMORY_ENV}); "
        "export a shorter period or fewer columns, or ask the administrator to raise the budget",
    )


@contextmanager
def computing_within_budget(name: str) -> Iterator[None]:
    """DuckDB past its `memory_limit` (the budget, set by `analyze.open_export`) as the one-line refusal."""
    import duckdb

    try:
        yield
    except duckdb.OutOfMemoryException:
        raise _over_budget(name, memory_budget_mb(), computing=True) from None


def _reset_peak() -> None:
    """Start this process's peak resident memory (VmHWM) afresh (Linux's clear_refs; elsewhere a no-op)."""
    with suppress(OSError), open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def _peak_bytes() -> Optional[int]:
    """The most resident memory this process has held since `_reset_peak` (VmHWM), None where unknown."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return None


def _resident_bytes(pid: int) -> Optional[int]:
    """The resident memory of a process (its private and shared pages), None once it is gone."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return None


# computes from an export read in the child: then(export, progress) -> a picklable value
Then = Callable[[Export, Progress], Any]


def _child(connection, data: "bytes | Path", name: str, xlsx_engine: str, then: Optional[Then] = None) -> None:
    """Read the export (`data`, or the file at that path) and send ("progress", fraction, stage)..., then write the table to an Arrow
    IPC file (its path sent first, ("table", path)) and send ("export", facts, first_line); with
    `then`, send ("computing",) and ("value", facts, then(export, progress)) instead. Or send
    ("error", zh, en), ("memory",) or ("bug", traceback)."""
    from diagnosis.tickets.reader import read_export

    try:
        if isinstance(data, Path):
            data, name = _load_bytes(data, name)
        # what the child holds before reading: the parent counts the budget from here
        connection.send(("start", _resident_bytes(os.getpid())))
        _reset_peak()

        def progress(fraction: float, stage: str) -> None:
            connection.send(("progress", fraction, stage))

        export = read_export(data, name, progress=progress, xlsx_engine=xlsx_engine)
        connection.send(("peak", _peak_bytes()))
        if then is not None:
            import pyarrow as pa

            # the file's bytes (when the child read them: no other reference) and what Arrow's allocator
            # kept from reading (200 MB of 1,000,000 rows) go back before computing
            del data
            pa.default_memory_pool().release_unused()
            _reset_peak()
            connection.send(("computing",))
            value = then(export, progress)
            connection.send(("peak", _peak_bytes()))
            connection.send(("value", export.facts.to_dict(), value))
            return
        import pyarrow as pa

        for folder in (_TABLES, None):  # memory; the temporary folder when /dev/shm is missing or full
            if folder is not None and not os.path.isdir(folder):
                continue
            handle, path = tempfile.mkstemp(prefix="diagnosis-import-", suffix=".arrow", dir=folder)
            os.close(handle)
            connection.send(("table", path))  # the parent removes it, whatever happens next
            try:
                with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, export.table.schema) as writer:
                    writer.write_table(export.table)
                break
            except OSError:
                if folder is None:
                    raise
        connection.send(("export", export.facts.to_dict(), export.first_line, path))
    except DiagnosisError as exc:
        connection.send(("error", exc.zh, exc.en))
    except MemoryError:  # Python's, numpy's and Arrow's (ArrowMemoryError)
        connection.send(("memory",))
    except BaseException:  # a bug: the parent raises it with the child's traceback
        connection.send(("bug", traceback.format_exc()))
    finally:
        connection.close()


def _preload(extra: tuple[str, ...] = ()) -> None:
    import importlib

    for module in (*PRELOAD, *extra):
        importlib.import_module(module)


def _spawned() -> None:
    """The child as a new Python: its connection's descriptor in argv, the file on stdin."""
    _preload()
    connection = Connection(int(sys.argv[1]))
    data, name, xlsx_engine, then, preload = pickle.load(sys.stdin.buffer)
    _preload(preload)
    _child(connection, data, name, xlsx_engine, then)


def _start(data: "bytes | Path", name: str, xlsx_engine: str, then: Optional[Then] = None,
           preload: tuple[str, ...] = ()) -> tuple[int, Connection, Callable[[], int]]:
    """A reading child: its pid, the connection it reports on, and a wait giving its exit code
    (minus the signal that ended it)."""
    receiving, sending = os.pipe()
    if threading.active_count() == 1:
        _preload(preload)
        pid = os.fork()
        if pid == 0:  # the child
            try:
                os.close(receiving)
                _child(Connection(sending), data, name, xlsx_engine, then)
            finally:
                os._exit(0)
        os.close(sending)
        return pid, Connection(receiving), lambda: os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    command = [sys.executable, "-c", "from diagnosis.tickets.budget import _spawned; _spawned()", str(sending)]
    # this code, wherever it was imported from
    here = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, pass_fds=[sending], env=env)
    os.close(sending)
    try:
        with process.stdin:
            pickle.dump((data, name, xlsx_engine, then, preload), process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
    except BrokenPipeError:  # it died already: its exit code says how
        pass
    return process.pid, Connection(receiving), process.wait


def read_export_within_budget(source: Source, name: Optional[str] = None, progress: Optional[Progress] = None,
                              xlsx_engine: str = "calamine", budget_mb: Optional[int] = None) -> Export:
    """`reader.read_export` in a child process that may use at most `budget_mb` MB more than it
    starts with (default: `memory_budget_mb()`). Past it, an ExportError naming the file and the limit."""
    return _within_budget(source, name, progress, xlsx_engine, budget_mb)


def compute_within_budget(source: Source, then: Then, name: Optional[str] = None, progress: Optional[Progress] = None,
                          budget_mb: Optional[int] = None, preload: tuple[str, ...] = ()) -> tuple[SourceFacts, Any]:
    """Read the export and compute `then(export, progress)` from it in the child, under the budget
    of `read_export_within_budget` (reading and computing together): the file's facts and the
    value (picklable: a child started as a new Python gets `then` pickled, so a module-level
    function or a `functools.partial` of one). `preload`: modules it needs, imported before the
    child counts what it starts with (their libraries are not the file's memory)."""
    return _within_budget(source, name, progress, "calamine", budget_mb, then, preload)


def _within_budget(source: Source, name: Optional[str], progress: Optional[Progress], xlsx_engine: str,
                   budget_mb: Optional[int], then: Optional[Then] = None, preload: tuple[str, ...] = ()) -> Any:
    budget_mb = memory_budget_mb() if budget_mb is None else budget_mb
    if then is not None and isinstance(source, (str, Path)):
        # the child reads the file and lets its bytes go once read: they never sit here, nor beside the computing
        data: "bytes | Path" = Path(source)
        name = name or data.name
    else:
        data, name = _load_bytes(source, name)
    pid, receiving, wait_exit = _start(data, name, xlsx_engine, then, preload)
    start: Optional[int] = None
    killed, exit_code, computing = False, None, False
    tables: list[str] = []
    try:
        while True:
            resident = _resident_bytes(pid)
            if start is not None and resident is not None and resident - start > budget_mb * 2**20 and not killed:
                os.kill(pid, signal.SIGKILL)
                killed = True
            if not wait([receiving], CHECK_SECONDS):
                continue
            try:
                message = receiving.recv()
            except EOFError:  # the child died without a word: killed above, or by the system
                break
            kind = message[0]
            if kind == "start":
                start = message[1] or 0
            elif kind == "peak":
                # a peak between two of the parent's looks (a busy machine can delay them by seconds)
                if start is not None and message[1] is not None and message[1] - start > budget_mb * 2**20:
                    raise _over_budget(name, budget_mb, computing)
            elif kind == "table":
                tables.append(message[1])
            elif kind == "computing":
                computing = True
            elif kind == "value":
                return SourceFacts(**message[1]), message[2]
            elif kind == "progress":
                if progress is not None:
                    progress(message[1], message[2])
            elif kind == "export":
                import pyarrow as pa

                facts, first_line = SourceFacts(**message[1]), message[2]
                # mapped, not copied: the table's buffers are the file's pages (kept after the unlink below)
                table = pa.ipc.open_file(pa.memory_map(message[3])).read_all()
                return Export(table, facts, first_line)
            elif kind == "error":
                raise ExportError(message[1], message[2])
            elif kind == "memory":
                raise _over_budget(name, budget_mb, computing)
            else:
                raise RuntimeError(f"reading {name} failed in its child process:\n{message[1]}")
    finally:
        receiving.close()
        for path in tables:
            with suppress(FileNotFoundError):
                os.unlink(path)
        with suppress(ProcessLookupError):  # done (or refused): its exit would only free what the system frees at once
            os.kill(pid, signal.SIGKILL)
        exit_code = wait_exit()
    if killed or exit_code in (-signal.SIGKILL, -signal.SIGABRT):
        # SIGABRT: a Rust or C++ allocation that failed (calamine, Arrow) aborts its process
        raise _over_budget(name, budget_mb, computing)
    raise ExportError(
        f"{name}：读取进程意外结束（退出码 {exit_code}）；文件未导入",
        f"{name}: the reading process ended unexpectedly (exit code {exit_code}); nothing was imported",
    )
