"""The e-mails of events, in the registrant's language: confirmation and joining links.

Both have a plain-text and an HTML part rendered from templates/mail/, with every time in
the event's zone and in the registrant's own. Queued in the caller's transaction.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from kb.calendars import calendar
from kb.cancellation import cancel_token
from kb.i18n import in_language, pick
from kb.mail import queue_mail
from kb.models import Registration
from kb.programme import programme, zones_differ
from kb.urls import absolute_url


def _context(registration: Registration) -> dict:
    event = registration.event
    reader = registration.timezone or "UTC"
    return {
        "registration": registration,
        "event": event,
        "title": pick(event.title).text,
        "reader_zone": reader,
        # Without the registrant's own zone, the second column is plain UTC, said so.
        "zone_known": bool(registration.timezone),
        "differ": zones_differ(event, reader),
        "days": programme(event, reader),
        "event_url": absolute_url("pages.event", lang=registration.language, slug=event.slug),
    }


def _render(name: str, context: dict) -> tuple[str, str]:
    return (
        render_template(f"mail/{name}.txt", **context),
        render_template(f"mail/{name}.html", **context),
    )


def queue_confirmation(registration: Registration) -> None:
    """Queue the confirmation, with the event's calendar file and a cancellation link."""
    stamp = registration.consented_at.strftime("%Y%m%dT%H%M%S%f")
    with in_language(registration.language):
        context = _context(registration)
        context["cancel_url"] = absolute_url(
            "pages.cancel_registration",
            lang=registration.language,
            token=cancel_token(registration),
        )
        text, html = _render("registration_confirmed", context)
        ics = calendar([registration.event], registration.language, context["title"])
        queue_mail(
            registration.email,
            _("Registration confirmed: %(title)s", title=context["title"]),
            text,
            html=html,
            attachments=[(f"{registration.event.slug}.ics", "text/calendar", ics)],
            key=f"registration:{registration.id}:confirmation:{stamp}",
        )


def queue_links_mail(
    registration: Registration, links: dict, *, number: int = 1, replaces: bool = False
) -> str:
    """Queue the registration's `number`th joining-links e-mail; returns its outbox key.

    The first is keyed `registration:<id>:links` (as it always was), later ones
    `…:links:<number>`. With `replaces`, the e-mail says these links replace the ones
    sent before.
    """
    key = f"registration:{registration.id}:links" + (f":{number}" if number > 1 else "")
    sessions = {s.uid: s for s in registration.event.sessions}
    with in_language(registration.language):
        context = _context(registration)
        context["event_link"] = links.get("event")
        context["session_links"] = [
            (sessions[item["session"]], item["url"])
            for item in links.get("sessions", [])
            if item.get("session") in sessions
        ]
        context["replaces"] = replaces
        text, html = _render("event_links", context)
        subject = (
            _("New joining links: %(title)s", title=context["title"])
            if replaces
            else _("Joining links: %(title)s", title=context["title"])
        )
        queue_mail(
            registration.email,
            subject,
            text,
            html=html,
            key=key,
        )
    return key
