"""What crawlers and browsers ask of the site's root: robots.txt, sitemaps, icons, manifest.

Every address here is absolute and built from the `BASE_URL` setting (never from the
request's Host header), so what search engines keep points at the real site.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cached_property

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from jinja2 import pass_context

from kb.catalog import BY_MODEL, CATALOG, COLLECTIONS, RECORD_TYPES, RecordType
from kb.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language, pick
from kb.keep import kept
from kb.schemas import linked
from kb.services import exchange
from kb.urls import absolute_url
from kb.views import bp

crawl = Blueprint("crawl", __name__)

#: Where nothing is for search engines: forms, accounts, moderation, search results.
PRIVATE_PATHS = (
    "/*/account/",
    "/*/organize/",
    "/*/moderation/",
    "/*/coordination/",
    "/*/membership/",
    "/*/submissions/",
    "/*/registrations/",
    "/*/search",
    "/*/events/*/register",
)


def w3c(moment: datetime | None) -> str | None:
    """A W3C datetime in UTC (what sitemaps and feeds want), or None."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def alternates(endpoint: str, **values) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of a page in every language, then `x-default` (English)."""
    out = [(code, absolute_url(endpoint, lang=code, **values)) for code in LANGUAGES]
    out.append(("x-default", absolute_url(endpoint, lang=DEFAULT_LANGUAGE, **values)))
    return out


def _xml(template: str, **context) -> Response:
    body = render_template(template, **context)
    return Response(body, mimetype="application/xml")


@crawl.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in PRIVATE_PATHS), ""]
    lines.append(f"Sitemap: {absolute_url('crawl.sitemap_index')}")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@crawl.get("/sitemap.xml")
def sitemap_index():
    """One sitemap for the fixed pages, and one (or more, when large) per record type."""
    sitemaps = [{"loc": absolute_url("crawl.sitemap_pages"), "lastmod": None}]
    for rt in RECORD_TYPES:
        for part, changed in enumerate(exchange.sitemap_chunks(rt.model), start=1):
            sitemaps.append(
                {
                    "loc": absolute_url("crawl.sitemap", collection=rt.name, part=part),
                    "lastmod": w3c(changed),
                }
            )
    return _xml("crawl/sitemap_index.xml", sitemaps=sitemaps)


@crawl.get("/sitemaps/pages.xml")
def sitemap_pages():
    urls = [{"alternates": alternates("pages.home"), "lastmod": None}]
    for rt in RECORD_TYPES:
        changed = w3c(exchange.last_change(rt.model))
        urls.append(
            {"alternates": alternates("pages.collection", collection=rt.name), "lastmod": changed}
        )
    urls.append({"alternates": alternates("pages.glossary"), "lastmod": None})
    urls.append({"alternates": alternates("pages.map"), "lastmod": None})
    urls.append({"alternates": alternates("pages.calendar"), "lastmod": None})
    urls.append({"alternates": alternates("pages.members"), "lastmod": None})
    return _xml("crawl/sitemap.xml", urls=urls)


@crawl.get(f"/sitemaps/<{COLLECTIONS}:collection>-<int:part>.xml")
def sitemap(collection: str, part: int):
    """Every public record of one type: each language version with its alternates."""
    rt = CATALOG[collection]
    stamps = exchange.public_stamps(rt.model, part - 1) if part >= 1 else []
    if not stamps and part != 1:
        abort(404)
    urls = [
        {
            "alternates": alternates("pages.record", collection=collection, slug=stamp.slug),
            "lastmod": w3c(stamp.updated_at),
        }
        for stamp in stamps
    ]
    return _xml("crawl/sitemap.xml", urls=urls)


