"""What a synthetic clip should show: the exercise, its dose, the faults, the body, the camera.

Everything has a sensible default, so ``SynthSpec(exercise="bridge")`` is a complete clip.
Validation lives here so the CLI and the library give the same plain-worded errors.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

EXERCISES = ("bridge", "clamshell", "fire_hydrant")
# Camera positions per exercise (camera.py describes each); VIEWS is all names, in a stable order.
VIEWS_BY_EXERCISE: dict[str, tuple[str, ...]] = {
    "bridge": ("side", "front", "back", "oblique", "feet"),
    "clamshell": ("front", "floor", "back", "oblique", "feet"),
    "fire_hydrant": ("side", "front", "back", "oblique", "feet"),
}
VIEWS = ("side", "front", "back", "oblique", "feet", "floor")

# Fault codes per exercise, with magnitudes large enough that a faulty rep is unmistakable.
DEFAULT_FAULT_MAGNITUDES: dict[str, dict[str, float]] = {
    "bridge": {
        "pelvic_drop": 12.0,  # degrees the hip line tilts at the top (+ = patient's right hip lower, - = left)
        "hips_low": 25.0,  # degrees short of the clean top shoulder-hip-knee angle
        "knees_in": 8.0,  # cm each knee moves toward the midline at the top
    },
    "clamshell": {
        "pelvis_rollback": 20.0,  # degrees the top hip rolls backward about the body's long axis
        "feet_apart": 12.0,  # cm the top foot lifts off the bottom foot
        "small_opening": 20.0,  # degrees less opening between the thighs than a clean rep
    },
    "fire_hydrant": {
        "trunk_shift": 10.0,  # cm the shoulder midpoint moves away from the working leg
        "pelvic_tilt": 12.0,  # degrees the working-side hip hikes up
        "knee_extended": 45.0,  # degrees the working knee opens beyond 90
    },
}

# Views in which each exercise's metrics are trustworthy (see camera.py for what each view is).
RECOMMENDED_VIEWS: dict[str, tuple[str, ...]] = {
    # side for hip extension; oblique (halfway to the feet) for knees in. Not the feet end: from
    # there the raised knees hide the trunk and the pose model lost the body in most frames
    # (docs/exercises.md, "Glute bridge": "Not the feet end").
    "bridge": ("side", "oblique"),
    "clamshell": ("front",),  # in front of the patient, raised, looking down at the top hip and knee
    "fire_hydrant": ("back",),  # behind the patient, looking along the body
}

# Seconds to lift (and to lower) at tempo 1.0, per exercise. The seed article asks for control;
# 2 s up / 2 s down is the usual clamshell cue.
DEFAULT_MOVE_S = {"bridge": 1.5, "clamshell": 2.0, "fire_hydrant": 1.5}


@dataclass(frozen=True)
class SynthSpec:
    """Parameters of one synthetic clip. Angles in degrees, lengths in metres unless named _cm."""

    exercise: str = "bridge"
    reps: int = 5
    hold_s: float = 2.0
    side: str = "left"  # working leg; for bridges (bilateral) the body side facing a side camera
    view: str = ""  # camera position (camera.py); "" = the exercise's recommended view
    faults: dict[str, float] = field(default_factory=dict)
    fault_reps: tuple[int, ...] | None = None  # 0-based reps that carry the faults; None = all
    seed: int = 0
    # Timing
    fps: float = 30.0
    tempo: float = 1.0  # speed multiplier: 2.0 moves twice as fast as the default
    rest_s: float = 1.2  # pause at rest between reps
    lead_in_s: float = 1.0  # still in the start posture before the first rep and after the last
    variation: float = 1.0  # scale of rep-to-rep variation (0 = identical reps)
    rom: float = 1.0  # fraction of the exercise's normal range of motion
    move_s: float | None = None  # seconds to lift (and to lower), before tempo; None = the exercise's default
    rep_rom: tuple[float, ...] | None = None  # per-rep multiplier of rom (partial reps); None = all 1
    # Body
    height_m: float = 1.70
    build: float = 1.0
    # Proportions relative to a standard adult of height_m (1.0 = standard), body.py
    trunk_scale: float = 1.0
    thigh_scale: float = 1.0
    shank_scale: float = 1.0
    arm_scale: float = 1.0  # upper arm and forearm
    hip_width_m: float | None = None  # distance between hip joint centres; None = 0.22 m x height/1.70 x build
    girth: float = 1.0  # limb and trunk thickness
    skin_rgb: tuple[int, int, int] = (224, 172, 140)
    hair_rgb: tuple[int, int, int] = (60, 40, 28)
    shirt_rgb: tuple[int, int, int] = (40, 110, 190)
    pants_rgb: tuple[int, int, int] = (45, 45, 55)
    shoe_rgb: tuple[int, int, int] = (235, 235, 235)
    background_rgb: tuple[int, int, int] = (205, 200, 190)
    floor_rgb: tuple[int, int, int] = (150, 120, 90)
    mat_rgb: tuple[int, int, int] = (110, 160, 120)
    # Camera
    width: int = 640
    height: int = 480
    fov_deg: float = 62.0  # horizontal field of view, like a phone's main camera
    camera_distance_m: float | None = None  # horizontal distance to the body; None = frame it
    camera_height_m: float | None = None  # lens height above the floor; None = the view's default
    camera_azimuth_deg: float = 0.0  # turn the view's direction about the vertical (+ = counter-clockwise from above)
    camera_fit: bool = False  # with camera_distance_m: move back if the body would not fit in the frame
    # Image noise
    noise: float = 0.0  # gaussian pixel noise, standard deviation in 0-255 levels
    shake_deg: float = 0.0  # camera shake, standard deviation of the aim in degrees

    def __post_init__(self) -> None:
        if self.exercise not in EXERCISES:
            raise ValueError(f"unknown exercise {self.exercise!r}; choose one of {', '.join(EXERCISES)}")
        if not self.view:
            object.__setattr__(self, "view", RECOMMENDED_VIEWS[self.exercise][0])
        views = VIEWS_BY_EXERCISE[self.exercise]
        if self.view not in views:
            raise ValueError(f"{self.exercise} has no view {self.view!r}; choose one of {', '.join(views)}")
        if self.side not in ("left", "right"):
            raise ValueError("side must be 'left' or 'right'")
        allowed = DEFAULT_FAULT_MAGNITUDES[self.exercise]
        for code in self.faults:
            if code not in allowed:
                raise ValueError(f"{self.exercise} has no fault {code!r}; its faults are {', '.join(allowed)}")
        if self.reps < 1:
            raise ValueError("reps must be at least 1")
        if self.hold_s < 0 or self.rest_s < 0 or self.lead_in_s < 0:
            raise ValueError("hold, rest and lead-in times cannot be negative")
        if self.tempo <= 0 or self.fps <= 0:
            raise ValueError("tempo and fps must be positive")
        if not 0.1 <= self.rom <= 1.3:
            raise ValueError("rom must be between 0.1 and 1.3")
        if not 1.2 <= self.height_m <= 2.2:
            raise ValueError("body height must be between 1.2 and 2.2 m")
        for name in ("trunk_scale", "thigh_scale", "shank_scale", "arm_scale"):
            if not 0.7 <= getattr(self, name) <= 1.3:
                raise ValueError(f"{name} must be between 0.7 and 1.3")
        if self.hip_width_m is not None and not 0.10 <= self.hip_width_m <= 0.35:
            raise ValueError("hip width must be between 0.10 and 0.35 m")
        if not 0.6 <= self.girth <= 1.6:
            raise ValueError("girth must be between 0.6 and 1.6")
        if self.move_s is not None and not 0.2 <= self.move_s <= 5.0:
            raise ValueError("move time must be between 0.2 and 5 s")
        if not 20.0 <= self.fov_deg <= 130.0:
            raise ValueError("field of view must be between 20 and 130 degrees")
        if self.rep_rom is not None:
            object.__setattr__(self, "rep_rom", tuple(float(r) for r in self.rep_rom))
            if len(self.rep_rom) != self.reps:
                raise ValueError("rep_rom needs one value per rep")
            if not all(0.05 <= r * self.rom <= 1.3 for r in self.rep_rom):
                raise ValueError("rep_rom x rom must be between 0.05 and 1.3")
        if self.width < 64 or self.height < 64:
            raise ValueError("resolution must be at least 64x64")
        if self.fault_reps is not None:
            object.__setattr__(self, "fault_reps", tuple(int(i) for i in self.fault_reps))
            bad = [i for i in self.fault_reps if not 0 <= i < self.reps]
            if bad:
                raise ValueError(f"fault reps {bad} are outside 0..{self.reps - 1}")

    def rep_faults(self, rep: int) -> dict[str, float]:
        """Faults (code -> magnitude) that rep ``rep`` carries."""
        if self.fault_reps is not None and rep not in self.fault_reps:
            return {}
        return dict(self.faults)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["fault_reps"] = list(self.fault_reps) if self.fault_reps is not None else None
        d["rep_rom"] = list(self.rep_rom) if self.rep_rom is not None else None
        # Population knobs at their defaults are left out, so earlier specs and truth files (and
        # the benchmark caches keyed on them) read exactly as before.
        for name in POPULATION_FIELDS:
            if d[name] == _DEFAULTS[name]:
                del d[name]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SynthSpec:
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in names}
        for key in (
            "skin_rgb",
            "hair_rgb",
            "shirt_rgb",
            "pants_rgb",
            "shoe_rgb",
            "background_rgb",
            "floor_rgb",
            "mat_rgb",
        ):
            if key in kw:
                kw[key] = tuple(kw[key])
        for key in ("fault_reps", "rep_rom"):
            if kw.get(key) is not None:
                kw[key] = tuple(kw[key])
        return cls(**kw)


# Fields added for the randomised population (formcheck/synth/population.py).
POPULATION_FIELDS = (
    "move_s",
    "rep_rom",
    "trunk_scale",
    "thigh_scale",
    "shank_scale",
    "arm_scale",
    "hip_width_m",
    "girth",
    "camera_azimuth_deg",
    "camera_fit",
)
_DEFAULTS = {f.name: f.default for f in fields(SynthSpec)}
