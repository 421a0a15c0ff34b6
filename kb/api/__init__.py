"""The JSON API under /api/v1: read every record type; JSON errors; the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from kb.errors import error_json
from kb.extensions import csrf
from kb.schemas import messages
from kb.services.common import NotFound, ServiceError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(ValidationError)
def _invalid(exc: ValidationError):
    # Query arguments that do not validate are a bad request; a body that does not is 422.
    status = 422 if request.method in ("POST", "PUT", "PATCH") else 400
    return error_json(status, "invalid", messages.summary(), messages.as_fields(exc.messages))


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound):
    return error_json(404, "not_found", exc.message)


@bp.errorhandler(ServiceError)
def _refused(exc: ServiceError):
    status = 409 if exc.code not in ("invalid",) else 422
    return error_json(status, exc.code, exc.message, messages.as_fields(exc.as_fields()))


@bp.after_request
def _public_reads(response):
    # Public data may be read by partner sites from the browser.
    if request.method == "GET":
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def json_body() -> dict:
    """The request's JSON object; `{}` for an empty body.

    Anything else (malformed JSON, a list, a string) is refused as invalid input, so a
    broken body can never pass for "change nothing".
    """
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        return {}
    if not isinstance(body, dict):
        raise ValidationError({"_schema": [_("Send a JSON object.")]})
    return body


def page_json(page, items: list) -> dict:
    """A collection answer."""
    return {"items": items, "total": page.total, "page": page.page, "per_page": page.per_page}


def init_app(app: Flask) -> None:
    """Register the API; it authenticates by token, not by form, so CSRF does not apply."""
    from kb.api import (  # noqa: F401  (their routes)
        affiliations,
        events,
        glossary,
        history,
        membership,
        openapi,
        proposals,
        read,
        roles,
        search,
        submissions,
    )

    csrf.exempt(bp)
    app.register_blueprint(bp)


__all__ = ["bp", "json_body", "jsonify", "page_json"]
