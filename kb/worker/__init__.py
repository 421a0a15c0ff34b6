"""`kb worker`: the work that follows commits, done off the request thread.

Requests only enqueue (an outbox row, a search-log row, in their own transaction) and,
after the commit, wake the local worker (`kb.uow`, `kb.worker.wake`). The worker runs
the tasks of `kb.worker.tasks` in lanes (one thread each), each task when it is due
(its interval) or woken, and writes a heartbeat (`kb.worker.heartbeat`) from the main
thread. A task that fails is logged, recorded in the heartbeat and retried after a
growing delay (up to `WORKER_MAX_BACKOFF_SECONDS`); the worker itself keeps running.

SIGTERM or SIGINT stops it cleanly: no task starts after the signal, the running ones
finish (up to `WORKER_STOP_SECONDS`), the heartbeat is marked stopped. A second signal
stops it at once. `Worker(app).step()` runs every task once in the calling thread
(`kb worker --once`, and the tests' `run_worker_once()`).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import select
import signal
import socket
import threading
import time
from collections.abc import Iterable

from flask import Flask

from kb import wake
from kb.extensions import db
from kb.models.base import utcnow
from kb.worker import heartbeat
from kb.worker.tasks import TASKS, Task

log = logging.getLogger(__name__)


class Worker:
    """The tasks of one worker process, their schedule and what each last did."""

    def __init__(self, app: Flask, tasks: Iterable[Task] = TASKS):
        self.app = app
        self.tasks = {t.name: t for t in tasks}
        self.stopping = threading.Event()
        #: What each task last did, as the heartbeat shows it.
        self.results: dict[str, dict] = {}
        self._next = dict.fromkeys(self.tasks, 0.0)  # monotonic time each is due
        self._started = dict.fromkeys(self.tasks, 0.0)
        self._woken = dict.fromkeys(self.tasks, 0.0)
        self._failures = dict.fromkeys(self.tasks, 0)
        self._lanes = {t.lane: threading.Event() for t in self.tasks.values()}

    # -- one round --------------------------------------------------------------------

    def run_task(self, name: str) -> dict:
        """Run task `name` once; record and return what it did. Never raises."""
        task = self.tasks[name]
        self._started[name] = time.monotonic()
        every = float(self.app.config[task.every])
        with self.app.app_context():
            try:
                did, error = task.run(), None
                self._failures[name] = 0
                delay = every
            except Exception as exc:
                db.session.rollback()
                did, error = None, f"{type(exc).__name__}: {exc}"[:500]
                self._failures[name] += 1
                delay = min(
                    max(every, 1.0) * 2 ** (self._failures[name] - 1),
                    float(self.app.config["WORKER_MAX_BACKOFF_SECONDS"]),
                )
                log.warning("worker: %s failed (%s); again in %.0f s", name, error, delay)
        self._next[name] = self._started[name] + delay
        self.results[name] = {"at": utcnow().isoformat(), "did": did, "error": error}
        return self.results[name]

    def step(self, names: Iterable[str] | None = None) -> dict[str, dict]:
        """Run the named tasks (default: all) once each, in this thread."""
        return {name: self.run_task(name) for name in (names or self.tasks)}

    def wake(self, topic: str) -> None:
        """Run the tasks of `topic` (a task name) as soon as their lane is free."""
        if topic in self.tasks:
            self._woken[topic] = time.monotonic()
            self._lanes[self.tasks[topic].lane].set()

    def _due(self, name: str, now: float) -> bool:
        return now >= self._next[name] or self._woken[name] > self._started[name]

    # -- the long-running process -------------------------------------------------------

    def _lane(self, lane: str) -> None:
        names = [n for n, t in self.tasks.items() if t.lane == lane]
        event = self._lanes[lane]
        while not self.stopping.is_set():
            event.clear()
            for name in names:
                if self.stopping.is_set():
                    return
                if self._due(name, time.monotonic()):
                    self.run_task(name)
            now = time.monotonic()
            if any(self._due(n, now) for n in names):
                continue
            event.wait(max(0.0, min(self._next[n] for n in names) - now))

    def _beat(self, stopped: bool = False) -> None:
        with self.app.app_context():
            try:
                heartbeat.beat(self.results, stopped=stopped)
            except Exception as exc:  # the database may be down: keep working, say so
                db.session.rollback()
                log.warning("worker: heartbeat not written (%s)", exc)

    def stop(self) -> None:
        """Ask every lane to stop after its current task."""
        self.stopping.set()
        for event in self._lanes.values():
            event.set()

    def run(self) -> None:
        """Run until SIGTERM/SIGINT (or `stop()`): lanes in threads, heartbeat here."""
        config = self.app.config
        wakeup_r, wakeup_w = socket.socketpair()
        wakeup_w.setblocking(False)
        signals = {"count": 0}

        def on_signal(signum, frame):
            signals["count"] += 1
            if signals["count"] > 1:
                raise KeyboardInterrupt  # a second signal: stop waiting for the lanes
            log.info("worker: %s received; stopping", signal.Signals(signum).name)
            self.stop()
            with contextlib.suppress(OSError):
                wakeup_w.send(b"x")

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, on_signal)
            signal.signal(signal.SIGINT, on_signal)
        listener = wake.listen(config["INSTANCE_PATH"])
        with self.app.app_context():
            try:
                heartbeat.forget_old()
            except Exception as exc:
                db.session.rollback()
                log.warning("worker: old heartbeats not pruned (%s)", exc)
            try:  # say at start whether this host's index mirrors the database
                from kb.search import holder, integrity

                health = integrity.check(holder())
                if health.ok:
                    log.info("worker: search index ok (generation %s)", health.generation)
                else:
                    log.warning("worker: search index %s: rebuilding it", health.state)
            except Exception as exc:
                log.warning("worker: search index not checked (%s)", exc)
        threads = [
            threading.Thread(target=self._lane, args=(lane,), name=f"kb-worker-{lane}", daemon=True)
            for lane in self._lanes
        ]
        for thread in threads:
            thread.start()
        log.info("worker: running %s", ", ".join(self.tasks))
        every = float(config["WORKER_HEARTBEAT_SECONDS"])
        next_beat = 0.0
        try:
            while not self.stopping.is_set():
                if time.monotonic() >= next_beat:
                    self._beat()
                    next_beat = time.monotonic() + every
                sources = [wakeup_r] + ([listener] if listener else [])
                timeout = max(0.0, next_beat - time.monotonic())
                readable, _, _ = select.select(sources, [], [], timeout)
                if listener in readable:
                    for topic in wake.drain(listener):
                        self.wake(topic)
            deadline = time.monotonic() + float(config["WORKER_STOP_SECONDS"])
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            busy = [t.name for t in threads if t.is_alive()]
            if busy:
                log.warning("worker: stopping without waiting longer for %s", ", ".join(busy))
        finally:
            self.stop()
            self._beat(stopped=True)
            for sock in (wakeup_r, wakeup_w, listener):
                if sock is not None:
                    sock.close()
        log.info("worker: stopped")
        # The search analyser's dictionaries are millions of objects: collecting them at
        # interpreter exit took seconds; nothing is left to run that would need them.
        gc.freeze()
