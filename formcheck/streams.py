"""Overlap I/O with inference: run a producer or a consumer in a background thread.

PyAV decoding, OpenCV and x264 encoding release the GIL, so on two cores a decode thread ahead
of the model and a draw/encode thread behind it hide most of their cost.
"""

from __future__ import annotations

import pickle
import queue
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

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


class SpooledRecords(Generic[T]):
    """Records kept for a pass after the clip's end without holding them in memory.

    ``put`` pickles each record into an anonymous temporary file; ``items()`` reads them back in
    order. Memory holds nothing per record, so a 15-minute clip costs what a 1-minute one does.
    Close it (or use ``with``) to free the disk.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="formcheck-records-")  # noqa: SIM115 (closed by close())
        self._count = 0
        self._reading = False

    def put(self, record: T) -> None:
        if self._reading:
            raise ValueError("records are being read back; no more can be added")
        pickle.dump(record, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def items(self) -> Iterator[T]:
        """The records in the order they were put."""
        self._reading = True
        self._file.flush()
        self._file.seek(0)
        for _ in range(self._count):
            yield pickle.load(self._file)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> SpooledRecords[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
