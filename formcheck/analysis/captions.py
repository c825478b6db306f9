"""The file video's reps, hold timer and cues as WebVTT captions, from the final result.

Why captions rather than pixels: the result is final only once the whole clip is read, but
drawing and encoding a frame costs about as much CPU as the pose model (720p; README,
*Performance*), so it has to happen while the model runs, before the result exists. The
picture carries what each frame shows by itself (skeleton, key angle); the words that depend on
the result are timed text, which the browser (and VLC, mpv...) shows over the video. Two cue
streams keep the webcam's layout: reps and hold at the top, the form cue at the bottom.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from formcheck.analysis.overlay import band_text, timeline
from formcheck.analysis.result import LiveState, SessionResult

TOP = "line:0 align:center"  # WebVTT cue settings: the first line of the picture
BOTTOM = "align:center"  # the default place: the bottom of the picture


@dataclass
class Cue:
    start_s: float
    end_s: float
    text: str
    settings: str


def _stamp(seconds: float) -> str:
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cues(result: SessionResult, states: Iterable[LiveState], fps: float) -> Iterator[Cue]:
    """Merged runs of identical text, timed by frame index at ``fps`` (the annotated video's clock).

    ``states`` are the live states in frame order (one per frame); each is made final alone.
    """
    frame_s = 1.0 / (fps or 30.0)
    open_: dict[str, Cue | None] = {TOP: None, BOTTOM: None}
    i = -1
    for i, live in enumerate(states):
        state = timeline(result, [live])[0]
        text = band_text(state)
        now = {TOP: f"{text.reps}   {text.hold}", BOTTOM: text.cue}
        t = i * frame_s
        for place, words in now.items():
            cue = open_[place]
            if cue is not None and cue.text == words:
                continue
            if cue is not None:
                cue.end_s = t
                yield cue
            open_[place] = Cue(t, t, words, place) if words else None
    end = (i + 1) * frame_s
    for cue in open_.values():
        if cue is not None:
            cue.end_s = end
            yield cue


def webvtt(result: SessionResult, states: Iterable[LiveState], fps: float) -> str:
    """The WebVTT file text (https://www.w3.org/TR/webvtt1/); cues sorted by start time."""
    blocks = ["WEBVTT"]
    for cue in sorted(cues(result, states, fps), key=lambda c: (c.start_s, c.settings != TOP)):
        blocks.append(f"{_stamp(cue.start_s)} --> {_stamp(cue.end_s)} {cue.settings}\n{_escape(cue.text)}")
    return "\n\n".join(blocks) + "\n"
