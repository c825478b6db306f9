"""Look-alike exercises: when a clip shows a different exercise, say which one.

A donkey kick analysed as a fire hydrant, or a squat analysed as a bridge, is not a camera
problem, and "move the camera" is the wrong advice. Each exercise lists the look-alikes it is
most easily confused with (``ExerciseSpec.lookalikes``); the engine computes the few per-frame
read-outs below for every frame in view, and at the end of the clip the first look-alike whose
signature is seen for long enough names the exercise (status ``wrong_exercise``, no reps).

The signatures are physical, not fitted to a clip, and are held for at least ``MIN_SEEN_S``:

- **Standing** (squat, standing side leg raise, lateral band walk): the hips are at least 70 % of
  a leg length above the lower foot, the trunk at least 50° from level and both knees open wider
  than 100°, for most of the clip. On hands and knees the hips are ~40 % (a thigh above the
  knee), lying ~0-30 %, and the knees are bent ~90°: the knee test keeps a fire hydrant filmed
  from behind, whose trunk the model can read as raised, from being called standing.
- **On all fours** (for the next two): hips 20-65 % of a leg above the lower foot, the knees at
  least half a thigh below the hips, the trunk within 35° of level.
- **Donkey kick**: on all fours, a thigh swings *backwards* along the trunk, in the image plane
  of a side view (the knee behind the hip by more than a third of a trunk length, a thigh ~25°
  past vertical). A fire hydrant's thigh swings out towards the lens and stays under the hip.
- **Bird dog**: on all fours, a wrist reaches forward of its shoulder by more than a third of
  a trunk length (the hands of a fire hydrant stay under the shoulders).
- **Lying leg raise**: both knees straight and both feet above the hips (a bridge keeps the
  feet on the floor and the knees bent).

Measured on public real clips (benchmarks/real_footage.py, docs/exercises.md has the numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from formcheck.analysis.body import SIDES, WORLD_UP, Body
from formcheck.analysis.geometry import angle_at, unit

Series = Mapping[str, np.ndarray]  # per-frame series by key, plus "t"

MIN_SEEN_S = 0.5  # a signature must be seen this long in total (a few frames are noise)
STANDING_SHARE = 0.5  # ...and standing, for at least this share of the frames in view
STAND_MIN = 0.7  # hip height above the lower foot, in leg lengths, to count as standing
# ...with the trunk at least this far from level. Real standing clips: median 57-74°, and at 50°
# 71-91 % of their frames still pass (the rule needs half). A phone looking down from behind tips a
# fire hydrant's level trunk up: from 1.3 m it read 40-46° (tune pop0-098, called standing at 40°);
# on the tune half no fire hydrant from behind had more than a fifth of its frames above 50°
# (benchmarks/accuracy.py --population 120 --split tune).
UPRIGHT_DEG = 50.0
STANDING_KNEE_DEG = 100.0  # ...and both knees open wider than this (a squat bends them less only at the bottom)
ALL_FOURS = (0.2, 0.65)  # the same read-out on hands and knees (measured 0.26-0.49 on real clips)
REACH_MIN = 0.35  # trunk lengths: a wrist or a knee this far ahead/behind counts as reaching/kicking

KEYS = (
    "la_stand",
    "la_knee_min",
    "la_leg_tilt_max",
    "la_leg_tilt_min",
    "la_hip_x",
    "la_thigh_back",
    "la_arm_reach",
    "la_trunk_up",
    "la_knee_drop",
)


def _length(body: Body, side: str, a: str, b: str) -> float:
    return float(np.linalg.norm(body.j3(side, b) - body.j3(side, a)))


def features(body: Body) -> dict[str, float]:
    """The per-frame read-outs the signatures use (NaN where they cannot be computed).

    Heights are along the camera's up in MediaPipe's world landmarks, not the floor fit of the
    exercise (``Axes.up``): that fit assumes the exercise's own floor contacts, and for a person
    standing it produced a bogus floor on a real clip. A phone looking down tilts this up (renders
    from a camera 1.2 m up behind a fire hydrant: hips 0.67 leg lengths above the feet instead
    of ~0.45), so standing also needs an upright trunk. The reaches are in the image, along the
    image trunk, in trunk lengths.
    """
    nan = float("nan")
    up = WORLD_UP
    out = dict.fromkeys(KEYS, nan)
    legs = {s: _length(body, s, "hip", "knee") + _length(body, s, "knee", "ankle") for s in SIDES}
    if min(legs.values()) > 1e-6:
        out["la_stand"] = max(float(np.dot(body.j3(s, "hip") - body.j3(s, "ankle"), up)) / legs[s] for s in SIDES)
        down = [float(np.dot(unit(body.j3(s, "ankle") - body.j3(s, "hip")), -up)) for s in SIDES]
        tilt = [float(np.degrees(np.arccos(np.clip(d, -1.0, 1.0)))) for d in down]
        out["la_leg_tilt_max"], out["la_leg_tilt_min"] = max(tilt), min(tilt)
    thigh = np.mean([_length(body, s, "hip", "knee") for s in SIDES])
    if thigh > 1e-6:
        out["la_knee_drop"] = float(np.dot(body.mid3("hip") - body.mid3("knee"), up)) / float(thigh)
    trunk3 = body.mid3("shoulder") - body.mid3("hip")
    if np.linalg.norm(trunk3) > 1e-6:
        out["la_trunk_up"] = float(np.degrees(np.arcsin(np.clip(np.dot(unit(trunk3), up), -1.0, 1.0))))
    out["la_knee_min"] = min(angle_at(body.j3(s, "hip"), body.j3(s, "knee"), body.j3(s, "ankle")) for s in SIDES)
    trunk = body.mid2("shoulder") - body.mid2("hip")
    length = float(np.linalg.norm(trunk))
    if length > 1.0:
        u = trunk / length
        out["la_hip_x"] = float(body.mid2("hip")[0]) / length
        knee_back = [float(np.dot(body.j2(s, "knee") - body.j2(s, "hip"), -u)) for s in SIDES]
        wrist_ahead = [float(np.dot(body.j2(s, "wrist") - body.j2(s, "shoulder"), u)) for s in SIDES]
        out["la_thigh_back"] = max(knee_back) / length
        out["la_arm_reach"] = max(wrist_ahead) / length
    return out


@dataclass(frozen=True)
class Lookalike:
    """A different exercise that can be mistaken for this one, and how to recognise it."""

    name: str  # "donkey kick": in the message
    why: str  # what was seen, in plain words: "your thigh swung backwards"
    seen: Callable[[Series], bool]  # the signature, over the clip's per-frame read-outs
    views: frozenset[str] = frozenset()  # views in which the signature is valid (empty: any)

    def message(self, title: str) -> str:
        article = "an" if self.name[:1] in "aeiou" else "a"
        return f"This looks like {article} {self.name}, not a {title}: {self.why}. I counted no reps."

    def spotted(self, s: Series, view: str | None) -> bool:
        if self.views and view not in self.views:
            return False
        return self.seen(s)


def _seconds(s: Series, mask: np.ndarray) -> float:
    t = s["t"]
    if len(t) < 2:
        return 0.0
    dt = float(np.median(np.diff(t)))
    return float(np.count_nonzero(mask)) * dt


def _v(s: Series, key: str) -> np.ndarray:
    return np.asarray(s[key], float)


def _in_view(s: Series) -> np.ndarray:
    return np.isfinite(_v(s, "la_stand"))


def standing(s: Series) -> bool:
    """Standing for most of the frames in view."""
    seen = _in_view(s)
    if not seen.any():
        return False
    with np.errstate(invalid="ignore"):
        up = (
            (_v(s, "la_stand") >= STAND_MIN)
            & (_v(s, "la_trunk_up") >= UPRIGHT_DEG)
            & (_v(s, "la_knee_min") >= STANDING_KNEE_DEG)
        )
    return float(np.count_nonzero(up & seen)) >= STANDING_SHARE * float(np.count_nonzero(seen))


def _squat(s: Series) -> bool:
    """Standing, and the hips go down by at least a quarter of a leg length with the knees bending."""
    if not standing(s):
        return False
    stand = _v(s, "la_stand")[_in_view(s)]
    knee = _v(s, "la_knee_min")
    knee = knee[np.isfinite(knee)]
    if not (stand.size and knee.size):
        return False
    return bool(np.percentile(stand, 95) - np.percentile(stand, 5) >= 0.25 and np.percentile(knee, 5) < 110)


def _side_leg_raise(s: Series) -> bool:
    """Standing on one straight leg while the other leg is out at more than 45° from vertical."""
    if not standing(s):
        return False
    with np.errstate(invalid="ignore"):
        out = (_v(s, "la_leg_tilt_max") > 45.0) & (_v(s, "la_leg_tilt_min") < 20.0)
    return _seconds(s, out) >= MIN_SEEN_S


def _band_walk(s: Series) -> bool:
    """Standing and travelling sideways across the picture by more than two trunk lengths."""
    if not standing(s):
        return False
    x = _v(s, "la_hip_x")
    x = x[np.isfinite(x)]
    return bool(x.size and np.percentile(x, 95) - np.percentile(x, 5) > 2.0)


def _on_all_fours(s: Series) -> np.ndarray:
    """Hips a thigh's height above the floor, knees below them, trunk near level (a bridge's top
    has its knees above the hips, a squat's trunk is upright)."""
    stand = _v(s, "la_stand")
    with np.errstate(invalid="ignore"):
        return (
            (stand > ALL_FOURS[0])
            & (stand < ALL_FOURS[1])
            & (_v(s, "la_knee_drop") > 0.5)
            & (np.abs(_v(s, "la_trunk_up")) < 35.0)
        )


