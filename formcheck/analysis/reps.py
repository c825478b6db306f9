"""The rep state machine (online) and the timing of a finished rep (retrospective).

Online, a rep is a rise of the primary angle away from the rest baseline and back. Two
thresholds give hysteresis (a rep starts above ``start_deg`` and ends only below the lower
``end_deg``), and a rep must last ``min_move_s`` and rise ``min_rom_deg`` to count, so an angle
jittering around one threshold cannot make phantom reps (docs/design.md §4). Nothing is counted
until the engine says the patient is in the start posture (``ready``).

When a rep ends, its timing is measured on the stored samples. Each ramp (up, down) is
treated as a smooth S-shaped movement: its 50 % crossing is its middle, and its 10-90 % rise
time is 0.6 of its duration. That 0.6 holds within 2 % for the usual models of a human
point-to-point movement (minimum-jerk 0.59, cosine 0.59, smoothstep 0.61), so start, top,
end and the hold follow from three crossings each without a threshold that leaks ramp time
into the hold.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from formcheck.analysis.codes import Phase

RISE_10_90_FRACTION = 0.6
NOT_READY_REST_S = 1.0
# Live: the top is reached once the angle has stopped climbing for this long (a slow lift does
# not "hold" on its way up; renders: the bridge hold timer started ~1 s early without it).
TOP_SETTLE_S = 0.15
NOT_READY_MOVING_S = 6.0
# A posture lost at rest and found again within this many seconds, the angle up since: a lift.
LIFT_UPSETS_POSTURE_S = 3.0
# Back at rest though above the end line: the angle has settled this long, well below the peak.
# The end line hangs on the rest level, which the first frames of a clip can misjudge (renders:
# a bridge whose tracker read 49° for a moment before settling at its true 96° rest; 96° stayed
# above that rest's end line and three reps merged into one).
SETTLED_REST_S = 1.0


READY_AFTER_S = 0.3  # start posture held this long before counting (ignores single-frame flukes)
# A gap in the pose this short (frames without a person, or without the needed joints) neither
# restarts that confirmation nor forgets the set-up samples. A small or far person is often
# found only in every other frame while they settle (renders: a bridge whose first lift began
# before detection steadied was never counted, because each empty frame restarted the 0.3 s).
READY_GAP_S = 0.25


class PoseGaps:
    """Whether frames without a pose, lasting over READY_GAP_S, came before this one with a pose.
    A slow clip's frames are no gap, however far apart (a 14-frame GIF's are 0.3 s)."""

    def __init__(self) -> None:
        self._last_seen: float | None = None
        self._missed = False  # frames without a pose since the last one with

    def missing(self) -> None:
        self._missed = True

    def seen(self, t: float) -> bool:
        gap = self._missed and self._last_seen is not None and t - self._last_seen > READY_GAP_S
        self._last_seen, self._missed = t, False
        return gap


class ReadyClock:
    """Whether the start posture has been held long enough to count, frame by frame."""

    def __init__(self) -> None:
        self._since: float | None = None
        self._gaps = PoseGaps()

    def missing(self) -> None:
        """A frame without a pose."""
        self._gaps.missing()

    def update(self, t: float, in_position: bool) -> bool:
        """A frame with a pose: is the patient ready?"""
        gap = self._gaps.seen(t)
        if not in_position:
            self._since = None
            return False
        if self._since is None or gap:
            self._since = t
        return t - self._since >= READY_AFTER_S


@dataclass(frozen=True)
class RepThresholds:
    """Degrees above the rest baseline, and seconds; each exercise justifies its numbers."""

    start_deg: float  # a rep starts when the angle rises this far above rest
    end_deg: float  # ...and ends when it falls back below this (hysteresis: < start_deg)
    min_rom_deg: float  # a movement that peaks lower than this above rest is not a rep
    min_move_s: float  # a rep shorter than this (from the start of its rise to back near rest) is jitter
    min_rest_s: float = 0.2  # time back at rest before the next rep may start
    # A rep ends only once the angle has stayed low this long: the pose model sometimes loses a
    # limb for a few frames at the top (renders: the fire hydrant's thigh swinging towards an
    # oblique camera collapsed from 30° to 15° for ~0.3 s), which must not split the rep.
    end_confirm_s: float = 0.25
    top_fraction: float = 0.1  # live display: within this share of the ROM from the peak = holding
    end_fraction: float = 0.35  # ...or once back below this share of the rep's range above rest


@dataclass(frozen=True)
class RawRep:
    """A counted rep as the state machine saw it: sample indices and rest level."""

    start_index: int
    peak_index: int
    end_index: int
    baseline: float
    # The longest stretch of the rep read as half-way down or lower while out of the start
    # posture (seconds): the pose model misreading the top, where the hold cannot be timed.
    misread_s: float = 0.0


@dataclass(frozen=True)
class RepTiming:
    start_s: float
    top_s: float  # the top is reached: the hold starts
    hold_end_s: float  # the lowering starts
    end_s: float
    peak_deg: float
    peak_s: float
    baseline_deg: float
    up_s: float
    down_s: float
    time_at_top_s: float


class RepCounter:
    """Feed (t, angle, ready) one sample at a time; returns a RawRep when one is completed."""

    def __init__(self, thresholds: RepThresholds) -> None:
        self.th = thresholds
        self.state: Phase = Phase.SETUP
        self.baseline: float | None = None
        self.peak = -np.inf
        self.index = -1
        self._rest_samples: deque[tuple[float, float]] = deque()
        self._rest_since: float | None = None
        self._start_index = 0
        self._start_t = 0.0  # when the angle crossed the start line
        self._rise_t = 0.0  # when that rise began (its last low point): a rep's duration runs from here
        self._peak_index = 0
        self._hold_since: float | None = None
        self._rising_t = 0.0  # when this rep began to rise (live: the top comes at least TOP_SETTLE_S later)
        self._climb: deque[tuple[float, float]] = deque()  # (t, angle) over the last TOP_SETTLE_S
        self._not_ready_since: float | None = None
        self._below: tuple[int, float] | None = None  # (index, t) where the angle fell back low
        self._misread_since: float | None = None  # out of position and reading low since
        self._misread_s = 0.0  # the longest such stretch in this rep
        self._recent: deque[tuple[int, float, float]] = deque(maxlen=400)  # (index, angle, t)
        self._setup: list[tuple[int, float]] = []  # (index, angle) in position, before ready
        self._last: tuple[int, float, float] | None = None  # (index, t, angle) of the last sample
        self._gaps = PoseGaps()
        self._settle: deque[tuple[int, float, float]] = deque()  # (index, t, angle) over the last SETTLED_REST_S
        self._lost_rest: tuple[float, float] | None = None  # (t, baseline) when rest fell back to set-up

    # -- live read-outs ------------------------------------------------------------------------
    @property
    def moving(self) -> bool:
        return self.state.moving

    def in_rest_band(self, angle: float) -> bool:
        """True when the angle is back at the rest level, not on the tail of the last lowering
        (the state machine returns to rest partway down, to split reps whose dip stays high)."""
        return self.baseline is not None and bool(angle < self.baseline + self.th.end_deg)

    def update(self, t: float, angle: float, ready: bool, in_position: bool | None = None) -> RawRep | None:
        """One sample. ``ready``: the start posture has been held long enough to count;
        ``in_position``: the start posture is seen in this frame (default: ``ready``)."""
        self.index += 1
        i = self.index
        if not np.isfinite(angle):
            # A gap (no person / not visible): a rep in progress survives short gaps only.
            if self.moving and t - self._start_t > 10.0:
                self._to_rest(t, None)
            self._gaps.missing()
            return None
        after_gap = self._gaps.seen(t)
        self._recent.append((i, angle, t))
        self._last = (i, t, angle)
        if self.state == Phase.SETUP:
            if after_gap:
                self._setup.clear()
            if not (ready if in_position is None else in_position):
                self._setup.clear()
                return None
            self._setup.append((i, angle))
            if ready:
                self._from_setup(i, t, angle)
            return None
        if not ready:
            if self._not_ready_since is None:
                self._not_ready_since = t
            # Out of position for a while (e.g. standing up): back to set-up. A rep in progress
            # gets longer, because a lift itself can upset the posture read-outs briefly.
            limit = NOT_READY_MOVING_S if self.moving else NOT_READY_REST_S
            if t - self._not_ready_since > limit:
                if self.state == Phase.REST and self.baseline is not None:
                    self._lost_rest = (self._not_ready_since, self.baseline)
                self.state: Phase = Phase.SETUP
                self._hold_since = None
                return None
        else:
            self._not_ready_since = None
        assert self.baseline is not None
        if self.state == Phase.REST:
            # The rest level follows samples inside the rest band only, so a slow lift (a 2 s
            # clamshell) does not drag the baseline up with it and hide its own start.
            if angle < self.baseline + self.th.end_deg:
                self._rest_samples.append((t, angle))
            while self._rest_samples and self._rest_samples[0][0] < t - 2.0:
                self._rest_samples.popleft()
            if self._rest_samples:
                self.baseline = float(np.median([a for _, a in self._rest_samples]))
            rested = self._rest_since is None or t - self._rest_since >= self.th.min_rest_s
            if angle > self.baseline + self.th.start_deg and rested and ready:
                self._begin_rep(self._rise_start(i), i, t, angle)
            return None
        # moving
        if angle > self.peak:
            self.peak, self._peak_index = angle, i
        rom = self.peak - self.baseline
        band = max(2.0, self.th.top_fraction * rom)
        # Holding: near the peak, and no longer climbing over the last TOP_SETTLE_S (else a slow
        # lift would "hold" on its way up).
        self._climb.append((t, angle))
        while self._climb and self._climb[0][0] < t - TOP_SETTLE_S:
            self._climb.popleft()
        climbed = angle - min(a for _, a in self._climb)
        settled = t - self._rising_t >= TOP_SETTLE_S and climbed <= max(1.0, 0.03 * rom)
        if angle >= self.peak - band and rom >= self.th.min_rom_deg and (settled or self.state == Phase.HOLD):
            if self.state == Phase.UP:
                self.state = Phase.HOLD
                self._hold_since = t
        elif self.state == Phase.HOLD:
            self.state = Phase.DOWN
            self._hold_since = None
        # A rep ends once the angle is back near rest: below the fixed end threshold, or 65 % of
        # the way down from this rep's peak, whichever is higher. The model's rest level wanders
        # by a few degrees between reps (renders: up to 5° for a clamshell), and a fixed line
        # alone would merge two reps whose dip between them stays above it.
        end_level = self.baseline + max(self.th.end_deg, self.th.end_fraction * rom)
        # ...and only in the start posture: a rep ends by returning to where it started. The
        # pose model can misread the top of a rep as another pose for seconds (renders: a bridge
        # filmed obliquely read with straight knees below the hips and the hip angle 55° down
        # for the whole hold), which is out of the start posture and must not end the rep there.
        back = ready if in_position is None else in_position
        if not back and angle < self.baseline + 0.5 * rom:
            self._misread_since = t if self._misread_since is None else self._misread_since
            self._misread_s = max(self._misread_s, t - self._misread_since)
        else:
            self._misread_since = None
        self._settle.append((i, t, angle))
        while self._settle and self._settle[0][1] < t - SETTLED_REST_S:
            self._settle.popleft()
        if angle >= end_level and back and self._settled_low(t, rom):
            return self._end_settled(rom)
        if angle >= end_level or not back:
            self._below = None
            return None
        if self._below is None:
            self._below = (i, t)
        end_i, end_t = self._below
        if t - end_t < self.th.end_confirm_s:
            return None
        rep = self._counted(rom, end_i, end_t)
        self._to_rest(t, angle)
        return rep

    def _counted(self, rom: float, end_i: int, end_t: float) -> RawRep | None:
        """The rep ending at sample ``end_i`` (time ``end_t``), if it rose and lasted enough.

        Timed from where the rise began, not from the start-line crossing: a brisk rep (0.5 s
        up, no hold, 0.6 s down) crosses the start line ~0.1 s in and is 65 % down ~0.7 s later,
        which a 0.8 s minimum from the crossing threw away (population renders: fire hydrants
        from behind counted one rep short).
        """
        if rom >= self.th.min_rom_deg and end_t - self._rise_t >= self.th.min_move_s:
            return RawRep(self._start_index, self._peak_index, end_i, self.baseline, self._misread_s)
        return None

    def _settled_low(self, t: float, rom: float) -> bool:
        """The last SETTLED_REST_S of samples lie flat and clearly below this rep's peak (a
        hold is within ``top_fraction`` of it; ``end_fraction`` of the range is clear of that)."""
        if len(self._settle) < 3 or t - self._settle[0][1] < SETTLED_REST_S - 1e-6:
            return False
        values = [a for _, _, a in self._settle]
        flat = max(values) - min(values) <= max(2.0, 0.05 * rom)
        low = max(values) < self.peak - max(self.th.end_fraction * rom, self.th.min_rom_deg)
        return flat and low and rom >= self.th.min_rom_deg

    def _end_settled(self, rom: float) -> RawRep | None:
        """End the rep where the angle settled, and take that level as the rest from now on."""
        end_i, end_t, _ = self._settle[0]
        level = float(np.median([a for _, _, a in self._settle]))
        rep = self._counted(rom, end_i, end_t)
        last_t = self._settle[-1][1]
        self._to_rest(last_t, level)
        self.baseline = level
        return rep

    def _from_setup(self, i: int, t: float, angle: float) -> None:
        """The start posture has just been confirmed. Its rest level is the lowest angle seen
        since the posture appeared, not the angle now: a trimmed clip may start at rest and lift
        within the confirmation time (real bridge clips: the first lift 0.1-0.2 s in), and that
        first rep must count. A lift already under way starts a rep at once; getting onto the
        floor is never in the start posture, so it is never a rep."""
        low_i, low = min(self._setup, key=lambda p: p[1])
        self._setup.clear()
        lost, self._lost_rest = self._lost_rest, None
        if lost is not None and t - lost[0] <= LIFT_UPSETS_POSTURE_S and angle > lost[1] + self.th.start_deg:
            # The posture was lost at rest a moment ago and the angle has risen since: a lift
            # upset the posture read-outs (renders: fire hydrants whose first lift read as off
            # the hands and knees for ~1 s). It is a rep from the rest level before the loss.
            self.state = Phase.REST
            self.baseline = lost[1]
            self._rest_samples.clear()
            self._begin_rep(self._rise_start(i), i, t, angle)
            return
        self.state = Phase.REST
        self.baseline = low
        self._rest_samples.clear()
        self._rest_samples.append((t, low))
        self._rest_since = t - self.th.min_rest_s  # rested since the posture appeared
        if angle > low + self.th.start_deg:
            self._begin_rep(low_i, i, t, angle)

    def _begin_rep(self, start_index: int, i: int, t: float, angle: float) -> None:
        """A lift has started (from rest, or already under way when the posture was confirmed)."""
        self.state = Phase.UP
        self._settle.clear()
        self._misread_since, self._misread_s = None, 0.0
        self._start_index = start_index
        self._start_t = t
        self._rise_t = next((tj for j, _, tj in reversed(self._recent) if j == start_index), t)
        self._rising_t = t
        self.peak, self._peak_index = angle, i

    def flush(self) -> RawRep | None:
        """The clip has ended: a rep that reached its top and was at least half-way down again
        is counted (a clip cut during the last lowering; real bridge: 14° above rest at the end)."""
        if not self.moving or self._last is None or self.baseline is None:
            return None
        i, t, angle = self._last
        rom = self.peak - self.baseline
        rep = None
        if (
            rom >= self.th.min_rom_deg
            and angle < self.peak - 0.5 * rom
            and t - self._rise_t >= self.th.min_move_s
            and i > self._peak_index
        ):
            rep = RawRep(self._start_index, self._peak_index, i, self.baseline, self._misread_s)
        self._to_rest(t, angle)
        return rep

    def _to_rest(self, t: float, angle: float | None) -> None:
        self.state = Phase.REST
        self._hold_since = None
        self._below = None
        self._rest_since = t
        self._rest_samples.clear()
        if angle is not None:
            self._rest_samples.append((t, angle))
        self.peak = -np.inf

    def _rise_start(self, i: int) -> int:
        """Walk back from the threshold crossing to where the rise began (the last low point)."""
        best_i, best_a = i, np.inf
        for j, a, _ in reversed(self._recent):
            if a < best_a:
                best_i, best_a = j, a
            elif a > best_a + 1.0:
                break
            if i - j > 90:
                break
        return best_i


def _crossing(t: np.ndarray, a: np.ndarray, level: float, lo: int, hi: int, rising: bool, last: bool) -> float | None:
    """Interpolated time where ``a`` crosses ``level`` within [lo, hi]; the first or last crossing."""
    idx = range(hi, lo, -1) if last else range(lo + 1, hi + 1)
    for k in idx:
        a0, a1 = a[k - 1], a[k]
        if not (np.isfinite(a0) and np.isfinite(a1)):
            continue
        hit = (a0 < level <= a1) if rising else (a0 > level >= a1)
        if hit:
            f = (level - a0) / (a1 - a0) if a1 != a0 else 0.0
            return float(t[k - 1] + f * (t[k] - t[k - 1]))
    return None


def time_rep(t: np.ndarray, a: np.ndarray, lo: int, peak: int, hi: int, baseline: float) -> RepTiming:
    """Start, top, end and hold of one rep from the samples between ``lo`` and ``hi``.

    ``lo``/``hi`` should include some rest before and after the movement but no other rep;
    ``peak`` is the index of the rep's highest sample (the state machine tracks it).
    """
    base_up = float(np.nanmin(a[lo : peak + 1])) if peak > lo else baseline
    base_dn = float(np.nanmin(a[peak : hi + 1])) if hi > peak else baseline
    base_up = min(base_up, baseline) if np.isfinite(baseline) else base_up
    # The top is the level the rep was held at: the median of the samples in the top fifth of
    # the range, not the single highest sample, which may be a pose-model glitch at the moment
    # the movement reverses (renders: +7° for one or two frames).
    seg = a[lo : hi + 1]
    seg = seg[np.isfinite(seg)]
    high = float(a[peak])
    near_top = seg[seg >= base_up + 0.8 * (high - base_up)]
    peak_deg = float(np.median(near_top)) if near_top.size else high
    amp_up = max(peak_deg - base_up, 1e-6)
    amp_dn = max(peak_deg - base_dn, 1e-6)

    def ramp(rising: bool) -> tuple[float, float]:
        base, amp = (base_up, amp_up) if rising else (base_dn, amp_dn)
        lvl = {f: base + f * amp for f in (0.1, 0.5, 0.9)}
        if rising:
            # the last rise through each level before the peak
            t90 = _crossing(t, a, lvl[0.9], lo, peak, True, last=True)
            t50 = _crossing(t, a, lvl[0.5], lo, peak, True, last=True)
            t10 = _crossing(t, a, lvl[0.1], lo, peak, True, last=True)
        else:
            # the last fall through 90 % (the hold may wobble), then the first falls below it
            t90 = _crossing(t, a, lvl[0.9], peak, hi, False, last=True)
            k90 = peak if t90 is None else int(np.searchsorted(t, t90)) - 1
            t50 = _crossing(t, a, lvl[0.5], max(k90, peak), hi, False, last=False)
            k50 = peak if t50 is None else int(np.searchsorted(t, t50)) - 1
            t10 = _crossing(t, a, lvl[0.1], max(k50, peak), hi, False, last=False)
        t_peak = float(t[peak])
        t50 = t50 if t50 is not None else t_peak
        dur = 2.0 * abs(t_peak - t50) if t10 is None or t90 is None else abs(t90 - t10) / RISE_10_90_FRACTION
        return t50, dur

    u50, up = ramp(True)
    d50, dn = ramp(False)
    start_s, top_s = u50 - up / 2, u50 + up / 2
    hold_end_s, end_s = d50 - dn / 2, d50 + dn / 2
    if hold_end_s < top_s:  # no hold: the two ramps meet at the peak
        top_s = hold_end_s = float(np.clip(t[peak], u50, d50))
    return RepTiming(
        start_s=float(start_s),
        top_s=float(top_s),
        hold_end_s=float(hold_end_s),
        end_s=float(end_s),
        peak_deg=peak_deg,
        peak_s=float(t[peak]),
        baseline_deg=float(base_up),
        up_s=float(top_s - start_s),
        down_s=float(end_s - hold_end_s),
        time_at_top_s=float(max(0.0, hold_end_s - top_s)),
    )
