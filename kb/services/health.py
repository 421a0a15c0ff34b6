"""The site's health, for load balancers and monitors (`GET /healthz`).

Each component says `ok`, `degraded` (the site serves, something lags behind) or
`failing` (the site cannot serve). Only the database can fail the whole: without it no
page can be read (and the other components, all read from it, are `unknown`). Mail that
does not go out, a search index that is missing or behind, or a worker that stopped
beating leave pages working, so they are `degraded`; so does a rate-limit storage
(Redis) that does not answer, though the forms it guards (sign-up, log-in) may not.

The report holds states, counts and ages in seconds only: no addresses, no host names,
no error texts (a database error can name the server, the user and the query).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from kb.extensions import db, limiter
from kb.models import OutboxMessage, WorkerHeartbeat
from kb.models.base import utcnow

OK, DEGRADED, FAILING, UNKNOWN = "ok", "degraded", "failing", "unknown"
_RANK = {OK: 0, UNKNOWN: 1, DEGRADED: 1, FAILING: 2}


def _age(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else round(max(0.0, (now - moment).total_seconds()), 1)


def _database() -> dict:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # unreachable, refused, timed out: say so, never the message
        db.session.rollback()
        return {"status": FAILING}
    return {"status": OK}


def _search(now: datetime) -> dict:
    """This host's index: `present` when it mirrors the database (else its state:
    missing, unmarked, foreign, stale; see `kb.search.integrity`), and the changes of
    the log it has not applied yet."""
    from kb.search import holder, integrity, log

    health = integrity.check(holder())
    after = health.marker.last if health.marker is not None else 0
    waiting, oldest = log.waiting(db.session, after)
    age = _age(oldest, now)
    limit = current_app.config["HEALTH_SEARCH_SECONDS"]
    behind = age is not None and age > limit
    return {
        "status": OK if health.ok and not behind else DEGRADED,
        "index": "present" if health.ok else health.state,
        "waiting": waiting or 0,
        "oldest_waiting_seconds": age,
    }


def _outbox(now: datetime) -> dict:
    unsent, oldest = db.session.execute(
        sa.select(sa.func.count(OutboxMessage.id), sa.func.min(OutboxMessage.created_at)).where(
            OutboxMessage.sent_at.is_(None)
        )
    ).one()
    age = _age(oldest, now)
    limit = current_app.config["HEALTH_OUTBOX_SECONDS"]
    return {
        "status": DEGRADED if age is not None and age > limit else OK,
        "unsent": unsent or 0,
        "oldest_unsent_seconds": age,
    }


def _worker(now: datetime) -> dict:
    newest = db.session.execute(
        sa.select(WorkerHeartbeat.beat_at, WorkerHeartbeat.stopped_at)
        .order_by(WorkerHeartbeat.beat_at.desc())
        .limit(1)
    ).first()
    age = _age(newest.beat_at, now) if newest else None
    alive = (
        newest is not None
        and newest.stopped_at is None
        and age <= current_app.config["WORKER_STALE_SECONDS"]
    )
    return {
        "status": OK if alive else DEGRADED,
        "heartbeat_seconds": age,
        "stopped": bool(newest and newest.stopped_at),
    }


def _limits() -> dict:
    """The rate limits' storage: the scheme only (its address may carry a password)."""
    scheme = current_app.config["RATELIMIT_STORAGE_URI"].partition(":")[0]
    try:
        reachable = bool(limiter.storage.check())
    except Exception:  # a storage client that raises instead of answering False
        reachable = False
    return {"status": OK if reachable else DEGRADED, "storage": scheme}


def check() -> dict:
    """Every component's state and the overall one (the worst of them)."""
    now = utcnow()
    components = {"database": _database()}
    if components["database"]["status"] == OK:
        for name, probe in (("search", _search), ("outbox", _outbox), ("worker", _worker)):
            try:
                components[name] = probe(now)
            except Exception:  # e.g. the connection dropped between two probes
                db.session.rollback()
                components[name] = {"status": DEGRADED, "error": "not readable"}
    else:
        for name in ("search", "outbox", "worker"):
            components[name] = {"status": UNKNOWN}  # each is read from the database
    components["limits"] = _limits()  # not in the database: always asked
    overall = max((c["status"] for c in components.values()), key=_RANK.__getitem__)
    return {"status": overall, "checked_at": now.isoformat(), "components": components}
