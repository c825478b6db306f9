"""Exercise analysis: pose frames in, reps, holds, angles, faults and cues out.

from formcheck.analysis import Analyzer
analyzer = Analyzer("bridge")            # side="auto", live=False
for frame in pose_frames:
    state = analyzer.update(frame)       # LiveState: what to show now
result = analyzer.finish()               # SessionResult: reps, summary, JSON/CSV export
"""

from __future__ import annotations

from formcheck.analysis.engine import Analyzer
from formcheck.analysis.exercises import EXERCISES, get_exercise
from formcheck.analysis.result import LiveState, RepResult, SessionResult


def analyze_frames(frames, exercise: str, side: str = "auto", source: str = "") -> SessionResult:
    """Run a whole sequence of PoseFrames through one Analyzer (a file is a loop over it)."""
    analyzer = Analyzer(exercise, side=side, live=False, source=source)
    for frame in frames:
        analyzer.update(frame)
    return analyzer.finish()


__all__ = ["EXERCISES", "Analyzer", "LiveState", "RepResult", "SessionResult", "analyze_frames", "get_exercise"]
