"""Whole record types as files: /<type>.csv and /<type>.json, public records in every language."""

from __future__ import annotations

from flask import Blueprint, Response

from kb.catalog import CATALOG, COLLECTIONS
from kb.services import transfer

exports = Blueprint("exports", __name__)

#: How long an export may be cached (seconds).
EXPORT_MAX_AGE = 300
MIMETYPES = {"csv": "text/csv", "json": "application/json"}


@exports.get(f"/<{COLLECTIONS}:collection>.<any(csv, json):fmt>")
def export(collection: str, fmt: str):
    """Every public record of one type, as `kb export` writes it (see the README)."""
    body = transfer.export_bytes(CATALOG[collection], fmt)
    response = Response(body, mimetype=MIMETYPES[fmt])
    response.headers["Content-Type"] = f"{MIMETYPES[fmt]}; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{collection}.{fmt}"'
    response.headers["Cache-Control"] = f"public, max-age={EXPORT_MAX_AGE}"
    return response
