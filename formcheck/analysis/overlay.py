"""The analysis drawn on a frame: skeleton, the key angle at its joint, reps, hold timer, cue.

Built on ``formcheck.annotate.draw_skeleton``. ``draw_state`` draws one ``LiveState`` (the
webcam uses it as is): ``draw_measures`` (what the frame itself shows) plus ``draw_bands`` (reps,
hold, cue). A file's video gets only ``draw_measures``, drawn while the model runs; its bands'
words come from the final result, known only at the clip's end, so they travel as captions
(captions.py), and ``timeline`` rewrites the live states with the final reps and holds, so the
video and the JSON report never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from formcheck.analysis.codes import CueCode, LiveStatus, Phase
from formcheck.analysis.result import LiveState, RepResult, SessionResult
from formcheck.annotate import draw_skeleton
from formcheck.landmarks import side_landmark
from formcheck.pose_types import PoseFrame

TEXT = (255, 255, 255)
PANEL = (20, 20, 20)
GOOD = (90, 220, 120)
WARN = (255, 200, 60)
BAD = (255, 90, 90)
FONT = cv2.FONT_HERSHEY_SIMPLEX


def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float, colour=TEXT, thick: int = 1) -> None:
    cv2.putText(img, text, org, FONT, scale, (0, 0, 0), thick + 2, cv2.LINE_AA)
    cv2.putText(img, text, org, FONT, scale, colour, thick, cv2.LINE_AA)


def _key_joint(pose: PoseFrame, side: str | None) -> tuple[int, int] | None:
    """Where the primary angle sits: the hip (working hip, or between the hips)."""
    if not pose.detected:
        return None
    if side in ("left", "right"):
        p = pose.pixel(side_landmark(side, "hip"))
    else:
        p = 0.5 * (pose.pixel(side_landmark("left", "hip")) + pose.pixel(side_landmark("right", "hip")))
    return int(p[0]), int(p[1])


# Readable from the floor 2-3 m away: the key numbers and the cue at least this share of the
# frame height, light on a solid dark band (no translucency: video compression smears it).
TEXT_SHARE = 0.065
MIN_CHARS_PER_LINE = 18  # a portrait frame narrows the text rather than cut a word


def _fit_scale(h: int, w: int) -> tuple[float, int]:
    """Font scale and thickness for text TEXT_SHARE of the height, narrowed to fit the width."""
    (cw, ch), _ = cv2.getTextSize("M", FONT, 1.0, 2)
    scale = min(TEXT_SHARE * h / ch, w / (cw * 0.85 * MIN_CHARS_PER_LINE))
    return scale, max(2, int(round(scale * 2)))


def _wrap_to_width(text: str, width: int, scale: float, thick: int) -> list[str]:
    """Greedy word wrap measured in pixels, so a line fills the band without running off it."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and cv2.getTextSize(candidate, FONT, scale, thick)[0][0] <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _band(img: np.ndarray, top: int, bottom: int) -> None:
    # cv2 fills in ~1/8 of the time numpy takes to broadcast a colour over the rows.
    if bottom > max(0, top):
        cv2.rectangle(img, (0, max(0, top)), (img.shape[1] - 1, bottom - 1), PANEL, thickness=-1)


PELVIS = (80, 220, 255)
# The pelvis metric of each exercise (whichever the state carries), drawn on the hip line.
PELVIS_KEYS = ("pelvis_rollback_deg", "pelvic_tilt_deg", "pelvic_drop_deg")
PELVIS_LABELS = {"pelvis_rollback_deg": "pelvis roll", "pelvic_tilt_deg": "hip hike", "pelvic_drop_deg": "hip drop"}


def _draw_pelvis(out: np.ndarray, pose: PoseFrame, state: LiveState, s: float) -> None:
    """The hip line, and the pelvis number with its unit where this view measures it."""
    if not pose.detected:
        return
    a = pose.pixel(side_landmark("left", "hip"))
    b = pose.pixel(side_landmark("right", "hip"))
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return
    pa, pb = (int(a[0]), int(a[1])), (int(b[0]), int(b[1]))
    cv2.line(out, pa, pb, PELVIS, max(2, int(3 * s)), cv2.LINE_AA)
    for p in (pa, pb):
        cv2.circle(out, p, max(3, int(5 * s)), PELVIS, -1, cv2.LINE_AA)
    key = next((k for k in PELVIS_KEYS if state.values.get(k) is not None), None)
    if key is None:
        return
    mid = (int(0.5 * (a[0] + b[0])), int(0.5 * (a[1] + b[1])))
    label = f"{PELVIS_LABELS[key]} {state.values[key]:+.0f} deg"
    _text(out, label, (mid[0] - int(60 * s), mid[1] + int(34 * s)), 0.7 * s, PELVIS, max(1, int(2 * s)))


@dataclass(frozen=True)
class BandText:
    """What the bands say for one state: the webcam draws it, the file video's captions carry it."""

    reps: str  # "Reps 3", or "Reps L 2  R 1"
    hold: str  # "Hold 1.4 s", or "Hold -" where the view cannot time holds
    holding: bool
    cue: str | None


