"""The verdict on a whole session: can it be scored, and if not, why, in plain words.

One function, used by ``Analyzer.finish``; the checks run in order and the first that fails
decides (no person, then visibility, then a look-alike exercise, then the start posture, then the
camera view, then reps).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from formcheck.analysis.codes import Status
from formcheck.analysis.exercises.base import ExerciseSpec
from formcheck.analysis.lookalikes import Lookalike

SECOND_PERSON_CUE = "I can see more than one person. Ask others to step out of view so I follow only you."
CROWDED_SHARE = 0.2  # more than this share of frames with a second person earns a warning on the result


@dataclass(frozen=True)
class FrameTally:
    """What the frames of a session showed, counted (the inputs of the verdict)."""

    frames: int
    detected: int  # frames with a person
    visible: int  # ...with the exercise's joints in view
    crowded: int  # ...with more than one person
    ready_fraction: float  # share of visible frames in the start posture
    not_visible_messages: Counter[str]  # the visibility cue of each not-visible frame
    posture_messages: Counter[str]  # the start-posture cue of each visible frame out of position


def verdict(
    spec: ExerciseSpec, tally: FrameTally, view: str | None, reps_found: int, lookalike: Lookalike | None = None
) -> tuple[Status, str | None]:
    """The session's status and its message (None when there is nothing to say).

    ``lookalike``: a different exercise the clip was seen to show (lookalikes.py); it is named
    rather than counted, and rather than advice on the camera."""
    n, detected, visible = tally.frames, tally.detected, tally.visible
    if n == 0 or detected < max(1, 0.2 * n):
        # On randomised renders every clip refused this way had the phone 2.9-4 m away behind a
        # wide lens (docs/exercises.md): the body was too small in the picture for the model.
        return Status.NO_PERSON, (
            "No person was found in this clip. Film the whole body, well lit, with the phone about "
            "2 m away so that you fill most of the picture."
        )
    if visible < 0.3 * detected:
        msgs = tally.not_visible_messages
        return Status.NOT_VISIBLE, msgs.most_common(1)[0][0] if msgs else "The body is not fully in view."
    if lookalike is not None:
        return Status.WRONG_EXERCISE, lookalike.message(spec.title)
    if not reps_found and tally.ready_fraction < 0.2:
        cues = tally.posture_messages
        hint = f" ({cues.most_common(1)[0][0]})" if cues else ""
        return Status.WRONG_EXERCISE, spec.not_this_exercise + hint
    if view is not None and view not in spec.count_views:
        # Refuse rather than guess: in this view the pose model's numbers were not good
        # enough on test clips to count reps (see docs/exercises.md).
        advice = spec.view(spec.recommended_views[0]).advice
        return Status.WRONG_VIEW, f"From the {view} view I can't follow a {spec.title} reliably. {advice}"
    status, message = Status.OK, None
    if not reps_found:
        status, message = Status.NO_REPS, f"You were in position, but I saw no complete {spec.title} reps."
    if tally.crowded > CROWDED_SHARE * max(detected, 1):
        # The largest person is followed, so reps may still be right; say why they may not be.
        message = f"{SECOND_PERSON_CUE} Someone else was in view for part of this clip, so check these reps."
    return status, message
