"""Many writers on one project, and a writer killed mid-save: nothing lost, nothing half-written.

Runs on SQLite and on PostgreSQL (`store_url`). Each writer has its own Store (its own
engine and connections) and saves through `Store.commit` from a stale base, like a browser
session that has not seen the others' changes yet.
"""

from __future__ import annotations

import multiprocessing
import random
import signal
import subprocess
import sys
import textwrap
import time

from diagnosis import fishbone as fb
from diagnosis.project import new_project
from diagnosis.store import Store
from tests.conftest import ROOT

WRITERS = 16
ADDITIONS = 100


def _writer(url: str, project_id: str, w: int, errors) -> None:
    try:
        store = Store(url)
        stored = store.load(project_id)
        project, revision = stored.project, stored.revision
        mine: list[str] = []
        for n in range(ADDITIONS):
            if mine and n % 5 == 4:  # every fifth addition is a sub-cause ("why?") of one of mine
                cause = fb.add_cause(project.fishbone, f"w{w} why {n}", parent_id=random.choice(mine))
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


def test_sixteen_writers_adding_a_hundred_causes_each_lose_nothing(store_url):
    store = Store(store_url)
    project = new_project("customer_service_diagnosis", title="workshop")
    store.save(project, "facilitator", "created")
    # processes, not threads: each writer has its own interpreter, engine and connections
    context = multiprocessing.get_context("fork")
    errors = context.Queue()
    writers = [context.Process(target=_writer, args=(store_url, project.meta.id, w, errors)) for w in range(WRITERS)]
    started = time.perf_counter()
    for p in writers:
        p.start()
    for p in writers:
        p.join(timeout=240)
    elapsed = time.perf_counter() - started
    assert [p.exitcode for p in writers] == [0] * WRITERS
    assert errors.empty(), errors.get()
    final = store.load(project.meta.id).project
    causes = list(fb.iter_causes(final.fishbone))
    texts = {c.text for c in causes}
    expected = {f"w{w} {'why' if 0 else 'cause'} {n}" for w in range(WRITERS) for n in range(ADDITIONS)}
    assert len(causes) == WRITERS * ADDITIONS
    assert len(texts) == WRITERS * ADDITIONS
    assert {t.replace(" why ", " cause ") for t in texts} == expected
    assert all(len(c.votes) == 1 for c in causes)
    assert store.head(project.meta.id) == 1 + WRITERS * ADDITIONS
    assert store.conflicts(project.meta.id) == []
    print(f"\n{store.engine.dialect.name}: {WRITERS * ADDITIONS} concurrent additions in {elapsed:.1f} s")
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