def band_text(state: LiveState) -> BandText:
    if state.reps and set(state.reps) != {"both"}:
        reps = "  ".join(f"{k[0].upper()} {v}" for k, v in state.reps.items())
    else:
        reps = str(sum(state.reps.values())) if state.reps else "0"
    hold = f"Hold {state.hold_s:.1f} s" if np.isfinite(state.hold_s) else "Hold -"
    return BandText(f"Reps {reps}", hold, state.phase == "hold", state.cue or None)


def draw_measures(image: np.ndarray, pose: PoseFrame, state: LiveState, in_place: bool = False) -> np.ndarray:
    """RGB frame with what this frame alone shows: skeleton, hip line and the key angle at its joint
    (drawn on a copy, or on ``image`` itself if ``in_place``)."""
    out = draw_skeleton(image, pose, in_place)
    h, w = out.shape[:2]
    scale, thick = _fit_scale(h, w)
    (_, text_h), _ = cv2.getTextSize("Reps 0", FONT, scale, thick)
    _draw_pelvis(out, pose, state, scale * 0.5)
    # Key angle at its joint (secondary to the bands: half size).
    angle = state.values.get(state.primary_key)
    joint = _key_joint(pose, state.side)
    if joint is not None:
        small = scale * 0.5
        cv2.circle(out, joint, int(text_h * 0.5), WARN, max(2, thick // 2), cv2.LINE_AA)
        label = f"{angle:.0f} deg" if angle is not None else "angle: n/a"
        _text(out, label, (joint[0] + int(text_h * 0.6), joint[1] - int(text_h * 0.4)), small, WARN, max(1, thick // 2))
    return out


def draw_bands(out: np.ndarray, state: LiveState) -> np.ndarray:
    """Draw on ``out``: reps and hold timer in the top band, the one cue in the bottom band."""
    h, w = out.shape[:2]
    scale, thick = _fit_scale(h, w)
    (_, text_h), base = cv2.getTextSize("Reps 0", FONT, scale, thick)
    pad = max(4, int(text_h * 0.35))
    text = band_text(state)
    band_h = text_h + base + 2 * pad
    _band(out, 0, band_h)
    _text(out, text.reps, (pad, pad + text_h), scale, TEXT, thick)
    (hold_w, _), _ = cv2.getTextSize(text.hold, FONT, scale, thick)
    _text(out, text.hold, (w - hold_w - pad, pad + text_h), scale, GOOD if text.holding else TEXT, thick)
    if text.cue:
        if state.cue_code in (CueCode.HOLD, CueCode.LOWER):
            colour = GOOD
        else:
            colour = WARN if state.cue_code in (CueCode.CAMERA, CueCode.POSITION) else BAD
        lines = _wrap_to_width(text.cue, w - 2 * pad, scale, thick)
        if len(lines) > 3:
            lines = [*lines[:2], lines[2] + "..."]
        line_h = text_h + base + pad
        top = h - len(lines) * line_h - pad
        _band(out, top, h)
        for i, line in enumerate(lines):
            _text(out, line, (pad, top + pad + text_h + i * line_h), scale, colour, thick)
    return out


def draw_state(image: np.ndarray, pose: PoseFrame, state: LiveState) -> np.ndarray:
    """RGB frame with the skeleton and the analysis of this moment drawn on (the webcam's view)."""
    return draw_bands(draw_measures(image, pose, state), state)


def timeline(result: SessionResult, states: list[LiveState], cue_after_rep_s: float = 2.5) -> list[LiveState]:
    """Live states made consistent with the final result (reps, holds, phases, fault cues)."""
    out = []
    reps = result.reps
    for st in states:
        t = st.t
        counts = dict.fromkeys(st.reps, 0)
        phase, hold, side = st.phase, 0.0, st.side
        cue, code = st.cue, st.cue_code
        for r in reps:
            if r.end_s <= t:
                counts[r.side] = counts.get(r.side, 0) + 1
                side = r.side
                if t - r.end_s <= cue_after_rep_s and r.faults and code not in (CueCode.NO_PERSON, CueCode.VISIBILITY):
                    cue, code = r.faults[0].cue, r.faults[0].code
            elif r.start_s <= t:
                side = r.side
                if t < r.top_s:
                    phase = Phase.UP
                elif t <= r.hold_end_s:
                    phase = Phase.HOLD
                    hold = _hold_so_far(r, t)
                else:
                    phase = Phase.DOWN
        if st.status in (LiveStatus.NO_PERSON, LiveStatus.NOT_VISIBLE):
            phase = st.phase
        elif Phase(st.phase).moving and phase == st.phase:
            pass
        elif not any(r.start_s <= t < r.end_s for r in reps) and st.status == LiveStatus.OK:
            phase = Phase.REST
        out.append(replace(st, reps=counts, phase=phase, hold_s=round(hold, 1), side=side, cue=cue, cue_code=code))
    return out


def _hold_so_far(rep: RepResult, t: float) -> float:
    """Seconds held so far in this rep; NaN (shown as a dash) where the view cannot time holds."""
    if rep.hold_s is None:
        return float("nan")
    return min(t - rep.top_s, rep.hold_s) if rep.time_at_top_s else 0.0
