"""The spike test itself (pure arithmetic): tails, thresholds, and the day-by-day scan."""

from __future__ import annotations

import math

import numpy as np
import pytest

from civicloop.hotspots.spikes import (
    NEGATIVE_BINOMIAL,
    POISSON,
    SpikeParameters,
    evaluate_window,
    nbinom_sf,
    poisson_sf,
    same_spike,
    scan_series,
    upper_threshold,
)


def test_poisson_tail_matches_the_closed_form():
    mu = 0.6
    below = sum(math.exp(-mu) * mu**k / math.factorial(k) for k in range(3))
    assert poisson_sf(3, mu) == pytest.approx(1 - below, rel=1e-12)
    assert poisson_sf(0, mu) == 1.0
    assert poisson_sf(40, 2.0) == pytest.approx(0.0, abs=1e-30)


def test_negative_binomial_tail_is_heavier_than_poisson_with_the_same_mean():
    assert nbinom_sf(8, 3.0, 2.0) > poisson_sf(8, 3.0)
    # With a huge size the negative binomial is the Poisson.
    assert nbinom_sf(8, 3.0, 1e7) == pytest.approx(poisson_sf(8, 3.0), rel=1e-4)


def test_the_threshold_is_the_smallest_count_rare_enough():
    t = upper_threshold(3.0, 0.001)
    assert poisson_sf(t, 3.0) <= 0.001 < poisson_sf(t - 1, 3.0)


def test_a_quiet_place_needs_the_minimum_count_before_anything_is_raised():
    params = SpikeParameters()
    assert not evaluate_window([0] * 28, 2, params).raised
    result = evaluate_window([0] * 28, 3, params)
    assert result.raised and result.threshold == 3 and result.method == POISSON
    assert result.expected == pytest.approx(0.5 / 28 * 3)
    assert result.score > 3


def test_a_bursty_baseline_is_modelled_as_negative_binomial_and_raises_later():
    params = SpikeParameters()
    calm = evaluate_window([1] * 28, 6, params)
    bursty = evaluate_window([0, 0, 0, 4] * 7, 6, params)
    assert calm.method == POISSON and bursty.method == NEGATIVE_BINOMIAL
    assert calm.expected == pytest.approx(bursty.expected)
    assert bursty.threshold > calm.threshold


def test_a_flat_series_raises_nothing_in_a_year():
    counts = np.full(400, 2)
    assert scan_series(counts) == []


def test_an_injected_spike_is_raised_once_on_its_first_day_and_extended_while_it_lasts():
    counts = np.full(120, 1)
    counts[80:83] += 10  # three busy days
    warnings = scan_series(counts)
    assert len(warnings) == 1
    raised, last_end, result = warnings[0]
    assert raised == 80 and last_end >= 82
    assert result.observed >= result.threshold


def test_windows_that_meet_belong_to_the_same_spike():
    assert same_spike(previous_end=10, new_start=11)
    assert same_spike(previous_end=10, new_start=9)
    assert not same_spike(previous_end=10, new_start=12)
