"""A bounded pool for the app's triages: one user's input never blocks another's.

At most ``workers`` triages run at once and ``queue`` more may wait; past that a new request
is refused at once with a clear message instead of waiting behind everyone. Each triage runs
under the per-input deadline (``ASSISTANT_TRIAGE_TIMEOUT``), and the caller stops waiting a
moment after it, so a runaway input ends in an error for its own user only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from typing import TypeVar

from ..errors import TriageTimeout, UserError

__all__ = ["AppBusy", "TriagePool", "pool_for"]

T = TypeVar("T")
_GRACE_S = 5.0  # how long past the deadline the caller still waits for a worker's answer


class AppBusy(UserError):
    """Every worker is busy and the queue is full."""


class TriagePool:
    """``workers`` threads and a bounded wait list in front of them."""

    def __init__(self, workers: int, queue: int, timeout_s: float) -> None:
        self.workers = max(1, workers)
        self.capacity = self.workers + max(0, queue)
        self.timeout_s = timeout_s
        self._slots = threading.BoundedSemaphore(self.capacity)
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="triage")

    def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on a worker and return its result; refuse at once when the pool is full."""
        if not self._slots.acquire(blocking=False):
            raise AppBusy(
                f"the app is busy ({self.workers} triages running, the queue is full); try again in a minute"
            )

        def job() -> T:
            try:
                return fn()
            finally:
                self._slots.release()  # a slot frees only when the work has really stopped

        future = self._executor.submit(job)
        wait = None if self.timeout_s <= 0 else self.timeout_s * 2 + min(_GRACE_S, self.timeout_s)
        done, _ = futures_wait(
            [future], timeout=wait
        )  # not result(timeout): fn may raise TimeoutError itself
        if done:
            return future.result()
        raise TriageTimeout(
            f"triage took longer than the {self.timeout_s:g} s limit (ASSISTANT_TRIAGE_TIMEOUT); "
            "split the text into smaller notes"
        )


_POOLS: dict[tuple[int, int, float], TriagePool] = {}
_LOCK = threading.Lock()


def pool_for(workers: int, queue: int, timeout_s: float) -> TriagePool:
    """The process-wide pool for these settings (created on first use)."""
    key = (workers, queue, timeout_s)
    with _LOCK:
        if key not in _POOLS:
            _POOLS[key] = TriagePool(workers, queue, timeout_s)
        return _POOLS[key]
