"""Spoken cues and a beep per rep, in the browser: a patient on the floor 2-3 m from the screen
hears what to do instead of reading small text.

The browser's own speech synthesis and Web Audio do the work (no network, no cloud voice), in the
page, never on the video thread. The snippet runs in a same-origin component frame and speaks
through the top page, which the user has already clicked (Start), so browsers allow the sound.
Each announcement carries a serial number and is spoken once: Streamlit re-sends the same frame
unchanged, and only a new serial speaks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import streamlit.components.v1 as components

SCRIPT = """
<div id="say" data-serial="{serial}" data-text="{text_attr}" style="display:none"></div>
<script>
(function () {{
  const page = window.parent || window;
  const said = page.__formcheckSaid || (page.__formcheckSaid = {{}});
  const serial = {serial_json};
  if (said[serial] !== undefined) return;
  const text = {text_json};
  said[serial] = text;
  const beep = {beep_json};
  try {{
    if (beep) {{
      const Ctx = page.AudioContext || page.webkitAudioContext;
      const ctx = page.__formcheckAudio || (page.__formcheckAudio = new Ctx());
      const osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.2;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.15);
    }}
    if (text && page.speechSynthesis) {{
      page.speechSynthesis.cancel();
      const u = new page.SpeechSynthesisUtterance(text);
      u.rate = 1.0; u.volume = 1.0;
      page.speechSynthesis.speak(u);
    }}
  }} catch (e) {{ /* no audio device: the cue is still on screen */ }}
}})();
</script>
"""


@dataclass
class Announcer:
    """Decides what to say: a new cue once, and a beep with the tally when a rep is counted."""

    serial: int = 0
    last_cue: str | None = None
    last_reps: int = 0

    def next(self, cue: str | None, reps: int) -> tuple[str, bool] | None:
        """(text, beep) to announce now, or None when nothing changed."""
        text, beep = "", False
        if reps > self.last_reps:
            text, beep = f"{reps}.", True
        self.last_reps = max(self.last_reps, reps)
        if cue and cue != self.last_cue:
            text = f"{text} {cue}".strip()
        self.last_cue = cue
        if not text:
            return None
        self.serial += 1
        return text, beep


def announce(text: str, beep: bool, serial: int) -> None:
    """Emit the snippet (an invisible component): speaks ``text`` once, after an optional beep."""
    html = SCRIPT.format(
        serial=serial,
        serial_json=json.dumps(str(serial)),
        text_attr=text.replace('"', "&quot;").replace("<", "&lt;"),
        text_json=json.dumps(text).replace("</", "<\\/"),
        beep_json=json.dumps(beep),
    )
    components.html(html, height=0)
