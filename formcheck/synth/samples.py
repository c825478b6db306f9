"""Regenerate the committed sample clips: ``python -m formcheck.synth.samples [OUT_DIR]``.

Each sample is a short clip plus its truth JSON; sample_videos/README.md says what each shows.
"""

from __future__ import annotations

import sys
from pathlib import Path

from formcheck.synth.clip import render_clip
from formcheck.synth.spec import SynthSpec

SAMPLES: dict[str, tuple[SynthSpec, str]] = {
    "bridge_clean_side": (
        SynthSpec(exercise="bridge", reps=2, hold_s=2.0, view="side", side="left", seed=11),
        "Clean glute bridge seen from the patient's left: hips lift until shoulders, hips and knees "
        "form a straight line (~173 deg), held 2 s, lowered with control. 2 reps.",
    ),
    "bridge_pelvic_drop_feet": (
        SynthSpec(exercise="bridge", reps=2, hold_s=2.0, view="feet", faults={"pelvic_drop": 12.0}, seed=12),
        "Bridge from the feet end (camera high, looking down the body). Both reps: the patient's right "
        "hip drops, the hip line tilts 12 deg at the top.",
    ),
    "clamshell_clean_front": (
        SynthSpec(exercise="clamshell", reps=2, hold_s=1.5, view="front", side="left", seed=21),
        "Clean clamshell lying on the right side, left knee opening to ~40 deg with the feet together, "
        "2 s up / 2 s down, phone on the floor facing the patient. 2 reps.",
    ),
    "clamshell_pelvis_rollback_front": (
        SynthSpec(exercise="clamshell", reps=2, hold_s=1.5, view="front", faults={"pelvis_rollback": 20.0}, seed=22),
        "Clamshell where the top hip rolls backward by 20 deg as the knee opens (the article's "
        '"without shifting your pelvis" is broken). 2 reps.',
    ),
    "fire_hydrant_clean_back": (
        SynthSpec(exercise="fire_hydrant", reps=2, hold_s=2.0, view="back", side="left", seed=31),
        "Clean fire hydrant seen from behind: tabletop, left knee bent 90 deg swings out to ~52 deg, "
        "trunk steady. 2 reps.",
    ),
    "fire_hydrant_trunk_shift_back": (
        SynthSpec(exercise="fire_hydrant", reps=2, hold_s=2.0, view="back", faults={"trunk_shift": 10.0}, seed=32),
        "Fire hydrant from behind where the shoulders shift 10 cm away from the working (left) leg as it "
        "lifts. 2 reps.",
    ),
    "fire_hydrant_knee_extended_side": (
        SynthSpec(
            exercise="fire_hydrant",
            reps=2,
            hold_s=2.0,
            view="side",
            faults={"knee_extended": 45.0},
            fault_reps=(1,),
            seed=33,
        ),
        "Fire hydrant from the working (left) side. Rep 1 is clean; in rep 2 the knee straightens to "
        "~132 deg instead of staying at 90.",
    ),
}


def regenerate(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (spec, _what) in SAMPLES.items():
        path = out_dir / f"{name}.mp4"
        render_clip(spec, path)
        written.append(path)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "sample_videos"
    regenerate(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
