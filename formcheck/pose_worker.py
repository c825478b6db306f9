"""The pose model in a process of its own, for files.

Why: in one process the model shares Python's interpreter lock with decoding, the analyzer,
drawing and encoding. Its native call releases the lock, but each time it returns it waits for
a thread that holds it, so the model ran ~10% slower inside ``analyze`` than alone. In its own
process it runs at its own cost while the file's other work overlaps it on the other core
(README, *Performance*; ``benchmarks/pose_speed.py``).

The worker runs the same ``PoseEstimator`` as the webcam and the tests, so a file gets the same
poses either way (a fresh estimator per clip). Frames travel through a ring of shared-memory
slots (one copy, no pickling); poses come back pickled (a few KB). A few frames are in flight,
so the model never waits for the caller. On Linux the ring is an anonymous memory file handed
over as a descriptor: it has no name anywhere, is not capped by a container's small
``/dev/shm``, and is freed with the last process that holds it, even after a crash. Elsewhere
it is a named ``SharedMemory``, removed when the clip is done.

The worker is a plain ``python -m formcheck.pose_worker`` (not ``multiprocessing.Process``,
which re-imports the caller's main module in the child: ~2 s for the app or a benchmark, and a
failure for a script without a main guard). Starting one costs an interpreter and MediaPipe
(~1.5 s), so a finished worker waits, idle, for the program's next clip; ``start_early()``
lets a program start it while it loads its own code.
"""

from __future__ import annotations

import atexit
import contextlib
import mmap
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from formcheck.errors import UserError

if TYPE_CHECKING:  # MediaPipe is imported by the worker, not by a caller that only starts one
    from formcheck.pose import PoseSettings
    from formcheck.pose_types import PoseFrame
    from formcheck.video_io import VideoFrame

# Frames handed to the worker before the first pose is taken back: enough that the next frame
# is always waiting when the model finishes one, few enough to hold little memory.
IN_FLIGHT = 3
# Idle workers kept for the program's next clips (one clip at a time is the common case).
KEEP_IDLE = 1
# How long closing waits for the worker to finish a frame before giving up on it.
CLOSE_TIMEOUT_S = 30.0


class PoseWorkerError(UserError):
    """The pose process stopped without saying why (it crashed or was killed)."""