def _bird_dog(s: Series) -> bool:
    with np.errstate(invalid="ignore"):
        reach = _on_all_fours(s) & (_v(s, "la_arm_reach") > REACH_MIN)
    return _seconds(s, reach) >= MIN_SEEN_S


def _donkey_kick(s: Series) -> bool:
    with np.errstate(invalid="ignore"):
        kick = _on_all_fours(s) & (_v(s, "la_thigh_back") > REACH_MIN)
    return _seconds(s, kick) >= MIN_SEEN_S


def _lying_leg_raise(s: Series) -> bool:
    """Both feet above the hips (by a fifth of a leg) with both knees nearly straight."""
    with np.errstate(invalid="ignore"):
        up = (_v(s, "la_stand") < -0.2) & (_v(s, "la_knee_min") > 140.0)
    return _seconds(s, up) >= 2 * MIN_SEEN_S


SQUAT = Lookalike("squat", "you were standing and your hips went down and up", _squat)
STANDING_SIDE_LEG_RAISE = Lookalike(
    "standing side leg raise", "you were standing and lifted one straight leg out to the side", _side_leg_raise
)
LATERAL_BAND_WALK = Lookalike("lateral band walk", "you were standing and stepping sideways", _band_walk)
STANDING_EXERCISE = Lookalike("standing exercise", "you were standing for most of the clip", standing)
# Standing look-alikes, most specific first: every floor exercise lists them.
STANDING = (SQUAT, STANDING_SIDE_LEG_RAISE, LATERAL_BAND_WALK, STANDING_EXERCISE)
# The image-plane reaches are read along the trunk, which only a side view shows broadside (from the
# oblique view a fire hydrant's thigh swinging out reads as 0.4 trunk lengths "back" on renders).
BROADSIDE = frozenset({"side"})
BIRD_DOG = Lookalike(
    "bird dog", "an arm reached forward off the floor (in a fire hydrant both hands stay down)", _bird_dog, BROADSIDE
)
DONKEY_KICK = Lookalike(
    "donkey kick",
    "your thigh swung backwards (in a fire hydrant the bent knee lifts out to the side)",
    _donkey_kick,
    BROADSIDE,
)
LYING_LEG_RAISE = Lookalike(
    "lying leg raise",
    "your legs were straight and lifted off the floor (a bridge keeps the feet down)",
    _lying_leg_raise,
)


def spotted(lookalikes: tuple[Lookalike, ...], s: Series, view: str | None) -> Lookalike | None:
    """The first look-alike whose signature the clip shows, or None."""
    for la in lookalikes:
        if la.spotted(s, view):
            return la
    return None
