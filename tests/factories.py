"""Made-up projects for tests and benchmarks: fishbones of any size (deterministic for a seed) and
projects holding imported periods of daily aggregates (for control charts and alerts)."""

from __future__ import annotations

import random

from diagnosis import catalog
from diagnosis.demo import demo_project
from diagnosis.project.model import Cause, Fishbone, Project, QuestionnaireRef

CATEGORIES = ("people", "machine", "material", "method", "environment")
WORDS_ZH = ["系统", "卡顿", "客户", "历史", "未同步", "培训", "不足", "知识库", "过时", "审批", "冗长", "排班", "高峰", "转接", "职责", "不清", "回访", "缺失"]
WORDS_EN = ["system", "lag", "customer", "history", "not", "synced", "training", "missing", "knowledge", "base", "outdated", "approval", "peak", "roster", "transfer", "unclear"]


def cause_text(rng: random.Random, n: int) -> str:
    if rng.random() < 0.6:
        return f"{n}号原因：" + "".join(rng.choice(WORDS_ZH) for _ in range(rng.randint(2, 9)))
    return f"cause {n}: " + " ".join(rng.choice(WORDS_EN) for _ in range(rng.randint(2, 10)))


def fishbone_of(size: int, seed: int = 7, nested_share: float = 0.3) -> Fishbone:
    """`size` causes over the five bones; about `nested_share` of them are sub-causes."""
    rng = random.Random(seed)
    causes: list[Cause] = []
    every: list[tuple[Cause, int]] = []
    for n in range(1, size + 1):
        value = rng.choice([None, 0, *range(5, 900, 7)]) if rng.random() < 0.15 else rng.randint(1, 900)
        votes = {f"p{k}": rng.randint(1, 3) for k in range(rng.randint(0, 3))}
        cause = Cause(id=f"x{n}", category=rng.choice(CATEGORIES), text=cause_text(rng, n), value=value,
                      frequency=rng.choice(["high", "medium", "low"]), impact=rng.choice(["high", "medium", "low"]), votes=votes)
        candidates = [(c, d) for c, d in every if d < 3]
        if candidates and rng.random() < nested_share:
            parent, depth = rng.choice(candidates)
            cause.category = parent.category
            parent.children.append(cause)
            every.append((cause, depth + 1))
        else:
            causes.append(cause)
            every.append((cause, 0))
    return Fishbone(problem="投诉率上升 / complaints up: " + cause_text(rng, 0), causes=causes)


def project_of(size: int, seed: int = 7) -> Project:
    project = demo_project("zh")
    project.fishbone = fishbone_of(size, seed)
    return project


# --- a project's imported periods (daily aggregates as an import stores them) --------------------


def project_with(*entries, rows=None, launch=None, measures=()):
    q = catalog.get("customer_service_diagnosis").questionnaire
    project = Project(questionnaire=QuestionnaireRef(id=q.id, version=q.version), measures=list(measures))
    project.data["imports"] = list(entries)
    project.answers["metrics"] = rows or [{"metric": "complaint_rate", "definition": "complaint_rate", "name": "投诉率",
                                           "baseline": 3.0, "target": 2.0, "direction": "lower"}]  # fmt: skip
    project.evaluation.launch = launch
    return project, q


def entry(period, days, definition="complaint_rate", months=None, scale="1-5", name="x.csv"):
    return {"id": f"i{period}{months}", "period": period, "months": months, "source": {"name": name}, "csat_scale": scale,
            "facts": {"end": days[-1]["day"]}, "values": {definition: {"daily": days}}}  # fmt: skip


def day(text, n, k=None, value=None, total=None):
    return {"day": text, "n": n, "k": k, "sum": total, "value": value if value is not None else 100.0 * k / n}
