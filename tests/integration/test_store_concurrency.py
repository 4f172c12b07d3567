"""Many writers on one project, and a writer killed mid-save: nothing lost, nothing half-written.

Runs on SQLite and on PostgreSQL (`store_url`). Each writer has its own Store (its own
engine and connections) and saves through `Store.commit` from a stale base, like a browser
session that has not seen the others' changes yet. By default 4 writers x 25 additions; the
16 x 100 workshop is marked `slow` (run with `-m slow` or `DIAGNOSIS_SLOW_TESTS=1`).
"""

from __future__ import annotations

import multiprocessing
import random
import re
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from diagnosis import fishbone as fb
from diagnosis.project import new_project
from diagnosis.store import Store
from tests.conftest import ROOT

# a sub-cause's text names the addition it answers "why?" to: "w3 why 9 of 4" is under "w3 ... 4"
SUB_CAUSE = re.compile(r"^w(\d+) why (\d+) of (\d+)$")


def _writer(url: str, project_id: str, w: int, additions: int, errors) -> None:
    try:
        store = Store(url)
        stored = store.load(project_id)
        project, revision = stored.project, stored.revision
        mine: list[str] = []
        for n in range(additions):
            if mine and n % 5 == 4:  # every fifth addition is a sub-cause ("why?") of one of mine
                k = random.randrange(len(mine))
                cause = fb.add_cause(project.fishbone, f"w{w} why {n} of {k}", parent_id=mine[k])
            else:
                cause = fb.add_cause(project.fishbone, f"w{w} cause {n}", random.choice(fb_categories()))
            cause.votes[f"writer{w}"] = 1
            mine.append(cause.id)
            saved = store.commit(project, f"writer{w}", f"add {n}", base_revision=revision)
            if n % 3 == 0:  # pick up the others' changes only now and then: bases stay stale
                project, revision = saved.project, saved.revision
        store.close()
    except Exception as exc:  # noqa: BLE001 -- reported to the test through the queue
        errors.put(repr(exc))


def fb_categories() -> list[str]:
    return ["people", "machine", "material", "method", "environment"]


def _addition(text: str) -> tuple[int, int]:
    """(writer, addition number) of a cause's text: "w3 cause 7" and "w3 why 9 of 4" -> (3, 7), (3, 9)."""
    w, _kind, n = text.split()[:3]
    return int(w[1:]), int(n)


@pytest.mark.parametrize("writers, additions", [
    (4, 25),
    pytest.param(16, 100, marks=pytest.mark.slow, id="16-100-workshop"),
])  # fmt: skip
def test_writers_adding_causes_at_once_lose_nothing_and_sub_causes_stay_under_their_parents(store_url, writers, additions):
    store = Store(store_url)
    project = new_project("customer_service_diagnosis", title="workshop")
    store.save(project, "facilitator", "created")
    # processes, not threads: each writer has its own interpreter, engine and connections
    context = multiprocessing.get_context("fork")
    errors = context.Queue()
    procs = [context.Process(target=_writer, args=(store_url, project.meta.id, w, additions, errors)) for w in range(writers)]
    started = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=240)
    elapsed = time.perf_counter() - started
    assert [p.exitcode for p in procs] == [0] * writers
    assert errors.empty(), errors.get()
    final = store.load(project.meta.id).project
    tree = list(fb.walk(final.fishbone))  # (cause, parent or None, depth)
    assert sorted(_addition(cause.text) for cause, _parent, _depth in tree) == [
        (w, n) for w in range(writers) for n in range(additions)
    ]
    sub_causes = 0
    for cause, parent, _depth in tree:
        match = SUB_CAUSE.match(cause.text)
        if match is None:  # a cause of its own, on a bone
            assert parent is None and re.fullmatch(r"w\d+ cause \d+", cause.text), cause.text
            continue
        sub_causes += 1
        w, _n, k = map(int, match.groups())
        assert parent is not None and _addition(parent.text) == (w, k), (cause.text, parent and parent.text)
        assert cause.category == parent.category
    assert sub_causes == writers * sum(1 for n in range(additions) if n % 5 == 4)
    assert all(len(cause.votes) == 1 for cause, _parent, _depth in tree)
    assert store.head(project.meta.id) == 1 + writers * additions
    assert store.conflicts(project.meta.id) == []
    print(f"\n{store.engine.dialect.name}: {writers * additions} concurrent additions in {elapsed:.1f} s")
    store.close()


SAVER = textwrap.dedent("""
    import sys
    from diagnosis import fishbone as fb
    from diagnosis.store import Store
    store = Store(sys.argv[1])
    stored = store.load(sys.argv[2])
    project, revision = stored.project, stored.revision
    n = 0
    while True:
        n += 1
        fb.add_cause(project.fishbone, f"saved in a loop {n}", "people")
        project.answers["project_name"] = f"name {n}"
        saved = store.commit(project, "saver", f"save {n}", base_revision=revision)
        project, revision = saved.project, saved.revision
        if n == 3:
            print("saving", flush=True)
""")


def test_a_writer_killed_in_the_middle_of_saving_leaves_the_last_completed_revision(store_url):
    store = Store(store_url)
    for _round in range(3):
        project = new_project("customer_service_diagnosis")
        store.save(project, "facilitator", "created")
        saver = subprocess.Popen([sys.executable, "-c", SAVER, store_url, project.meta.id], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert saver.stdout.readline().strip() == "saving", saver.stderr.read()
        time.sleep(random.uniform(0.05, 0.4))
        saver.send_signal(signal.SIGKILL)
        saver.wait()
        reopened = Store(store_url)
        head = reopened.head(project.meta.id)
        last = reopened.revisions(project.meta.id)[0]
        assert last.number == head  # the head points at the last completed revision, no further
        stored = reopened.load(project.meta.id)
        n = int(last.description.split()[-1]) if last.description.startswith("save") else 0
        assert stored.project.answers.get("project_name", "name 0") == f"name {n}"
        assert len(list(fb.iter_causes(stored.project.fishbone))) == n
        # and it still takes saves
        reopened.commit(stored.project, "after", "after the crash", base_revision=head)
        reopened.close()
