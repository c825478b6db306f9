"""Shared fixtures: small clips written with the project's own writer or ffmpeg."""

from __future__ import annotations

import os

# Quiet MediaPipe/TFLite C++ logging in test output.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
