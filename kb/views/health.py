"""`GET /healthz`: each component's state, for load balancers and monitors."""

from __future__ import annotations

from flask import jsonify

from kb.services import health


def healthz():
    """200 while the site can serve (`ok` or `degraded`), 503 when it cannot."""
    report = health.check()
    response = jsonify(report)
    response.status_code = 503 if report["status"] == health.FAILING else 200
    response.headers["Cache-Control"] = "no-store"
    return response
