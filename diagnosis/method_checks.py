"""Checks of the answers against the method's own rules of thumb (PRODUCT.md, steps 1 and 2).

- A process is either in scope or out of it, never both (step 1).
- The customer survey samples at least `MIN_SAMPLE_SHARE` (30%) of the customers who had the problem.
- In-depth interviews go to customers who complained `MIN_COMPLAINTS` (2) times or more in the last
  `COMPLAINT_WINDOW_DAYS` (30) days; the step-2 import lists such customers of an export by the same
  numbers (`tickets.measure`).

Each check reads answers by the question ids the shipped questionnaires use
(`scope_in`, `scope_out`, `customers_with_problem`, `survey_sample`, `interviews` with
`complaints_30d`); a questionnaire without those questions simply gets no finding. The questionnaires'
texts name the numbers as `{min_sample_share}`, `{min_complaints}` and `{complaint_window_days}`
(`text_numbers`, filled in by the loader), e.g. the interview log's column "近 30 天投诉次数".
`question_findings` says under which question each finding belongs, where the step page shows
it; `project.consistency` reports the scope overlap as a located warning too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from diagnosis.i18n import pick, tr
from diagnosis.questionnaire.rules import as_number

if TYPE_CHECKING:  # the project model imports this module (through its consistency checks)
    from diagnosis.project.model import Project
    from diagnosis.questionnaire import Questionnaire

MIN_SAMPLE_SHARE = 0.30  # of the customers who had the problem
MIN_COMPLAINTS = 2  # an interview target complained this many times or more ...
COMPLAINT_WINDOW_DAYS = 30  # ... within this many days (the questionnaires' column `complaints_30d`)


def text_numbers() -> dict[str, str]:
    """The numbers above as a questionnaire text may name them, `{complaint_window_days}` and so on: the
    loader fills them in, so a help text or a column label says these values instead of a copy of them."""
    return {"min_sample_share": f"{MIN_SAMPLE_SHARE:.0%}", "min_complaints": str(MIN_COMPLAINTS),
            "complaint_window_days": str(COMPLAINT_WINDOW_DAYS)}


@dataclass(frozen=True)
class Finding:
    level: Literal["ok", "warning"]
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return pick(lang, self.zh, self.en)


def in_and_out_of_scope(answers: dict[str, Any]) -> list[str]:
    """The processes (option ids) chosen both in scope and out of it, in the order of `scope_out`."""
    chosen_in, chosen_out = answers.get("scope_in"), answers.get("scope_out")
    if not isinstance(chosen_in, list) or not isinstance(chosen_out, list):
        return []
    return [p for p in dict.fromkeys(chosen_out) if p in chosen_in]


def scope_overlap(answers: dict[str, Any], questionnaire: "Questionnaire | None") -> Finding | None:
    both = in_and_out_of_scope(answers)
    if not both:
        return None

    def names(lang: str) -> list[str]:
        try:
            options = {o.id: tr(o.label, lang) for o in questionnaire.question("scope_out").options or []}  # type: ignore[union-attr]
        except (AttributeError, KeyError):
            options = {}
        return [options.get(p, p) for p in both]

    zh, en = "、".join(f"“{n}”" for n in names("zh")), ", ".join(f"'{n}'" for n in names("en"))
    return Finding("warning", f"{zh}同时在纳入和排除的流程中：请决定它属于哪一边，再从另一边去掉。",
                   f"{en} {'is' if len(both) == 1 else 'are'} both in scope and out of scope: decide which, and remove "
                   f"{'it' if len(both) == 1 else 'them'} from the other list.")


def survey_sample(answers: dict[str, Any]) -> Finding | None:
    population, sample = as_number(answers.get("customers_with_problem")), as_number(answers.get("survey_sample"))
    if not population or sample is None or population <= 0:
        return None
    share = sample / population
    least = f"{MIN_SAMPLE_SHARE:.0%}"
    if share >= MIN_SAMPLE_SHARE:
        return Finding("ok", f"调研样本 {sample:,.0f} 人，占有问题客户的 {share:.0%}（≥ {least}），具有代表性。",
                       f"The survey sample of {sample:,.0f} is {share:.0%} of the customers who had the problem (at least {least}): representative.")
    needed = int(-(-population * MIN_SAMPLE_SHARE // 1))
    return Finding("warning", f"调研样本仅占有问题客户的 {share:.0%}，低于 {least}：至少需要 {needed:,} 人，否则结论可能不具代表性。",
                   f"The survey sample is only {share:.0%} of the customers who had the problem, under {least}: survey at least {needed:,} or the result may not be representative.")


def interview_targets(answers: dict[str, Any]) -> Finding | None:
    rows = [r for r in answers.get("interviews") or [] if isinstance(r, dict) and any(v not in (None, "") for v in r.values())]
    counted = [(r, as_number(r.get("complaints_30d"))) for r in rows]
    known = [(r, n) for r, n in counted if n is not None]
    if not known:
        return None
    below = [r for r, n in known if n < MIN_COMPLAINTS]
    days, times, times_en = COMPLAINT_WINDOW_DAYS, MIN_COMPLAINTS, _times_en(MIN_COMPLAINTS)
    if not below:
        return Finding("ok", f"{len(known)} 位受访客户近 {days} 天均投诉 {times} 次及以上，符合深访对象要求。",
                       f"All {len(known)} interviewed customers complained {times_en} or more in the last {days} days, as the method asks.")
    names = "、".join(str(r.get("customer") or "?") for r in below)
    names_en = ", ".join(str(r.get("customer") or "?") for r in below)
    return Finding("warning", f"{len(below)} 位受访客户近 {days} 天投诉少于 {times} 次（{names}）：深访应优先选择反复投诉的客户。",
                   f"{len(below)} interviewed customers complained fewer than {times_en} in the last {days} days ({names_en}): in-depth interviews should go to repeat complainers.")


def _times_en(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def data_collection_findings(project: "Project") -> list[Finding]:
    return [f for f in (survey_sample(project.answers), interview_targets(project.answers)) if f is not None]


FINDING_QUESTIONS = ("scope_out", "survey_sample", "interviews")  # the questions a finding may be shown below


def question_findings(answers: dict[str, Any], questionnaire: "Questionnaire | None") -> dict[str, list[Finding]]:
    """Question id (one of `FINDING_QUESTIONS`) -> the findings shown right below it (next to the answers they are about)."""
    placed = dict(zip(FINDING_QUESTIONS, (scope_overlap(answers, questionnaire), survey_sample(answers),
                                          interview_targets(answers)), strict=True))
    return {question: [finding] for question, finding in placed.items() if finding is not None}
