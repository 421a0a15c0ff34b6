"""Error pages for people (translated, in the URL's language) and JSON errors for the API."""

from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as HTTPNotFound

from kb.i18n import LANGUAGES, negotiate
from kb.services.common import NotFound


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def error_json(status: int, code: str, message: str, fields: dict | None = None):
    """A JSON error answer in the shape the API documents."""
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def render_error(status: int, message: str, details: list[str] | None = None):
    """An error page in the URL's language (or the browser's), with optional detail lines."""
    if not getattr(g, "lang", None):
        first = request.path.strip("/").split("/")[0]
        g.lang = first if first in LANGUAGES else negotiate()
    page = render_template("error.html", status=status, message=message, details=details)
    return page, status


def _http_error(exc: HTTPException):
    # The exception's own headers travel with the answer (405 names what is Allowed).
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    if _wants_json():
        code = (exc.name or "error").lower().replace(" ", "_")
        response = error_json(exc.code or 500, code, _http_message(exc.code))
        response.headers.extend(headers)
        return response
    page, status = render_error(exc.code or 500, _http_message(exc.code))
    return page, status, headers


def _http_message(status: int | None) -> str:
    messages = {
        400: _("The request could not be understood."),
        403: _("You are not allowed to do this."),
        404: _("There is nothing at this address."),
        405: _("This address does not accept that method."),
        413: _("What you sent is too large."),
        429: _("Too many requests: please wait a moment and try again."),
        500: _("Something went wrong on our side. Nothing you sent was lost; please try again."),
    }
    return messages.get(status or 500, _("Something went wrong."))


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(HTTPException, _http_error)
    # A record the services cannot find is a 404 page (the API answers its own JSON).
    app.register_error_handler(NotFound, lambda exc: _http_error(HTTPNotFound()))
