"""Overlap I/O with inference: run a producer or a consumer in a background thread.

PyAV decoding, OpenCV and x264 encoding release the GIL, so on two cores a decode thread ahead
of the model and a draw/encode thread behind it hide most of their cost.
"""

from __future__ import annotations

import os
import pickle
import queue
import tempfile
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

import cv2
import numpy as np

T = TypeVar("T")
_DONE = object()


def prefetch(items: Iterable[T], depth: int = 8) -> Iterator[T]:
    """Iterate ``items`` in a background thread, at most ``depth`` ahead; re-raises its errors here."""
    buffer: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        buffer.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put(_DONE)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            buffer.put(exc)

    thread = threading.Thread(target=produce, daemon=True, name="prefetch")
    thread.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)


class BackgroundSink(Generic[T]):
    """Hand items to ``consume`` on a worker thread; ``close()`` waits and re-raises its error."""

    def __init__(self, consume: Callable[[T], None], depth: int = 8) -> None:
        self._consume = consume
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="sink")
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if self._error is None:
                try:
                    self._consume(item)
                except BaseException as exc:
                    self._error = exc

    def put(self, item: T) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(item)

    def close(self, raise_error: bool = True) -> None:
        """Wait for the queued items; re-raise the worker's error unless the caller is already failing."""
        self._queue.put(_DONE)
        self._thread.join()
        if raise_error and self._error is not None:
            raise self._error


class SpooledFrames:
    """Frames kept for a later pass without decoding the clip again or holding them in memory.

    ``put`` hands each RGB frame (and any picklable ``extra`` that goes with it) to a background
    thread that JPEG-compresses it (quality ``quality``, optionally shrunk to at most
    ``max_height`` rows) into an anonymous temporary file; memory holds three numbers per frame.
    ``items()`` reads them back in order as (image, extra), decompressing a few ahead on
    another thread. Close it (or use ``with``) to free the disk.
    """

    def __init__(self, quality: int = 90, max_height: int | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix="formcheck-frames-")  # noqa: SIM115 (closed by close())
        self._quality = quality
        self._max_height = max_height
        self._index = array("q")  # offset, image bytes, extra bytes: per frame
        self._sink: BackgroundSink[tuple[np.ndarray, Any]] | None = BackgroundSink(self._write)
        self.bytes = 0

    def _write(self, item: tuple[np.ndarray, Any]) -> None:
        image, extra = item
        h, w = image.shape[:2]
        if self._max_height and h > self._max_height:
            size = (max(2, round(w * self._max_height / h)), self._max_height)
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self._quality])
        if not ok:
            raise OSError("could not compress a frame")
        blob = pickle.dumps(extra, protocol=pickle.HIGHEST_PROTOCOL)
        self._index.extend((self.bytes, len(data), len(blob)))
        self._file.write(data.tobytes())
        self._file.write(blob)
        self.bytes += len(data) + len(blob)

    def put(self, image: np.ndarray, extra: Any = None) -> None:
        if self._sink is None:
            raise ValueError("frames are being read back; no more can be added")
        self._sink.put((image, extra))

    def finish(self) -> None:
        """Wait until every frame put so far is on disk."""
        if self._sink is not None:
            sink, self._sink = self._sink, None
            sink.close()
            self._file.flush()

    def __len__(self) -> int:
        return len(self._index) // 3

    def items(self) -> Iterator[tuple[np.ndarray, Any]]:
        """(image, extra) in the order they were put (waits for the writes to finish)."""
        self.finish()
        return prefetch(self._read())

    def _read(self) -> Iterator[tuple[np.ndarray, Any]]:
        fd = self._file.fileno()
        for i in range(len(self)):
            offset, image_size, extra_size = self._index[3 * i : 3 * i + 3]
            data = os.pread(fd, image_size + extra_size, offset)
            image = cv2.imdecode(np.frombuffer(data, np.uint8, count=image_size), cv2.IMREAD_UNCHANGED)
            if image is None:
                raise OSError("a spooled frame could not be read back")
            yield image, pickle.loads(data[image_size:])

    def close(self) -> None:
        try:
            self.finish()
        finally:
            self._file.close()

    def __enter__(self) -> SpooledFrames:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