@crawl.get("/favicon.ico")
def favicon():
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest in the reader's language."""
    lang = g.lang
    response = jsonify(
        {
            "name": _("Silk Roads ICH Network"),
            "short_name": _("Silk Roads ICH"),
            "description": _(
                "Knowledge base, directory and event platform of the Silk Roads "
                "intangible cultural heritage network."
            ),
            "lang": lang,
            "start_url": url_for("pages.home", lang=lang),
            "scope": "/",
            "display": "browser",
            "background_color": "#fbf8f3",
            "theme_color": "#8a3b12",
            "icons": [
                {
                    "src": url_for("static", filename="icons/icon-192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                },
                {
                    "src": url_for("static", filename="icons/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                },
                {
                    "src": url_for("static", filename="icons/maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
                {
                    "src": url_for("static", filename="icons/icon.svg"),
                    "sizes": "any",
                    "type": "image/svg+xml",
                },
            ],
        }
    )
    response.mimetype = "application/manifest+json"
    return response


#: Open Graph locales of the working languages.
OG_LOCALES = {"en": "en_GB", "ru": "ru_RU", "ko": "ko_KR"}
#: Meta descriptions longer than this are cut at a word (search engines show about 155).
DESCRIPTION_LENGTH = 160


@pass_context
def page_links(context) -> PageLinks | None:
    """The canonical address of the current page and its language versions, all absolute.

    Query strings are left out (filters, sorting) but for a list's page number, so the
    filtered views of a list name the list itself as canonical. None off the language pages.
    """
    if not (request.endpoint or "").startswith("pages.") or request.view_args is None:
        return None
    values = dict(request.view_args)
    values.pop("lang", None)
    page = request.args.get("page", type=int)
    if request.endpoint == "pages.collection" and page and page > 1:
        values["page"] = page
    return PageLinks(context, request.endpoint, values, current_language())


class PageLinks:
    """A page's links for its head, each worked out when first read: a page that keeps
    its head ({% cache %}, the search page) reads none of them."""

    def __init__(self, context, endpoint: str, values: dict, lang: str):
        self._context, self._endpoint, self._values, self.lang = context, endpoint, values, lang

    @cached_property
    def _both(self) -> tuple[str, tuple]:
        return _addresses(self._endpoint, self._values, self.lang)

    @property
    def canonical(self) -> str:
        return self._both[0]

    @property
    def alternates(self) -> list:
        return list(self._both[1])

    @property
    def locale(self) -> str:
        return OG_LOCALES.get(self.lang, self.lang)

    @property
    def other_locales(self) -> list[str]:
        return [OG_LOCALES[c] for c in LANGUAGES if c != self.lang]

    @property
    def image(self) -> str:
        return absolute_url("static", filename="icons/icon-512.png")

    @property
    def type(self) -> str:
        return "article" if _shown(self._context)[0] is not None else "website"


#: Pages whose canonical and language addresses are kept per process (`_addresses`).
ADDRESSES_KEPT = 2048


def _addresses(endpoint: str, values: dict, lang: str) -> tuple[str, tuple]:
    """(canonical address, alternates) of a page: built once per page, language and
    BASE_URL in a process (five URLs a page, all a function of these)."""
    app = current_app
    key = (endpoint, tuple(sorted(values.items())), lang, app.config["BASE_URL"])

    def build() -> tuple[str, tuple]:
        return absolute_url(endpoint, lang=lang, **values), tuple(alternates(endpoint, **values))

    store = app.extensions.setdefault("kb-page-addresses", {})
    return kept(store, key, build, ADDRESSES_KEPT)


def shorten(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    """`text` on one line, cut at a word to at most `length` characters (with an ellipsis)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0].rstrip(",;:.—- ")
    return cut + "…"


def _shown(context):
    """The record a page shows and its type, or the list's type: (record, RecordType) or Nones."""
    item = context.get("item")
    record_type = BY_MODEL.get(type(item))
    if record_type is not None:
        return item, record_type
    listed = context.get("record_type")
    return None, listed if isinstance(listed, RecordType) else None


@pass_context
def page_description(context) -> str:
    """The meta description: the record's summary, the list's purpose, or the site's."""
    item, record_type = _shown(context)
    if item is not None:
        for field in ("summary", "description", "theme", "body"):
            text = pick(getattr(item, field, None))
            if text and not text.is_fallback:
                return shorten(text.text)
        name = pick(item.label)
        return shorten(f"{record_type.title_one}: {name}" if name else str(record_type.blurb))
    if record_type is not None:
        return shorten(str(record_type.blurb))
    return _(
        "Knowledge base, directory and event platform of the Silk Roads "
        "intangible cultural heritage network."
    )


@pass_context
def structured_data(context) -> dict | None:
    """The JSON-LD of the record a page shows (none for drafts, which only their editors see)."""
    item, record_type = _shown(context)
    if item is None:
        return None
    if not getattr(item, "is_published", True):
        return None
    return linked.document(record_type.linked_data, item, current_language())
