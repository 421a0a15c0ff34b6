"""The database going away: reads are retried once, writes are answered honestly.

Connections are checked before use (`pool_pre_ping`, set in kb/config.py), so a pool whose
connections the server dropped (a restart, a fail-over, `pg_terminate_backend`) costs
one reconnection, not a 500. A connection that breaks during a request is handled here:

- a read (GET, HEAD) is run again once, on a fresh connection (SQLAlchemy invalidates
  the whole pool when it sees a disconnect);
- a write is answered 503 with `Retry-After`: whatever it changed may or may not have
  been committed, and the answer says so. Sending it again is safe: a registration is
  unique per e-mail and event (a retry of one that was saved answers
  `already_registered`), a submission or an event by its slug.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError

from kb.extensions import db

READS = ("GET", "HEAD")


def _lost(exc: DBAPIError):
    if not exc.connection_invalidated:
        raise exc  # any other database error is a bug: the usual 500
    db.session.rollback()
    if request.method in READS and not g.get("db_retried") and request.endpoint:
        g.db_retried = True
        view = current_app.view_functions[request.endpoint]
        return current_app.make_response(current_app.ensure_sync(view)(**(request.view_args or {})))
    from kb.errors import error_json, render_error

    message = _(
        "The connection to the database broke while your request was handled: what you "
        "sent may or may not have been saved. Sending it again is safe."
    )
    if request.path.startswith("/api/"):
        response = error_json(503, "database_unavailable", message)
    else:
        response = current_app.make_response(render_error(503, message))
    response.headers["Retry-After"] = "1"
    return response


def init_app(app: Flask) -> None:
    """Answer a connection lost mid-request (see the module's docstring)."""
    app.register_error_handler(DBAPIError, _lost)
