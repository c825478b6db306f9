"""Geometry of the zoom for a small person: the crop chosen around them, and landmarks mapped back."""

from __future__ import annotations

import numpy as np

from formcheck.pose_types import PoseFrame
from formcheck.zoom import BOX_MARGIN, MAX_ZOOM, Crop, crop_around


def test_a_crop_maps_landmarks_back_to_the_whole_frame():
    crop = Crop(x0=300, y0=200, width=320, height=240)
    landmarks = np.zeros((33, 5), np.float32)
    landmarks[:, :3] = [0.5, 0.25, 0.1]  # the crop's centre column, a quarter down; some depth
    world = np.ones((33, 3), np.float32)
    frame = PoseFrame(1.0, (320, 240), landmarks, world)
    full = crop.to_full_frame(frame, (1280, 960))
    assert full.image_size == (1280, 960)
    # (300 + 0.5 * 320, 200 + 0.25 * 240) = (460, 260) pixels of the whole frame
    np.testing.assert_allclose(full.pixels()[0], [460.0, 260.0], atol=1e-3)
    np.testing.assert_allclose(full.landmarks[0, 2], 0.1 * 320 / 1280, atol=1e-6)  # z on x's scale
    np.testing.assert_array_equal(full.world, world)  # metres do not depend on the crop


def test_an_empty_crop_frame_stays_empty_at_the_whole_size():
    full = Crop(0, 0, 10, 10).to_full_frame(PoseFrame.empty(0.5, (10, 10)), (40, 40))
    assert not full.detected and full.image_size == (40, 40)


def test_the_crop_surrounds_a_small_person_with_room_to_move():
    # A person 40 x 60 px centred at (800, 500) of a 1280 x 960 frame.
    points = np.array([[780.0, 470.0], [820.0, 530.0]])
    crop = crop_around(points, (1280, 960))
    assert crop is not None
    assert abs(crop.width / crop.height - 1280 / 960) < 0.01  # the frame's shape
    assert crop.width == round(1280 / MAX_ZOOM)  # so small that the zoom limit decides
    assert crop.x0 <= 780 and crop.x0 + crop.width >= 820  # the person is inside
    assert crop.y0 <= 470 and crop.y0 + crop.height >= 530
    assert abs(crop.x0 + crop.width / 2 - 800) <= 1 and abs(crop.y0 + crop.height / 2 - 500) <= 1  # centred


def test_a_larger_person_gets_a_margin_around_their_box():
    points = np.array([[600.0, 400.0], [720.0, 550.0]])  # 120 x 150 px
    crop = crop_around(points, (1280, 960))
    assert crop is not None
    assert abs(crop.height - 150 * BOX_MARGIN) <= 1  # the taller side (in the frame's shape) decides


def test_a_crop_at_the_edge_stays_in_the_frame():
    crop = crop_around(np.array([[0.0, 900.0], [30.0, 950.0]]), (1280, 960))
    assert crop is not None
    assert crop.x0 == 0 and crop.y0 + crop.height <= 960 and crop.y0 >= 0


def test_no_zoom_for_a_person_who_fills_the_frame():
    assert crop_around(np.array([[100.0, 100.0], [900.0, 800.0]]), (1280, 960)) is None
