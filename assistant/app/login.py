"""Login for an exposed app, throttled: repeated wrong passwords lock the login, with backoff.

After ``free_attempts`` failures in a row, every attempt (the right password included) is
refused for a lock that doubles with each further failure, up to ``max_lock_s``. A success
outside a lock resets the count. Passwords are compared in constant time.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable

__all__ = ["LoginThrottle"]


class LoginThrottle:
    """A Gradio ``auth`` callable: ``throttle(username, password) -> bool``."""

    def __init__(
        self,
        user: str,
        password: str,
        *,
        free_attempts: int = 5,
        base_lock_s: float = 1.0,
        max_lock_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._user = user.encode("utf-8")
        self._password = password.encode("utf-8")
        self.free_attempts = free_attempts
        self.base_lock_s = base_lock_s
        self.max_lock_s = max_lock_s
        self._clock = clock
        self._failures = 0
        self._locked_until = 0.0
        self._lock = threading.Lock()

    def locked_for(self) -> float:
        """Seconds until the next attempt is considered (0 when not locked)."""
        return max(0.0, self._locked_until - self._clock())

    def __call__(self, username: str, password: str) -> bool:
        with self._lock:
            now = self._clock()
            if now < self._locked_until:
                return False  # locked: not even the right password gets in
            good_user = hmac.compare_digest((username or "").encode("utf-8"), self._user)
            good_password = hmac.compare_digest((password or "").encode("utf-8"), self._password)
            if good_user and good_password:
                self._failures = 0
                return True
            self._failures += 1
            over = self._failures - self.free_attempts
            if over >= 0:
                self._locked_until = now + min(self.max_lock_s, self.base_lock_s * 2**over)
            return False
