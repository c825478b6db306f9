"""The "Live coaching" tab: webcam frames through the same analyzer as files, cues on screen.

streamlit-webrtc runs the frame callback on its own thread, so the callback only talks to the
LiveCoach (which locks its state); this script thread polls the coach to show reps and cues.
No STUN/TURN servers are configured: the browser and this app talk directly on this machine.
"""

from __future__ import annotations

import math
import time

import av
import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from formcheck.analysis import Analyzer, LiveState
from formcheck.analysis.overlay import draw_state
from formcheck.live import LiveCoach
from formcheck.ui.common import ExerciseChoice, patient_prescription
from formcheck.ui.report import show_result
from formcheck.ui.result_actions import result_downloads, save, save_form
from formcheck.ui.speech import Announcer, announce

POLL_S = 0.5


def _coach(choice: ExerciseChoice) -> LiveCoach[LiveState]:
    key = f"{choice.exercise}/{choice.side}"
    if st.session_state.get("coach_key") != key:
        st.session_state["coach_key"] = key
        st.session_state["coach"] = LiveCoach(Analyzer(choice.exercise, side=choice.side, live=True), draw_state)
    return st.session_state["coach"]


def render(choice: ExerciseChoice) -> None:
    st.markdown(f"**Set up:** {choice.camera_howto} Then press **Start** and get into position.")
    if not st.toggle("Use my webcam", key="use_webcam", help="The video is analysed on this computer only."):
        return
    speak = st.toggle(
        "Speak cues, beep at each rep",
        value=True,
        key="speak",
        help="Your browser's own voice, on this computer: nothing is sent anywhere.",
    )
    coach = _coach(choice)

    def on_frame(frame: av.VideoFrame) -> av.VideoFrame:
        annotated = coach.process(frame.to_ndarray(format="rgb24"))
        return av.VideoFrame.from_ndarray(annotated, format="rgb24")

    ctx = webrtc_streamer(
        key=f"live-{choice.exercise}",
        mode=WebRtcMode.SENDRECV,
        video_frame_callback=on_frame,
        rtc_configuration={"iceServers": []},
        media_stream_constraints={"video": {"width": 640, "height": 480}, "audio": False},
    )
    panel = st.empty()
    announcer = st.session_state.setdefault(f"announcer-{id(coach)}", Announcer())  # one per live session
    while ctx.state.playing:
        _show_snapshot(panel, coach, announcer if speak else None)
        time.sleep(POLL_S)
    snapshot = coach.snapshot()
    if snapshot.frames and not ctx.state.playing:
        result = coach.finish()
        st.session_state.pop("coach_key", None)  # the next Start begins a fresh session
        st.session_state["live_result"] = (result, False)
    _show_finished_session(choice)


def _show_finished_session(choice: ExerciseChoice) -> None:
    """After Stop: the session's report, saved for the named patient, and its downloads."""
    stored = st.session_state.get("live_result")
    if stored is None:
        return
    result, saved = stored
    st.subheader("This session")
    show_result(result, prescription=patient_prescription(choice.patient, result.exercise))
    if choice.patient and result.reps and not saved:
        saved = save(choice.patient, result)  # the patient named at the top: saved at Stop, once
        st.session_state["live_result"] = (result, True)
    result_downloads(result, key="live")
    if not saved:
        save_form(result, choice.patient, key="live")


def _show_snapshot(panel, coach: LiveCoach[LiveState], announcer: Announcer | None) -> None:
    snap = coach.snapshot()
    with panel.container():
        if snap.seconds_since_frame is None:
            st.info("Waiting for the camera… allow camera access in your browser if it asks.")
            return
        if snap.stalled:
            st.warning(
                "The camera stopped sending video. Check that it is plugged in and not used by another app, "
                "then press Stop and Start again. Your reps so far are kept."
            )
        state = snap.state
        if state is None:
            return
        cols = st.columns(len(state.reps) + 2)
        for col, (side, n) in zip(cols, state.reps.items(), strict=False):
            col.metric({"both": "Reps"}.get(side, f"{side.capitalize()} leg"), n)
        cols[-2].metric(
            "Hold",
            f"{state.hold_s:.1f} s" if math.isfinite(state.hold_s) else "–",
            help=None if math.isfinite(state.hold_s) else "Hold time cannot be measured from this camera view.",
        )
        cols[-1].metric("Frames/s", f"{snap.fps:.0f}")
        if state.cue and state.cue_code == "position":
            st.info(state.cue)
        elif state.cue:
            st.warning(state.cue)
        said = announcer.next(state.cue, sum(state.reps.values())) if announcer else None
        if said:
            announce(*said, serial=announcer.serial)
