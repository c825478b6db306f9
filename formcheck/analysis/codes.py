"""The analysis' fixed vocabularies as string enums.

Each member *is* its string (``Status.OK == "ok"``), so JSON, CSV and comparisons with plain
strings are unchanged; the enums give one place to read every value and let type checkers
and editors catch typos. Fault codes are not here: each exercise defines its own.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """What became of a whole session (``SessionResult.status``)."""

    OK = "ok"
    NO_PERSON = "no_person"
    NOT_VISIBLE = "not_visible"
    WRONG_EXERCISE = "wrong_exercise"
    WRONG_VIEW = "wrong_view"
    NO_REPS = "no_reps"

    @property
    def unreadable(self) -> bool:
        """The clip could not be read at all: no reps are reported (never invented)."""
        return self in UNREADABLE


UNREADABLE = frozenset({Status.NO_PERSON, Status.NOT_VISIBLE, Status.WRONG_EXERCISE, Status.WRONG_VIEW})


class LiveStatus(StrEnum):
    """What the analyzer can do with this frame (``LiveState.status``)."""

    OK = "ok"  # in position (or moving): reps are being counted
    SETUP = "setup"  # seen, but not yet in the start position
    NO_PERSON = "no_person"
    NOT_VISIBLE = "not_visible"


class Phase(StrEnum):
    """The rep state machine's state (reps.RepCounter)."""

    SETUP = "setup"  # waiting for the start position
    REST = "rest"
    UP = "up"
    HOLD = "hold"
    DOWN = "down"

    @property
    def moving(self) -> bool:
        return self in (Phase.UP, Phase.HOLD, Phase.DOWN)


class CueCode(StrEnum):
    """Codes of the live cues that are not form faults (those carry the fault's own code)."""

    NO_PERSON = "no_person"
    VISIBILITY = "visibility"
    POSITION = "position"
    CAMERA = "camera"
    PEOPLE = "people"
    HOLD = "hold"  # the hold countdown at the top: "Hold... 3"
    LOWER = "lower"  # the hold is done: "Lower slowly"


class View(StrEnum):
    """The analyzer's camera views, named from the patient's body (views.py).

    The renderer (formcheck.synth) names its camera placements in its own words, per
    exercise; the two vocabularies overlap but are not the same. For example the renderer's
    bridge ``front`` is a high camera beside the patient, which the analyzer classifies as
    ``side``. docs/design.md ("View names") has the table.
    """

    SIDE = "side"
    OBLIQUE = "oblique"
    FEET = "feet"
    HEAD = "head"
    FRONT = "front"
    BACK = "back"
