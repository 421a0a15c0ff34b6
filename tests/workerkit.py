"""`kb worker`'s tasks in a test: one round, in the test's thread (never a sleep)."""

from __future__ import annotations

from flask import current_app

from kb.extensions import db

#: What a request leaves for the worker: the tasks a test runs unless it names others.
DEFAULT = ("search", "mail")


def run_worker_once(*tasks: str, strict: bool = True) -> dict[str, dict]:
    """Run `kb worker`'s tasks (default: search, then mail) once, as the worker would.

    The tasks run in app contexts of their own (their own sessions), as in the worker;
    the test's session is expired afterwards so that it reads what they committed. With
    `strict`, a task that failed fails the test with its error.
    """
    from kb.worker import Worker

    results = Worker(current_app._get_current_object()).step(tasks or DEFAULT)
    db.session.expire_all()
    if strict:
        errors = {name: r["error"] for name, r in results.items() if r["error"]}
        assert not errors, f"worker tasks failed: {errors}"
    return results
