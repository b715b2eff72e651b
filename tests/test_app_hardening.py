"""Concurrency and exposure: no lost notes, a bounded triage pool, throttled login, body limit."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.app.limits import BodyLimit
from assistant.app.login import LoginThrottle
from assistant.app.workers import AppBusy, TriagePool
from assistant.errors import TriageTimeout
from assistant.store import Store

WRITERS = 4
NOTES_EACH = 25


def _writer(url: str, index: int, barrier: Any) -> None:
    store = Store(url)
    barrier.wait()
    for note in range(NOTES_EACH):
        # every writer races to create the same new opportunities at the same moment
        store.save_note(f"Shared deal {note}", f"note {index}-{note}: Fiserv, 40 kiosks")


def test_concurrent_writers_lose_no_note(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    Store(url)  # tables first
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WRITERS)
    workers = [context.Process(target=_writer, args=(url, index, barrier)) for index in range(WRITERS)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    store = Store(url)
    names = [summary.name for summary in store.list_opportunities()]
    assert sorted(names) == sorted(f"Shared deal {n}" for n in range(NOTES_EACH))
    assert sum(len(store.notes(name)) for name in names) == WRITERS * NOTES_EACH


def test_a_slow_input_does_not_block_another_user() -> None:
    pool = TriagePool(workers=2, queue=0, timeout_s=30)
    release = threading.Event()
    slow = threading.Thread(target=lambda: pool.run(lambda: release.wait(10)))
    slow.start()
    time.sleep(0.05)
    started = time.perf_counter()
    assert pool.run(lambda: "fast") == "fast"
    assert time.perf_counter() - started < 1.0
    release.set()
    slow.join()


def test_a_full_pool_refuses_at_once_with_a_clear_message() -> None:
    pool = TriagePool(workers=1, queue=0, timeout_s=30)
    release = threading.Event()
    slow = threading.Thread(target=lambda: pool.run(lambda: release.wait(10)))
    slow.start()
    time.sleep(0.05)
    with pytest.raises(AppBusy, match="busy"):
        pool.run(lambda: "never")
    release.set()
    slow.join()
    assert pool.run(lambda: "again") == "again"  # the slot came back


def test_the_caller_stops_waiting_after_the_deadline() -> None:
    pool = TriagePool(workers=1, queue=1, timeout_s=0.05)
    release = threading.Event()
    with pytest.raises(TriageTimeout, match="ASSISTANT_TRIAGE_TIMEOUT"):
        pool.run(lambda: release.wait(10))
    release.set()


def test_login_is_throttled_with_backoff() -> None:
    now = [0.0]
    login = LoginThrottle("sdr", "s3cret", free_attempts=5, base_lock_s=1.0, clock=lambda: now[0])
    for _ in range(50):
        assert not login("sdr", "wrong")
    assert not login("sdr", "s3cret")  # locked: the right password does not get in
    assert login.locked_for() > 0
    now[0] += 301  # the lock never exceeds max_lock_s (300 s)
    assert login("sdr", "s3cret")
    assert login.locked_for() == 0


def test_a_few_typos_do_not_lock_the_login() -> None:
    login = LoginThrottle("sdr", "s3cret")
    for _ in range(4):
        assert not login("sdr", "typo")
    assert login("sdr", "s3cret")


def _call(app: BodyLimit, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[int, int]:
    """(response status, bytes the inner app read)."""
    read = [0]
    sent: list[dict[str, Any]] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            read[0] += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    app.app = inner
    queue = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app({"type": "http", "headers": headers}, receive, send))
    return sent[0]["status"], read[0]


def test_a_huge_body_is_refused_before_it_is_read() -> None:
    limit = BodyLimit(None, limit=1000)  # type: ignore[arg-type]
    assert _call(limit, [(b"content-length", b"50000000")], [b"x" * 10]) == (413, 0)
    status, read = _call(limit, [], [b"x" * 600, b"x" * 600, b"x" * 600])  # streamed, no length
    assert status == 413 and read <= 1200
    assert _call(limit, [(b"content-length", b"10")], [b"x" * 10]) == (200, 10)


def test_losing_the_race_to_create_an_opportunity_keeps_the_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer creates the name between our lookup and our insert: we use theirs."""
    from assistant.store import repository

    url = f"sqlite:///{tmp_path / 'race.db'}"
    other = Store(url).get_or_create_opportunity("Race deal")
    missed = [False]

    class LateSession(repository.Session):  # type: ignore[misc]
        def exec(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
            result = super().exec(statement, *args, **kwargs)
            if not missed[0] and "opportunity" in str(statement):
                missed[0] = True

                class Miss:
                    def first(self) -> None:
                        return None

                return Miss()
            return result

    monkeypatch.setattr(repository, "Session", LateSession)
    note = Store(url).save_note("Race deal", "Fiserv, 40 kiosks")
    assert missed[0] and note.opportunity_id == other.id
