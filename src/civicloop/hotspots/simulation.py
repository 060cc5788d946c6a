"""Measuring the spike detector on simulated counts with injected spikes of known
size and dates (docs/hotspots.md; ``civicloop hotspots evaluate``).

Everything is drawn from one seeded generator, so the same seed gives the same
series, spikes and numbers on every machine.

The background imitates a county's event counts per village × category per day:

* each series has its own mean rate, log-normal across series (median 0.03 a day,
  a few busy ones near one a day, capped at 1.5);
* a weekly rhythm (weekdays ×1.15, Saturday ×0.7, Sunday ×0.55) and a yearly one
  (±35 %, its peak on a different day for each category);
* for half of the categories, day-to-day overdispersion (a gamma-distributed
  multiplier with coefficient of variation 0.45, i.e. negative-binomial counts).

Spikes are added on top: ``extra`` events spread at random over 1–7 consecutive
days, at most one spike per series, never in the warm-up days.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .spikes import SpikeParameters, scan_series

WEEKLY = np.array([1.15, 1.15, 1.15, 1.15, 1.15, 0.7, 0.55])
WEEKLY = WEEKLY / WEEKLY.mean()


@dataclass(frozen=True)
class Scenario:
    places: int = 60
    subjects: int = 8
    days: int = 365
    warmup: int = 35  # the first window with a full baseline ends on the last warm-up day
    sizes: tuple[int, ...] = (3, 4, 6, 8, 12)
    spikes_per_size: int = 80
    spread_days: tuple[int, int] = (1, 7)
    median_rate: float = 0.03
    rate_sigma: float = 1.0
    max_rate: float = 1.5
    overdispersed_share: float = 0.5
    overdispersion_cv: float = 0.45
    seed: int = 2026


@dataclass
class Spike:
    series: int
    start: int
    days: int
    extra: int
    first_alarm: int | None = None


@dataclass
class SimulationResult:
    scenario: Scenario
    params: SpikeParameters
    spikes: list[Spike]
    false_warnings: int
    place_days: int
    series_days: int
    warnings: int
    by_size: dict[int, dict] = field(default_factory=dict)

    @property
    def false_per_1000_place_days(self) -> float:
        return 1000 * self.false_warnings / self.place_days

    @property
    def false_per_1000_series_days(self) -> float:
        return 1000 * self.false_warnings / self.series_days


def background(scenario: Scenario, rng: np.random.Generator) -> np.ndarray:
    """Daily counts, shape (series, days): series = place × subject."""
    n_series = scenario.places * scenario.subjects
    total_days = scenario.warmup + scenario.days
    rates = np.minimum(
        scenario.median_rate * np.exp(rng.normal(0, scenario.rate_sigma, n_series)),
        scenario.max_rate,
    )
    subject_of = np.tile(np.arange(scenario.subjects), scenario.places)
    phase = rng.uniform(0, 365, scenario.subjects)[subject_of]
    day = np.arange(total_days)
    seasonal = 1 + 0.35 * np.sin(2 * np.pi * (day[None, :] - phase[:, None]) / 365)
    weekly = WEEKLY[day % 7][None, :]
    mean = rates[:, None] * seasonal * weekly
    overdispersed = rng.random(scenario.subjects) < scenario.overdispersed_share
    noisy = overdispersed[subject_of]
    shape = 1 / scenario.overdispersion_cv**2
    multiplier = np.where(noisy[:, None], rng.gamma(shape, 1 / shape, mean.shape), 1.0)
    return rng.poisson(mean * multiplier)


def inject(counts: np.ndarray, scenario: Scenario, rng: np.random.Generator) -> list[Spike]:
    n_series, total_days = counts.shape
    wanted = [size for size in scenario.sizes for _ in range(scenario.spikes_per_size)]
    chosen = rng.choice(n_series, size=len(wanted), replace=False)
    spikes = []
    low, high = scenario.spread_days
    for series, extra in zip(chosen, wanted, strict=True):
        days = int(rng.integers(low, high + 1))
        start = int(rng.integers(scenario.warmup, total_days - days))
        where = rng.integers(0, days, extra)
        np.add.at(counts[series], start + where, 1)
        spikes.append(Spike(series=int(series), start=start, days=days, extra=int(extra)))
    return spikes


def simulate(
    scenario: Scenario | None = None, params: SpikeParameters | None = None
) -> SimulationResult:
    scenario = scenario or Scenario()
    params = params or SpikeParameters()
    rng = np.random.default_rng(scenario.seed)
    counts = background(scenario, rng)
    spikes = inject(counts, scenario, rng)
    by_series = {s.series: s for s in spikes}
    false_warnings = warnings = 0
    # The first scan day: the end of the warm-up, once a full baseline exists.
    first_day = max(scenario.warmup - 1, params.history_days - 1)
    for series in range(counts.shape[0]):
        spike = by_series.get(series)
        for raised, _end, _test in scan_series(counts[series], params, first_day=first_day):
            warnings += 1
            # A warning belongs to the spike when it is raised while the spike's
            # events are inside the window (from its first day to a window after its last).
            if (
                spike is not None
                and spike.start <= raised <= spike.start + spike.days - 1 + params.window_days - 1
            ):
                if spike.first_alarm is None:
                    spike.first_alarm = raised
                continue
            false_warnings += 1
    scanned_days = counts.shape[1] - first_day
    result = SimulationResult(
        scenario=scenario,
        params=params,
        spikes=spikes,
        false_warnings=false_warnings,
        place_days=scenario.places * scanned_days,
        series_days=counts.shape[0] * scanned_days,
        warnings=warnings,
    )
    for size in scenario.sizes:
        group = [s for s in spikes if s.extra == size]
        found = [s for s in group if s.first_alarm is not None]
        delays = [s.first_alarm - s.start for s in found]
        result.by_size[size] = {
            "spikes": len(group),
            "detected": len(found),
            "recall": len(found) / len(group) if group else 0.0,
            "median_delay_days": float(np.median(delays)) if delays else None,
        }
    return result
