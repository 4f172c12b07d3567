"""Before/after tests from stored aggregates equal scipy / statsmodels on the raw tickets.

Two exports are generated here with known raw values, measured as the app measures an import
(`measure_export`: only n, k, sums and the sketch are kept), compared by
`diagnosis.evaluation_stats`, and checked against the libraries run on the raw columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import numpy as np
import pytest
from scipy import stats

from diagnosis import catalog
from diagnosis import evaluation_stats as es
from diagnosis.metric_definitions import MetricDefinition, definitions
from diagnosis.tickets import read_export, resolve_mapping
from diagnosis.tickets import sketch as sk
from diagnosis.tickets.measure import DefinitionValue, measure_export

Q = catalog.get("customer_service_diagnosis").questionnaire
KNOWN = definitions(Q)
USED = ("frt_mean", "frt_median", "frt_p90", "csat_mean", "complaint_rate")
START = dt.datetime(2025, 8, 1, 8)


def export(seed: int, n: int, frt_minutes: float, complaint: float, csat: tuple[float, ...]):
    """(CSV bytes, raw columns) of n tickets: lognormal FRT in whole seconds, complaints, 1-5 ratings (60 % rated)."""
    rng = np.random.default_rng(seed)
    frt_s = np.maximum(1, np.round(rng.lognormal(math.log(frt_minutes * 60), 0.7, n))).astype(int)
    complaints = rng.random(n) < complaint
    rated = rng.random(n) < 0.6
    scores = rng.choice([1, 2, 3, 4, 5], size=n, p=csat)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["工单号", "创建时间", "首次响应时间", "满意度", "是否投诉"])
    for i in range(n):
        created = START + dt.timedelta(minutes=7 * i)
        writer.writerow([f"T{i}", f"{created:%Y-%m-%d %H:%M:%S}", f"{created + dt.timedelta(seconds=int(frt_s[i])):%Y-%m-%d %H:%M:%S}",
                         str(scores[i]) if rated[i] else "", "是" if complaints[i] else "否"])  # fmt: skip
    raw = {"frt": frt_s / 60.0, "complaint": complaints, "csat": scores[rated].astype(float)}
    return out.getvalue().encode(), raw


def measured(data: bytes) -> dict[str, DefinitionValue]:
    found = read_export(data, "t.csv")
    return measure_export(found, resolve_mapping(found.headers), [KNOWN[d] for d in USED], csat_scale="1-5").values


@pytest.fixture(scope="module")
def periods():
    before, raw_before = export(1, 3000, 4.0, 0.05, (0.05, 0.05, 0.15, 0.35, 0.40))
    after, raw_after = export(2, 2600, 3.4, 0.035, (0.04, 0.04, 0.12, 0.35, 0.45))
    return measured(before), raw_before, measured(after), raw_after



def sketch_of(values) -> dict:
    """The sketch of an array of values, computed here with numpy (the import's SQL is what is tested)."""
    x = np.asarray(values, dtype=float)
    positive = x[x > 0]
    bins, counts = np.unique(np.floor(np.log(positive) / math.log(sk.RATIO)).astype(np.int64), return_counts=True)
    return {"ratio": sk.RATIO, "zeros": int((x == 0).sum()), "bins": [[int(b), int(c)] for b, c in zip(bins, counts)]}

def test_a_rate_change_from_stored_counts_equals_chi_square_and_a_newcombe_interval_on_the_raw_tickets(periods):
    before, raw_b, after, raw_a = periods
    found, _ = es.compare(KNOWN["complaint_rate"], before["complaint_rate"], after["complaint_rate"], 95)
    b, a = raw_b["complaint"], raw_a["complaint"]
    table = [[a.sum(), len(a) - a.sum()], [b.sum(), len(b) - b.sum()]]
    assert found.p == pytest.approx(stats.chi2_contingency(table, correction=False).pvalue, abs=1e-6)
    # Newcombe's hybrid score interval by hand from two Wilson intervals (scipy's binomtest)
    wb = stats.binomtest(int(b.sum()), len(b)).proportion_ci(0.95, method="wilson")
    wa = stats.binomtest(int(a.sum()), len(a)).proportion_ci(0.95, method="wilson")
    pb, pa = b.mean(), a.mean()
    low = pa - pb - math.sqrt((pa - wa.low) ** 2 + (wb.high - pb) ** 2)
    high = pa - pb + math.sqrt((wa.high - pa) ** 2 + (pb - wb.low) ** 2)
    assert (found.low, found.estimate, found.high) == pytest.approx((100 * low, 100 * (pa - pb), 100 * high), abs=1e-6)
    assert (found.n_before, found.n_after) == (len(b), len(a))


@pytest.mark.parametrize("definition, column", [("frt_mean", "frt"), ("csat_mean", "csat")])
def test_a_mean_change_from_stored_sums_equals_welchs_t_on_the_raw_tickets(periods, definition, column):
    before, raw_b, after, raw_a = periods
    found, _ = es.compare(KNOWN[definition], before[definition], after[definition], 95)
    raw = stats.ttest_ind(raw_a[column], raw_b[column], equal_var=False)
    ci = raw.confidence_interval(0.95)
    assert found.p == pytest.approx(raw.pvalue, abs=1e-6)
    assert (found.low, found.estimate, found.high) == pytest.approx(
        (ci.low, raw_a[column].mean() - raw_b[column].mean(), ci.high), abs=1e-6)


def test_the_stored_sketch_is_the_sketch_of_the_raw_values(periods):
    before, raw_b, _, _ = periods
    assert before["frt_median"].sketch == sketch_of(raw_b["frt"])
    assert sk.Sketch.from_dict(before["frt_median"].sketch).n == len(raw_b["frt"])


@pytest.mark.parametrize("definition, q", [("frt_median", 0.5), ("frt_p90", 0.9)])
def test_a_quantile_and_its_interval_from_the_sketch_are_within_the_sketchs_error_of_the_raw_tickets(periods, definition, q):
    before, raw_b, after, raw_a = periods
    found, _ = es.compare(KNOWN[definition], before[definition], after[definition], 95)
    err = sk.RELATIVE_ERROR * (1 + 1e-9)
    assert found.before == pytest.approx(np.quantile(raw_b["frt"], q), rel=err)
    assert found.after == pytest.approx(np.quantile(raw_a["frt"], q), rel=err)
    for stored, raw in ((before, raw_b), (after, raw_a)):
        low, high = es.quantile_interval(sk.Sketch.from_dict(stored[definition].sketch), q, 95)
        ci = stats.quantile_test(raw["frt"], q=1, p=q).confidence_interval(0.95)
        assert (low, high) == pytest.approx((ci.low, ci.high), rel=err)
    # Price-Bonett: the half-widths of both quantile intervals give the difference's standard error
    assert found.low < found.estimate < found.high and found.estimate < 0


def test_mann_whitney_from_the_sketch_equals_scipy_on_the_binned_values_and_u_stays_within_the_stated_bound(periods):
    before, raw_b, after, raw_a = periods
    b, a = (sk.Sketch.from_dict(p["frt_median"].sketch) for p in (before, after))
    p, sign = es.mann_whitney_p(b, a)
    assert p == pytest.approx(stats.mannwhitneyu(a.expanded(), b.expanded(), method="asymptotic").pvalue, abs=1e-9)
    u, _ = sk.u_statistic(b, a)
    raw_u = stats.mannwhitneyu(raw_a["frt"], raw_b["frt"], method="asymptotic").statistic
    assert abs(u - raw_u) <= sk.u_tie_bound(b, a)
    assert sign == -1 and p < 0.05  # the after period answers faster
    assert stats.mannwhitneyu(raw_a["frt"], raw_b["frt"], method="asymptotic").pvalue < 0.05


def row(definition: MetricDefinition, comparison: es.Comparison, direction: str, target=None, confidence=95.0) -> es.RowTest:
    return es.RowTest(definition.id, definition.id, definition, 1, "%", direction, target, confidence, comparison)


@pytest.mark.parametrize("k_after, direction, verdict", [
    (300, "lower", "improvement"), (300, "higher", "worsening"), (700, "higher", "improvement"), (700, "lower", "worsening"),
    (500, "lower", "no_change"), (505, "higher", "no_change"),
])  # fmt: skip
def test_the_verdict_follows_the_direction_of_the_metric(k_after, direction, verdict):
    comparison = es.compare_rates(500, 10000, k_after, 10000, 95)
    assert row(KNOWN["complaint_rate"], comparison, direction).verdict == verdict
    assert row(KNOWN["complaint_rate"], comparison, direction).verdict_text("en") == es.VERDICTS[verdict][1]


def test_a_mean_that_rose_is_an_improvement_for_csat_and_a_worsening_for_frt():
    rose = es.compare_means(400, 400 * 4.0, 400 * (16 + 0.81), 400, 400 * 4.3, 400 * (4.3**2 + 0.81), 95)
    assert rose.estimate == pytest.approx(0.3) and rose.p < 1e-5
    assert row(KNOWN["csat_mean"], rose, "higher").verdict == "improvement"
    assert row(KNOWN["frt_mean"], rose, "lower").verdict == "worsening"


def test_the_same_export_as_baseline_and_checkpoint_shows_no_detectable_change(periods):
    before, *_ = periods
    for definition in USED:
        found, _ = es.compare(KNOWN[definition], before[definition], before[definition], 95)
        test = row(KNOWN[definition], found, KNOWN[definition].direction)
        assert (test.verdict, found.estimate, found.p) == ("no_change", 0, pytest.approx(1.0)), definition
        assert found.low <= 0 <= found.high


def test_a_small_sample_gets_the_minimum_detectable_change_hint():
    small = es.compare_rates(4, 40, 2, 40, 95)  # 10 % -> 5 %
    test = row(KNOWN["complaint_rate"], small, "lower", target=7.0)
    assert test.verdict == "no_change" and test.too_small
    assert small.mdc > 3  # with 40 tickets a side only a change of many points shows
    assert "only a change of about" in test.hint("en") and "40 / 40" in test.hint("en")
    assert "样本量不足" in test.hint("zh")
    big = es.compare_rates(400, 4000, 385, 4000, 95)  # a tiny change on many tickets: real "no change"
    assert row(KNOWN["complaint_rate"], big, "lower", target=7.0).too_small is False


def test_the_minimum_detectable_change_has_the_power_it_claims():
    """At the MDC, 80 % of repeated samples of a true change of that size test significant."""
    n, p1 = 2000, 0.2
    mdc = es.compare_rates(int(n * p1), n, int(n * p1), n, 95).mdc / 100
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(400):
        k1, k2 = rng.binomial(n, p1), rng.binomial(n, p1 + mdc)
        hits += es.compare_rates(int(k1), n, int(k2), n, 95).p < 0.05
    assert 0.74 < hits / 400 < 0.86


def test_a_higher_confidence_level_makes_a_borderline_change_undetectable():
    comparison = es.compare_rates(316, 9872, 242, 9318, 95)  # the demo's complaint rate, month 1 (p ~ 0.013)
    assert row(KNOWN["complaint_rate"], comparison, "lower").verdict == "improvement"
    assert row(KNOWN["complaint_rate"], comparison, "lower", confidence=99.0).verdict == "no_change"


def test_counts_and_missing_values_are_not_tested_with_a_reason():
    found, why = es.compare(KNOWN["volume"], DefinitionValue(9872.0, 9872), DefinitionValue(9318.0, 9318), 95)
    test = es.RowTest("volume", "Volume", KNOWN["volume"], 1, "", "higher", None, 95, found, why)
    assert found is None and test.verdict == "untested" and "counts are not tested" in test.hint("en") and "计数" in test.hint("zh")
    found, why = es.compare(KNOWN["frt_mean"], DefinitionValue(3.2, 10), DefinitionValue(None, 0, note="the export has no column"), 95)
    assert found is None and why == "no_value"


def test_an_import_kept_before_the_period_sums_existed_is_tested_from_its_days(periods):
    before, raw_b, after, raw_a = periods
    old = DefinitionValue.from_dict({k: v for k, v in before["frt_mean"].to_dict().items() if k not in ("sum", "sumsq")})
    assert old.sum is None
    found, _ = es.compare(KNOWN["frt_mean"], old, after["frt_mean"], 95)
    assert found.p == pytest.approx(stats.ttest_ind(raw_a["frt"], raw_b["frt"], equal_var=False).pvalue, abs=1e-6)


def test_the_reading_counts_each_verdict_and_names_its_metrics_per_checkpoint():
    better = row(KNOWN["complaint_rate"], es.compare_rates(500, 10000, 300, 10000, 95), "lower")  # 5 % -> 3 %
    same = row(KNOWN["fcr"], es.compare_rates(7000, 10000, 7010, 10000, 95), "higher")
    worse = row(KNOWN["frt_mean"], es.compare_means(400, 400 * 4.0, 400 * 16.81, 400, 400 * 4.3, 400 * (4.3**2 + 0.81), 95), "lower")
    assert [t.verdict for t in (better, same, worse)] == ["improvement", "no_change", "worsening"]
    assert es.reading([better, same, worse], "zh") == [
        "1 个月时，1 项显著改善（complaint_rate）；1 项无可检测变化（fcr：区间包含 0，变化可能只是波动）；1 项显著恶化（frt_mean）。"]
    assert es.reading([better, same], "en") == [
        "At 1 month: 1 improved significantly (complaint_rate); 1 show no detectable change (fcr: the interval includes 0, the change may be noise)."]
