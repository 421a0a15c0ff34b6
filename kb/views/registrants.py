"""The registrant list of an event, on a page and as CSV, for its organisers only."""

from __future__ import annotations

import csv
import io
from collections import Counter

from babel import Locale
from flask import Response, render_template

from kb.i18n import current_language
from kb.services import registrations as regs
from kb.spreadsheet import spreadsheet_safe
from kb.views import bp
from kb.views.organize import managed

#: The CSV's columns: header, then how to read the value from a registration.
COLUMNS = [
    ("registered_at", lambda r: r.created_at.isoformat()),
    ("name", lambda r: r.name),
    ("email", lambda r: r.email),
    ("organization", lambda r: r.organization or ""),
    ("country", lambda r: r.country or ""),
    ("language", lambda r: r.language),
    ("timezone", lambda r: r.timezone or ""),
    ("status", lambda r: r.status),
    ("cancelled_at", lambda r: r.cancelled_at.isoformat() if r.cancelled_at else ""),
    ("links_sent_at", lambda r: r.links_sent_at.isoformat() if r.links_sent_at else ""),
]


def counts(registrations) -> dict:
    """Confirmed and cancelled, links sent, and confirmed registrants per language."""
    confirmed = [r for r in registrations if r.is_confirmed]
    return {
        "confirmed": len(confirmed),
        "cancelled": len(registrations) - len(confirmed),
        "links_sent": sum(1 for r in confirmed if r.links_sent_at),
        "languages": Counter(r.language for r in confirmed),
    }


@bp.get("/organize/events/<slug>/registrations")
def registrants(slug: str):
    """Who registered, with counts."""
    event = managed(slug)
    items = regs.registrations_of(event)
    return render_template(
        "organize/registrations.html",
        item=event,
        registrations=items,
        counts=counts(items),
        countries=Locale.parse(current_language()).territories,
        state=regs.registration_state(event),
    )


@bp.get("/organize/events/<slug>/registrations.csv")
def registrants_csv(slug: str):
    """The registrant list as CSV: UTF-8 with a byte-order mark, so spreadsheets read
    Cyrillic and Hangul correctly."""
    event = managed(slug)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([name for name, _read in COLUMNS])
    for registration in regs.registrations_of(event):
        writer.writerow([spreadsheet_safe(read(registration)) for _name, read in COLUMNS])
    response = Response(out.getvalue().encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{event.slug}-registrations.csv"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