class _Process:
    """One worker process and the socket to it."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "formcheck.pose_worker", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # the caller's output (--json, say) stays its own
        )
        theirs.close()
        self.conn = Connection(ours.detach())

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        self.conn.close()


_idle: list[_Process] = []
_idle_lock = threading.Lock()


def start_early() -> None:
    """Start a worker now, so it is ready (and MediaPipe loaded in it) when the first clip comes."""
    with _idle_lock:
        if not _idle:
            _idle.append(_Process())


def _take() -> _Process:
    with _idle_lock:
        while _idle:
            process = _idle.pop()
            if process.popen.poll() is None:
                return process
            process.conn.close()
    return _Process()


def _give_back(process: _Process) -> None:
    with _idle_lock:
        if len(_idle) < KEEP_IDLE:
            _idle.append(process)
            return
    process.stop()


@atexit.register
def _stop_idle() -> None:
    """At exit an idle worker holds nothing: end it at once (it may still be loading MediaPipe)."""
    with _idle_lock:
        idle, _idle[:] = list(_idle), []
    for process in idle:
        process.popen.terminate()
        process.popen.wait()
        process.conn.close()


class _Ring:
    """Shared memory for ``slots`` frames of ``slot_bytes``; ``offer`` tells the worker about it."""

    def __init__(self, slot_bytes: int, slots: int) -> None:
        self.slot_bytes = slot_bytes
        size = slot_bytes * slots
        self._named: SharedMemory | None = None
        self._fd: int | None = None
        if hasattr(os, "memfd_create"):
            self._fd = os.memfd_create("formcheck-frames", os.MFD_CLOEXEC)
            os.ftruncate(self._fd, size)
            self.buffer: mmap.mmap | memoryview = mmap.mmap(self._fd, size)
        else:
            self._named = SharedMemory(create=True, size=size)
            self.buffer = self._named.buf

    def offer(self, conn: Connection, pid: int) -> None:
        if self._fd is not None:
            conn.send(("ring-fd", len(self.buffer), None))
            send_handle(conn, self._fd, pid)
            os.close(self._fd)  # the mapping and the worker keep the memory
            self._fd = None
        else:
            assert self._named is not None
            conn.send(("ring-name", self._named.size, self._named.name))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        if self._named is not None:
            self._named.close()
            self._named.unlink()
        else:
            self.buffer.close()


class PoseWorker:
    """A ``PoseEstimator`` in another process: ``poses(frames)`` yields each frame with its pose, in order."""

    def __init__(self, settings: PoseSettings | None = None, in_flight: int = IN_FLIGHT) -> None:
        from formcheck.pose import PoseSettings, default_model_path

        # The model is found here, not by the worker, whose environment may be older than ours.
        settings = settings or PoseSettings()
        settings = replace(settings, model_path=settings.model_path or default_model_path())
        self._process = _take()
        self._conn = self._process.conn
        self._in_flight = in_flight
        self._ring: _Ring | None = None
        self._sent = self._received = 0
        self._healthy = self._closed = False
        self.zoomed_frames = 0  # frames in which the person was found only in a zoomed crop
        try:
            self._conn.send(("open", settings))
            self._healthy = True
            self._receive()  # "ready", or the estimator's error (a missing model, say)
        except BaseException:
            self.close()
            raise

    @property
    def pid(self) -> int:
        """The worker's process id (the same for the clips that reuse it)."""
        return self._process.popen.pid

    def poses(self, frames: Iterable[VideoFrame]) -> Iterator[tuple[VideoFrame, PoseFrame]]:
        pending: deque[VideoFrame] = deque()
        for frame in frames:
            if len(pending) == self._in_flight:
                yield pending.popleft(), self._pose()
            self._send(frame)
            pending.append(frame)
        while pending:
            yield pending.popleft(), self._pose()

    def _send(self, frame: VideoFrame) -> None:
        try:
            self._send_frame(frame)
        except OSError as exc:  # the worker has gone (its end of the socket is closed)
            raise self._died() from exc

    def _send_frame(self, frame: VideoFrame) -> None:
        image = frame.image
        if self._ring is None:
            self._ring = _Ring(image.nbytes, self._in_flight)
            self._ring.offer(self._conn, self._process.popen.pid)
        if image.dtype != np.uint8 or image.nbytes > self._ring.slot_bytes:  # not expected from one clip
            self._conn.send(("inline", np.ascontiguousarray(image), frame.timestamp_s))
        else:
            # The slot's previous frame was posed already: poses come back in order, and no more
            # than ``in_flight`` frames are out.
            offset = (self._sent % self._in_flight) * self._ring.slot_bytes
            np.copyto(np.ndarray(image.shape, np.uint8, self._ring.buffer, offset), image)
            self._conn.send(("slot", offset, image.shape, frame.timestamp_s))
        self._sent += 1

    def _pose(self) -> PoseFrame:
        pose = self._receive()
        self._received += 1
        return pose

    def _receive(self) -> Any:
        try:
            kind, value, zoomed = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise self._died() from exc
        if kind == "error":
            self._healthy = False  # the worker has closed its estimator and waits for the next clip
            raise value
        self.zoomed_frames = zoomed
        return value

    def _died(self) -> PoseWorkerError:
        self._healthy = False
        code = self._process.popen.wait()
        return PoseWorkerError(
            f"The pose model stopped unexpectedly (exit code {code}). Please try again; "
            "if it happens again, the clip may be too large for this computer's memory."
        )

    def close(self) -> None:
        """End the clip; the worker goes back to wait for the next one (or stops, if it failed)."""
        if self._closed:
            return
        self._closed = True
        reusable = False
        try:
            if self._healthy:
                kind = "pose"
                while self._received < self._sent and kind == "pose":  # the caller stopped early
                    kind = self._next_kind()
                    self._received += 1
                if kind == "pose":
                    self._conn.send(("close",))
                    kind = self._next_kind()
                reusable = kind == "closed"
        except (EOFError, OSError):
            pass
        finally:
            if self._ring is not None:
                self._ring.close()
                self._ring = None
        if reusable:
            _give_back(self._process)
        else:  # a worker that failed may hold half a clip's messages: never reuse it
            self._process.stop()

    def _next_kind(self) -> str:
        return self._conn.recv()[0] if self._conn.poll(CLOSE_TIMEOUT_S) else "timeout"

    def __enter__(self) -> PoseWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(conn: Connection) -> None:
    """The worker: one clip after another until told to stop (None) or the caller goes away."""
    import formcheck.pose  # noqa: F401 (loaded before the first clip asks)

    with contextlib.suppress(EOFError, OSError, KeyboardInterrupt):
        while (message := conn.recv()) is not None:
            if message[0] == "open":
                _serve_clip(conn, message[1])


def _serve_clip(conn: Connection, settings: PoseSettings | None) -> None:
    """Pose one clip's frames until ``("close",)``. An error is sent to the caller, not raised."""
    from formcheck.pose import PoseEstimator

    buffer: mmap.mmap | memoryview | None = None
    ring: Any = None
    image: np.ndarray | None = None
    try:
        with PoseEstimator(settings) as estimator:
            conn.send(("ready", None, 0))
            while (message := conn.recv())[0] != "close":
                kind = message[0]
                if kind.startswith("ring"):
                    buffer, ring = _attach(conn, *message)
                    continue
                if kind == "slot":
                    _, offset, shape, timestamp_s = message
                    assert buffer is not None
                    image = np.ndarray(shape, np.uint8, buffer, offset)
                else:
                    _, image, timestamp_s = message
                conn.send(("pose", estimator.process(image, timestamp_s), estimator.zoomed_frames))
        conn.send(("closed", None, 0))
    except (EOFError, OSError, KeyboardInterrupt):
        raise  # the caller has gone: nothing to report to
    except BaseException as exc:
        _send_error(conn, exc)
    finally:
        image = buffer = None  # the ring cannot close while a view of it lives
        if ring is not None:
            ring.close()


def _attach(conn: Connection, kind: str, size: int, name: str | None) -> tuple[mmap.mmap | memoryview, Any]:
    """The worker's view of the caller's ring, and what to close when done."""
    if kind == "ring-fd":
        fd = recv_handle(conn)
        mapping = mmap.mmap(fd, size)
        os.close(fd)
        return mapping, mapping
    named = SharedMemory(name=name)
    return named.buf, named


def _send_error(conn: Connection, exc: BaseException) -> None:
    try:
        pickle.dumps(exc)
    except Exception:
        exc = RuntimeError(f"{type(exc).__name__}: {exc}")
    with contextlib.suppress(OSError):
        conn.send(("error", exc, 0))


if __name__ == "__main__":
    # Ctrl-C in a terminal reaches the whole process group: the caller handles it and ends
    # this process; a worker interrupted on its own would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(Connection(int(sys.argv[1])))
