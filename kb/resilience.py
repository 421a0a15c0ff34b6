"""The database going away: reads are retried once, writes are answered honestly.

Connections are checked before use (`pool_pre_ping`, set in kb/config.py), so a pool whose
connections the server dropped (a restart, a fail-over, `pg_terminate_backend`) costs
one reconnection, not a 500. A connection that breaks during a request, or that cannot
be made at all (the server is stopped, its host is gone, the SQLite file cannot be
opened), is handled here:

- a read (GET, HEAD) is run again once, on a fresh connection (SQLAlchemy invalidates
  the whole pool when it sees a disconnect); if the database still cannot be reached,
  the answer is 503 with `Retry-After`: a page that says so in the reader's language,
  or the API's error `database_unavailable`;
- a write is answered 503 with `Retry-After`: whatever it changed may or may not have
  been committed, and the answer says so. Sending it again is safe: a registration is
  unique per e-mail and event (a retry of one that was saved answers
  `already_registered`), a submission or an event by its slug.

`/healthz` asks the database itself and names it `failing` (kb/services/health.py).
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from kb.extensions import db

READS = ("GET", "HEAD")
#: Seconds to wait before trying again: a broken connection is replaced at once; a
#: database that cannot be reached is being restarted or moved, which takes longer.
RETRY_BROKEN, RETRY_UNREACHABLE = 1, 30


def unreachable(exc: DBAPIError) -> bool:
    """Whether no connection could be made (before any statement ran)."""
    return exc.statement is None and isinstance(exc, OperationalError | InterfaceError)


def connection_lost(exc: DBAPIError) -> bool:
    """Whether the error is the connection's (broken or never made), not the statement's."""
    return exc.connection_invalidated or unreachable(exc)


def _forget_session() -> None:
    try:
        db.session.rollback()
    except DBAPIError:  # the rollback needs the connection that is gone
        db.session.close()


def _run_again() -> tuple[object | None, DBAPIError | None]:
    """The view run again on a fresh connection, or the error that stopped it again."""
    g.db_retried = True
    view = current_app.view_functions[request.endpoint]
    try:
        answer = current_app.ensure_sync(view)(**(request.view_args or {}))
        return current_app.make_response(answer), None
    except DBAPIError as again:
        if not connection_lost(again):
            raise
        _forget_session()
        return None, again


def _lost(exc: DBAPIError):
    if not connection_lost(exc):
        raise exc  # any other database error is a bug: the usual 500
    _forget_session()
    if request.method in READS and not g.get("db_retried") and request.endpoint:
        response, exc = _run_again()
        if response is not None:
            return response
    from kb.errors import error_json, render_error

    if request.method in READS:
        message = _("The database cannot be reached just now. Please try again in a minute.")
    elif unreachable(exc):
        message = _(
            "The database cannot be reached just now: what you sent may not have been saved. "
            "Sending it again in a minute is safe."
        )
    else:
        message = _(
            "The connection to the database broke while your request was handled: what you "
            "sent may or may not have been saved. Sending it again is safe."
        )
    if request.path.startswith("/api/"):
        response = error_json(503, "database_unavailable", message)
    else:
        # Who the reader is lives in the database too: the page is drawn for a visitor.
        current_app.login_manager._update_request_context_with_user()
        response = current_app.make_response(render_error(503, message))
    response.headers["Retry-After"] = str(RETRY_UNREACHABLE if unreachable(exc) else RETRY_BROKEN)
    return response


def init_app(app: Flask) -> None:
    """Answer a database that cannot be reached or a connection lost mid-request."""
    app.register_error_handler(DBAPIError, _lost)
