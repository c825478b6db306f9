"""Counting people from MediaPipe's poses: the same person found twice is one person."""

from __future__ import annotations

import numpy as np

from formcheck.pose import distinct_people


def _box(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """33 landmarks spread over a box (normalised image coordinates)."""
    u = np.linspace(0.0, 1.0, 33)
    return np.stack([x0 + (x1 - x0) * u, y0 + (y1 - y0) * u[::-1]], axis=1)


def test_one_person_found_twice_is_one():
    # The boxes MediaPipe returned for one rendered fire hydrant (intersection over union 0.59).
    assert distinct_people([_box(0.36, 0.22, 0.58, 0.65), _box(0.32, 0.21, 0.54, 0.73)]) == 1


def test_two_people_side_by_side_are_two():
    assert distinct_people([_box(0.05, 0.2, 0.45, 0.9), _box(0.55, 0.2, 0.95, 0.9)]) == 2


def test_a_second_person_partly_behind_the_first_is_two():
    # Overlapping by a third of the width: intersection over union 0.18.
    assert distinct_people([_box(0.2, 0.2, 0.5, 0.9), _box(0.4, 0.1, 0.7, 0.9)]) == 2


def test_nobody_is_zero():
    assert distinct_people([]) == 0
