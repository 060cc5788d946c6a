"""The spike detector (突发预警) as pure arithmetic: no database, no Django.

A *series* is the number of events per day at one place for one subject (a
category or an enforcement matter). On a scan day ``T`` the detector looks at
the *window* of the last ``window_days`` days ending on ``T`` and compares the
number of events in it with what the ``baseline_days`` days before the window
lead one to expect:

* expected per day: ``λ = (baseline sum + prior) / baseline_days``; the small
  prior (half an event) keeps λ above zero for places that had nothing;
* if the baseline days vary more than a Poisson count would (sample variance >
  mean) the window count is modelled as negative binomial with the same mean and
  the dispersion of the baseline (method of moments), otherwise as Poisson
  with mean ``window_days × λ``;
* the *threshold* is the smallest count whose upper-tail probability under that
  model is at most ``alpha``, and never less than ``min_count``;
* a spike is raised when the window holds at least the threshold. Its *score* is
  ``-log10`` of the upper-tail probability of what was observed.

Why this and not an EWMA or a control chart: most place × subject series are
sparse (a village sees a few 占道经营 reports a month), where normal
approximations and EWMA limits break down; an exact count tail is right for
small numbers, needs no tuning beyond ``alpha`` and ``min_count``, and tells the
command room how unlikely the cluster is. The 28-day baseline holds four whole
weeks (the weekly rhythm averages out of it) and follows the seasons. The
3-day window was chosen on the simulation in docs/hotspots.md: clusters spread
over up to a week are found as well as with a 7-day window, with about half the
false warnings (three chance reports fall into 7 days more often than into 3).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SpikeParameters:
    window_days: int = 3
    baseline_days: int = 28
    alpha: float = 0.001
    min_count: int = 3
    prior: float = 0.5
    # Negative binomial only when the baseline is overdispersed; its daily size
    # parameter is kept at or above this, so one busy day in a quiet month does
    # not make every later count look ordinary.
    min_size: float = 0.5
    # False: always Poisson (kept to measure what the negative binomial buys).
    overdispersion: bool = True

    @property
    def history_days(self) -> int:
        """Days of counts a test needs: the baseline and the window."""
        return self.baseline_days + self.window_days

    def describe(self) -> dict:
        return {
            "window_days": self.window_days,
            "baseline_days": self.baseline_days,
            "alpha": self.alpha,
            "min_count": self.min_count,
            "prior": self.prior,
            "min_size": self.min_size,
            "overdispersion": self.overdispersion,
        }


POISSON = "poisson"
MAX_SIZE = 1000.0
NEGATIVE_BINOMIAL = "negative_binomial"


@dataclass(frozen=True)
class SpikeTest:
    """The outcome of one window test."""

    observed: int
    expected: float
    threshold: int
    p_value: float
    method: str
    baseline_mean: float
    size: float | None  # negative binomial size of the window count (None: Poisson)

    @property
    def raised(self) -> bool:
        return self.observed >= self.threshold

    @property
    def score(self) -> float:
        """-log10 of the tail probability (capped at 30): 3 means one in a thousand."""
        return min(30.0, -math.log10(max(self.p_value, 1e-30)))


# --- tails of count distributions --------------------------------------------------------


def _log_pmf_poisson(k: int, mu: float) -> float:
    return -mu + k * math.log(mu) - math.lgamma(k + 1)


def _log_pmf_nbinom(k: int, mu: float, size: float) -> float:
    # Mean mu, variance mu + mu^2 / size.
    p = size / (size + mu)
    return (
        math.lgamma(k + size)
        - math.lgamma(size)
        - math.lgamma(k + 1)
        + size * math.log(p)
        + k * math.log1p(-p)
    )


def _upper_tail(log_pmf, k: int, mu: float) -> float:
    """P(X >= k), summed directly over the tail when it is small (no 1 - cdf cancellation)."""
    if k <= 0:
        return 1.0
    if k <= mu:
        below = sum(math.exp(log_pmf(j)) for j in range(k))
        return max(0.0, 1.0 - below)
    total, j = 0.0, k
    while True:
        term = math.exp(log_pmf(j))
        total += term
        j += 1
        if term < total * 1e-12 or j > k + 10_000:
            return min(1.0, total)


def poisson_sf(k: int, mu: float) -> float:
    """P(X >= k) for X ~ Poisson(mu)."""
    if mu <= 0:
        return 1.0 if k <= 0 else 0.0
    return _upper_tail(lambda j: _log_pmf_poisson(j, mu), k, mu)


def nbinom_sf(k: int, mu: float, size: float) -> float:
    """P(X >= k) for a negative binomial with mean ``mu`` and size ``size``."""
    if mu <= 0:
        return 1.0 if k <= 0 else 0.0
    return _upper_tail(lambda j: _log_pmf_nbinom(j, mu, size), k, mu)


def upper_threshold(mu: float, alpha: float, size: float | None = None) -> int:
    """The smallest count x >= 1 with P(X >= x) <= alpha."""
    sf = (lambda x: poisson_sf(x, mu)) if size is None else (lambda x: nbinom_sf(x, mu, size))
    x = max(1, math.floor(mu) + 1)
    while sf(x) > alpha:
        x += 1
    return x


# --- one window ---------------------------------------------------------------------------


def evaluate_window(
    baseline: Sequence[int], observed: int, params: SpikeParameters = SpikeParameters()
) -> SpikeTest:
    """Test ``observed`` events in the window against the daily ``baseline`` counts."""
    b = np.asarray(baseline, dtype=float)
    days = len(b)
    if days == 0:
        raise ValueError("the baseline needs at least one day")
    rate = (b.sum() + params.prior) / days
    mu = rate * params.window_days
    mean = b.mean()
    variance = b.var(ddof=1) if days > 1 else 0.0
    size = None
    if params.overdispersion and mean > 0 and variance > mean * (1 + 1e-6):
        daily_size = max(params.min_size, mean * mean / (variance - mean))
        if daily_size < MAX_SIZE:  # beyond this the negative binomial is a Poisson
            size = daily_size * params.window_days  # a sum of iid NB keeps p; sizes add up
    threshold = max(params.min_count, upper_threshold(mu, params.alpha, size))
    p_value = poisson_sf(observed, mu) if size is None else nbinom_sf(observed, mu, size)
    return SpikeTest(
        observed=int(observed),
        expected=float(mu),
        threshold=int(threshold),
        p_value=float(p_value),
        method=POISSON if size is None else NEGATIVE_BINOMIAL,
        baseline_mean=float(mean),
        size=size,
    )


def evaluate_day(
    counts: Sequence[int], day: int, params: SpikeParameters = SpikeParameters()
) -> SpikeTest | None:
    """Test the window ending on index ``day`` of a daily series (None without enough history)."""
    start = day - params.window_days + 1
    base_start = start - params.baseline_days
    if base_start < 0:
        return None
    observed = int(sum(counts[start : day + 1]))
    return evaluate_window(counts[base_start:start], observed, params)


def same_spike(previous_end: int, new_start: int) -> bool:
    """A window that starts on or before the day after an earlier warning's window
    ended belongs to the same spike: it is extended, not raised again."""
    return new_start <= previous_end + 1


def scan_series(
    counts: Sequence[int], params: SpikeParameters = SpikeParameters(), first_day: int | None = None
) -> list[tuple[int, int, SpikeTest]]:
    """Scan a whole series day by day as the daily task would, with the same rule
    against raising a spike twice. Returns (raised on day, last window end, test)
    per warning."""
    counts = np.asarray(counts, dtype=int)
    window = params.window_days
    sums = np.convolve(counts, np.ones(window, dtype=int))[
        window - 1 : len(counts)
    ]  # sums[i]: window ending at i+window-1
    warnings: list[list] = []
    start_day = (
        params.history_days - 1 if first_day is None else max(first_day, params.history_days - 1)
    )
    for day in range(start_day, len(counts)):
        if sums[day - window + 1] < params.min_count:
            continue
        result = evaluate_day(counts, day, params)
        if result is None or not result.raised:
            continue
        window_start = day - window + 1
        if warnings and same_spike(warnings[-1][1], window_start):
            warnings[-1][1] = day
            continue
        warnings.append([day, day, result])
    return [(raised, end, result) for raised, end, result in warnings]
