"""The rep state machine and filters on hand-made angle signals (no pose model, no renderer)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.analysis.filters import OneEuroFilter, zero_phase_smooth
from formcheck.analysis.reps import RepCounter, RepThresholds, time_rep
from tests.rep_signals import count_reps

TH = RepThresholds(start_deg=10.0, end_deg=5.0, min_rom_deg=15.0, min_move_s=0.8)
FPS = 30.0


def ease(u: float) -> float:
    u = min(max(u, 0.0), 1.0)
    return 0.5 - 0.5 * math.cos(math.pi * u)


def rep_signal(
    reps: list[tuple[float, float, float, float]], rest: float, total: float
) -> tuple[np.ndarray, np.ndarray]:
    """(start, up_s, hold_s, down_s) reps of +50° cosine ramps over a rest level."""
    t = np.arange(int(total * FPS)) / FPS
    a = np.full_like(t, rest)
    for start, up, hold, down in reps:
        top, hold_end, end = start + up, start + up + hold, start + up + hold + down
        for i, tt in enumerate(t):
            if start <= tt < top:
                a[i] = rest + 50 * ease((tt - start) / up)
            elif top <= tt < hold_end:
                a[i] = rest + 50
            elif hold_end <= tt < end:
                a[i] = rest + 50 * ease(1 - (tt - hold_end) / down)
    return t, a


def count(t: np.ndarray, a: np.ndarray, ready: np.ndarray | None = None) -> list:
    c = RepCounter(TH)
    out = []
    for i in range(len(t)):
        r = c.update(float(t[i]), float(a[i]), True if ready is None else bool(ready[i]))
        if r is not None:
            out.append(r)
    return out


def test_counts_clean_reps_and_times_them() -> None:
    plan = [(1.0, 1.5, 2.0, 1.5), (7.5, 1.2, 3.0, 1.8), (15.0, 2.0, 0.5, 2.0)]
    t, a = rep_signal(plan, rest=125.0, total=21.0)
    reps = count(t, a)
    assert len(reps) == 3
    for raw, (start, up, hold, down) in zip(reps, plan, strict=True):
        lo = max(0, raw.start_index - 30)
        hi = min(len(t) - 1, raw.end_index + 30)
        timing = time_rep(t, a, lo, raw.peak_index, hi, raw.baseline)
        assert timing.start_s == pytest.approx(start, abs=0.08)
        assert timing.top_s == pytest.approx(start + up, abs=0.08)
        assert timing.time_at_top_s == pytest.approx(hold, abs=0.1)
        assert timing.end_s == pytest.approx(start + up + hold + down, abs=0.08)
        assert timing.peak_deg == pytest.approx(
            175.0, abs=1.0
        )  # the held level: a short hold pulls it ~1° under the max


def test_jitter_around_a_threshold_makes_no_phantom_reps() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(int(20 * FPS)) / FPS
    # Rest at 125° with the angle jittering +-6° around the start threshold (135°) after 5 s.
    a = np.where(t < 5, 125.0, 133.0) + rng.normal(0, 3.0, size=t.size)
    assert count(t, a) == []


def test_short_twitch_is_not_a_rep() -> None:
    t, a = rep_signal([(2.0, 0.2, 0.0, 0.2)], rest=125.0, total=5.0)  # 0.4 s up and down
    assert count(t, a) == []


def test_a_brisk_rep_without_a_hold_counts() -> None:
    """0.5 s up and 0.6 s down: it crosses the start line ~0.15 s in and is 65 % down 0.7 s
    later. Its duration runs from where the rise began (population renders: fire hydrants this
    brisk were dropped when it ran from the crossing)."""
    t, a = rep_signal([(2.0, 0.5, 0.0, 0.6)], rest=125.0, total=5.0)
    assert len(count(t, a)) == 1


def test_a_brief_collapse_at_the_top_does_not_split_the_rep() -> None:
    """The pose model losing the limb for a few frames (the angle falling to rest and back)
    must not end the rep; a real return to rest, held longer, does."""
    t, a = rep_signal([(1.0, 1.0, 2.0, 1.0)], rest=125.0, total=7.0)
    glitch = a.copy()
    glitch[(t >= 2.5) & (t < 2.5 + 0.15)] = 126.0  # 0.15 s at the rest level mid-hold
    assert len(count(t, glitch)) == 1
    split = a.copy()
    split[(t >= 2.5) & (t < 2.5 + 0.6)] = 126.0  # 0.6 s down: two movements
    assert len(count(t, split)) == 2


def test_small_movement_below_min_rom_is_not_a_rep() -> None:
    t, a = rep_signal([(2.0, 1.0, 1.0, 1.0)], rest=125.0, total=6.0)
    a = 125.0 + (a - 125.0) * 0.25  # 12.5° peak < min_rom 15°
    assert count(t, a) == []


def test_no_counting_until_ready() -> None:
    plan = [(1.0, 1.0, 1.0, 1.0), (6.0, 1.0, 1.0, 1.0)]
    t, a = rep_signal(plan, rest=125.0, total=10.0)
    ready = t > 4.5  # getting into position during the first "rep"
    assert len(count(t, a, ready)) == 1


def test_rep_survives_noise_with_smoothing() -> None:
    rng = np.random.default_rng(1)
    plan = [(1.0, 1.5, 2.0, 1.5), (8.0, 1.5, 2.0, 1.5)]
    t, a = rep_signal(plan, rest=125.0, total=13.0)
    noisy = a + rng.normal(0, 2.5, size=a.size)
    assert len(count(t, noisy)) == 2
    smooth = zero_phase_smooth(noisy, FPS)
    reps = count(t, smooth)
    assert len(reps) == 2
    timing = time_rep(t, smooth, 0, reps[0].peak_index, reps[0].end_index + 30, reps[0].baseline)
    assert timing.time_at_top_s == pytest.approx(2.0, abs=0.3)


def test_one_euro_reduces_jitter_and_follows_motion() -> None:
    rng = np.random.default_rng(2)
    t = np.arange(300) / FPS
    clean = np.where(t < 5, 0.0, 50.0 * np.minimum(1, (t - 5) / 1.0))
    noisy = clean + rng.normal(0, 1.0, size=t.size)
    f = OneEuroFilter(min_cutoff=1.5, beta=0.3)
    out = np.array([f(np.array([v]), tt)[0] for v, tt in zip(noisy, t, strict=True)])
    assert np.std(out[30:140] - clean[30:140]) < 0.6 * np.std(noisy[30:140] - clean[30:140])
    assert abs(out[-1] - 50.0) < 2.0


def test_zero_phase_smoothing_keeps_gaps() -> None:
    y = np.linspace(0, 10, 100)
    y[40:70] = np.nan  # a 1 s gap is not filled
    out = zero_phase_smooth(y, FPS)
    assert np.isnan(out[50]) and np.isfinite(out[10]) and np.isfinite(out[90])


def test_rest_medians_match_numpy_nanmedian_including_joints_never_seen():
    import warnings

    from formcheck.analysis.rep_analysis import column_nanmedian

    rng = np.random.default_rng(7)
    for rows in (1, 2, 3, 8, 45):
        values = rng.normal(size=(rows, 5))
        values[rng.random(values.shape) < 0.3] = np.nan
        values[:, 4] = np.nan  # a series with no value at rest
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            expected = np.nanmedian(values, axis=0)
        got = column_nanmedian(values)
        assert np.isnan(got[4])
        np.testing.assert_allclose(got, expected, equal_nan=True)


def test_a_rep_ends_only_back_in_the_start_posture() -> None:
    """The pose model can misread the top of a rep as another pose for seconds (renders: an
    oblique bridge read with straight knees and the hip angle 55° down for the whole hold). Out
    of the start posture the fall is not a return to rest: one rep, ending at the real lowering."""
    t, a = rep_signal([(1.0, 1.0, 4.0, 1.0)], rest=125.0, total=9.0)
    misread = (t >= 1.8) & (t < 5.0)
    a = np.where(misread, 128.0, a)  # the angle near rest while the posture reads wrong
    in_pos = ~misread
    reps = count_reps(TH, t, a, in_pos)
    assert len(reps) == 1
    assert 6.0 <= t[reps[0].end_index] <= 7.0  # during the real lowering
    # ...and the misread top is known, so its hold is neither timed nor judged (rep_analysis).
    assert reps[0].misread_s == pytest.approx(5.0 - 1.8, abs=0.1)
