"""Atom feeds of what changed, per language and per record type, and the head links to them.

A feed lists the public records that changed last (new ones and updated ones, events
among them), each at its page in the feed's language. Every address is absolute, from the
`BASE_URL` setting. Feeds are read by polling, so they may be cached for a few minutes.
"""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _
from jinja2 import pass_context

from kb.catalog import BY_MODEL, CATALOG, COLLECTIONS, RECORD_TYPES
from kb.i18n import current_language, pick
from kb.services import exchange
from kb.urls import absolute_url
from kb.views import bp
from kb.views.crawl import _shown, shorten, w3c

#: How long a feed may be cached (seconds): readers poll, changes are not urgent.
FEED_MAX_AGE = 300
#: The fields a record's summary in a feed is taken from, first one present wins.
SUMMARY_FIELDS = ("summary", "description", "theme", "body")


def _entry(record, lang: str) -> dict:
    record_type = BY_MODEL[type(record)]
    title = pick(record.label, lang)
    summary = None
    for field in SUMMARY_FIELDS:
        text = pick(getattr(record, field, None), lang)
        if text:
            summary = {"text": shorten(text.text, 500), "lang": text.lang}
            break
    url = absolute_url("pages.record", collection=record_type.name, slug=record.slug, lang=lang)
    return {
        "id": url,
        "url": url,
        "title": {"text": title.text, "lang": title.lang} if title else {"text": record.slug},
        "summary": summary,
        "updated": w3c(record.updated_at),
        "published": w3c(record.created_at),
        "category": record_type.singular,
        "category_label": str(record_type.title_one),
    }


def _feed(record_types, title: str, page: str) -> Response:
    lang = current_language()
    records = exchange.recent([rt.model for rt in record_types])
    entries = [_entry(record, lang) for record in records]
    self_url = absolute_url(request.endpoint, lang=lang, **(request.view_args or {}))
    body = render_template(
        "feeds/changes.atom.xml",
        lang=lang,
        title=title,
        self_url=self_url,
        home_url=absolute_url("pages.home", lang=lang),
        # Strings of XML templates are not extracted for translation: they come from here.
        site_name=_("Silk Roads ICH Network"),
        page_url=page,
        # An empty feed still needs a date: the epoch says "nothing yet".
        updated=entries[0]["updated"] if entries else "1970-01-01T00:00:00Z",
        entries=entries,
    )
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    return response


@bp.get("/feed.atom")
def changes_feed():
    """What changed last in the whole knowledge base, in the reader's language."""
    return _feed(
        RECORD_TYPES,
        _("Silk Roads ICH Network: what is new"),
        absolute_url("pages.home", lang=current_language()),
    )


@bp.get(f"/feeds/<{COLLECTIONS}:collection>.atom")
def collection_feed(collection: str):
    """What changed last among the records of one type."""
    record_type = CATALOG[collection]
    return _feed(
        [record_type],
        _("Silk Roads ICH Network: %(records)s", records=record_type.title),
        absolute_url("pages.collection", collection=collection, lang=current_language()),
    )


@pass_context
def feed_links(context) -> list[dict]:
    """The feeds a page offers in its head: Atom feeds of changes, and event calendars."""
    lang = current_language()
    _item, record_type = _shown(context)
    links = []
    if record_type is not None:
        links.append(
            {
                "type": "application/atom+xml",
                "title": _("What is new: %(records)s", records=record_type.title),
                "href": url_for("pages.collection_feed", collection=record_type.name, lang=lang),
            }
        )
    links.append(
        {
            "type": "application/atom+xml",
            "title": _("What is new in the knowledge base"),
            "href": url_for("pages.changes_feed", lang=lang),
        }
    )
    if record_type is not None and context.get("item") is None:
        # A list offers all its public records as files too (see kb.views.exports).
        for fmt, mimetype in (("csv", "text/csv"), ("json", "application/json")):
            links.append(
                {
                    "type": mimetype,
                    "title": _(
                        "%(records)s: every public record, every language (%(format)s)",
                        records=record_type.title,
                        format=fmt.upper(),
                    ),
                    "href": url_for("exports.export", collection=record_type.name, fmt=fmt),
                }
            )
    calendar = _calendar_filters(context, record_type)
    if calendar is not None:
        links.append(
            {
                "type": "text/calendar",
                "title": _("Calendar of the network’s events"),
                "href": url_for("calendars.all_events_calendar", **calendar, lang=lang),
            }
        )
    return links


def _calendar_filters(context, record_type) -> dict | None:
    """The events calendar matching the page: a country's, a list's filters, or None."""
    item = context.get("item")
    if record_type is None:
        return None
    if record_type.name == "countries" and item is not None:
        return {"country": item.code}
    if record_type.name == "events" and item is None:
        filters = context.get("filters") or {}
        return {k: filters[k] for k in ("kind", "language", "country") if filters.get(k)}
    return None
