"""The mannequin's surface: capsules and ellipsoids hung on the skeleton, with colours.

Shapes are kept as flat numpy arrays (one row per primitive) so the renderer can loop over
them cheaply. The face (eyes, brows, nose, mouth), ears and hair are small ellipsoids placed
with the same offsets as the face landmarks, because a figure without a face is not
recognised as a person by BlazePose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from formcheck.synth.body import Body, Skeleton, face_points, foot_points, hand_points
from formcheck.synth.geometry import unit


@dataclass(frozen=True)
class Palette:
    """Colours as RGB 0-255."""

    skin: tuple[int, int, int] = (224, 172, 140)
    hair: tuple[int, int, int] = (60, 40, 28)
    shirt: tuple[int, int, int] = (40, 110, 190)
    pants: tuple[int, int, int] = (45, 45, 55)
    shoes: tuple[int, int, int] = (235, 235, 235)

    def rgb(self, name: str) -> np.ndarray:
        extra = {
            "sclera": (245, 245, 240),
            "iris": (40, 30, 25),
            "lips": (170, 85, 80),
            "brow": tuple(int(c * 0.8) for c in self.hair),
        }
        value = getattr(self, name) if hasattr(self, name) else extra[name]
        return np.asarray(value, dtype=float) / 255.0


@dataclass
class Shapes:
    """Primitives of one posed body."""

    cap_a: list[np.ndarray] = field(default_factory=list)
    cap_b: list[np.ndarray] = field(default_factory=list)
    cap_r: list[float] = field(default_factory=list)
    cap_rgb: list[np.ndarray] = field(default_factory=list)
    ell_c: list[np.ndarray] = field(default_factory=list)
    ell_axes: list[np.ndarray] = field(default_factory=list)  # 3x3, columns = unit axes
    ell_r: list[np.ndarray] = field(default_factory=list)
    ell_rgb: list[np.ndarray] = field(default_factory=list)

    def capsule(self, a: np.ndarray, b: np.ndarray, r: float, rgb: np.ndarray) -> None:
        self.cap_a.append(np.asarray(a, float))
        self.cap_b.append(np.asarray(b, float))
        self.cap_r.append(float(r))
        self.cap_rgb.append(rgb)

    def ellipsoid(self, c: np.ndarray, axes: np.ndarray, radii, rgb: np.ndarray) -> None:
        self.ell_c.append(np.asarray(c, float))
        self.ell_axes.append(np.asarray(axes, float))
        self.ell_r.append(np.asarray(radii, float))
        self.ell_rgb.append(rgb)

    def sphere(self, c: np.ndarray, r: float, rgb: np.ndarray) -> None:
        self.capsule(c, c, r, rgb)


def _trunk_frame(skel: Skeleton) -> np.ndarray:
    """Columns (anterior, left, superior) of the chest."""
    sup = unit(skel.mid("shoulder") - skel.mid("hip"))
    left = skel["l_shoulder"] - skel["r_shoulder"]
    left = unit(left - np.dot(left, sup) * sup)
    return np.column_stack([np.cross(left, sup), left, sup])


def body_shapes(skel: Skeleton, body: Body, pal: Palette) -> Shapes:
    k, bw = body.k, body.k * body.build * body.girth
    s = Shapes()
    skin, shirt, pants, shoes = pal.rgb("skin"), pal.rgb("shirt"), pal.rgb("pants"), pal.rgb("shoes")

    # Trunk: chest, waist and pelvis ellipsoids.
    hip_mid, sh_mid = skel.mid("hip"), skel.mid("shoulder")
    tf = _trunk_frame(skel)
    s.ellipsoid(
        hip_mid + (sh_mid - hip_mid) * 0.70, tf, np.array([0.105, body.shoulder_half + 0.035, 0.20]) * [bw, 1, k], shirt
    )
    s.ellipsoid(hip_mid + (sh_mid - hip_mid) * 0.38, tf, np.array([0.095, 0.14 * bw, 0.17 * k]) * [bw, 1, 1], shirt)
    pf = skel.frames.get("pelvis", tf)
    s.ellipsoid(hip_mid + pf[:, 2] * 0.03 * k, pf, np.array([0.105 * bw, body.hip_half + 0.06 * bw, 0.13 * k]), pants)
    for side, other in (("l", "r"), ("r", "l")):
        # Deltoid: a little inside the joint centre so the shoulders round off instead of bulging.
        sh = skel[f"{side}_shoulder"]
        s.sphere(sh + (skel[f"{other}_shoulder"] - sh) * 0.06, 0.052 * bw, shirt)

    # Arms: short sleeve, bare forearm, hand with a thumb.
    for side in ("l", "r"):
        sh, el, wr = skel[f"{side}_shoulder"], skel[f"{side}_elbow"], skel[f"{side}_wrist"]
        sleeve_end = sh + (el - sh) * 0.45
        s.capsule(sh, sleeve_end, body.r("upper_arm") * 1.15, shirt)
        s.capsule(sleeve_end, el, body.r("upper_arm"), skin)
        s.capsule(el, wr, body.r("forearm"), skin)
        hf = skel.frames[f"{side}_hand"]
        s.ellipsoid(wr + hf[:, 0] * body.hand * 0.42, hf, np.array([body.hand * 0.5, 0.045 * bw, 0.02 * k]), skin)
        hp = hand_points(skel, body, side)
        s.capsule(wr + hf[:, 0] * 0.03 * k, hp["thumb"], 0.013 * k, skin)

    # Legs: tapered thighs and shins (two capsules each), shoes.
    for side in ("l", "r"):
        hip, knee, ankle = skel[f"{side}_hip"], skel[f"{side}_knee"], skel[f"{side}_ankle"]
        mid_thigh = hip + (knee - hip) * 0.45
        s.capsule(hip, mid_thigh, body.r("thigh_top"), pants)
        s.capsule(mid_thigh, knee, body.r("thigh_low"), pants)
        mid_shank = knee + (ankle - knee) * 0.4
        s.capsule(knee, mid_shank, body.r("shank_top"), pants)
        s.capsule(mid_shank, ankle, body.r("shank_low"), pants)
        fp = foot_points(skel, body, side)
        ff = skel.frames[f"{side}_foot"]
        fwd = unit(fp["toe"] - fp["heel"])
        axes = np.column_stack([fwd, unit(np.cross(ff[:, 2], fwd)), unit(np.cross(fwd, np.cross(ff[:, 2], fwd)))])
        centre = 0.5 * (fp["heel"] + fp["toe"]) + axes[:, 2] * 0.03 * k
        s.ellipsoid(centre, axes, np.array([body.foot * 0.52, 0.047 * bw, 0.042 * k]), shoes)
        s.sphere(ankle, 0.045 * k, shoes)

    # Head: neck, skull, hair, ears, face.
    head = skel["head"]
    hfr = skel.frames["head"]
    f, left, up = hfr.T
    rf, rl, ru = body.head_radii
    s.capsule(sh_mid + (head - sh_mid) * 0.15, head - up * ru * 0.45 - f * rf * 0.1, body.r("neck"), skin)
    s.ellipsoid(head, hfr, body.head_radii, skin)
    s.ellipsoid(head - f * 0.035 * k + up * 0.028 * k, hfr, np.array([rf * 0.99, rl * 1.06, ru * 1.0]), pal.rgb("hair"))
    fp = face_points(skel, body)
    for side in ("l", "r"):
        s.ellipsoid(fp[f"{side}_ear"], hfr, np.array([0.028, 0.012, 0.035]) * k, skin * 0.92)
        eye = fp[f"{side}_eye"]
        s.ellipsoid(eye - f * 0.006 * k, hfr, np.array([0.010, 0.016, 0.009]) * k, pal.rgb("sclera"))
        s.ellipsoid(eye + f * 0.002 * k, hfr, np.array([0.006, 0.007, 0.007]) * k, pal.rgb("iris"))
        s.ellipsoid(eye + up * 0.022 * k, hfr, np.array([0.008, 0.022, 0.004]) * k, pal.rgb("brow"))
    mouth = 0.5 * (fp["l_mouth"] + fp["r_mouth"])
    s.ellipsoid(
        mouth - f * 0.004 * k,
        hfr,
        np.array([0.008, np.linalg.norm(fp["l_mouth"] - fp["r_mouth"]) / 2, 0.007 * k]),
        pal.rgb("lips"),
    )
    s.ellipsoid(fp["nose"] - f * 0.016 * k + up * 0.012 * k, hfr, np.array([0.020, 0.014, 0.028]) * k, skin * 0.95)
    return s
