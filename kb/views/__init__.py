"""Pages for people, under a language prefix: /en/…, /ru/…, /ko/…"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, g, redirect, request, url_for

from kb import httpcache, labels
from kb.extensions import csrf
from kb.fragments import FragmentCache
from kb.i18n import LANGUAGES, negotiate
from kb.keep import kept
from kb.views import text

bp = Blueprint("pages", __name__, url_prefix="/<lang>")


@bp.url_value_preprocessor
def _pull_lang(endpoint, values):
    lang = (values or {}).pop("lang", None)
    if lang not in LANGUAGES:
        abort(404)
    g.lang = lang


@bp.url_defaults
def _add_lang(endpoint, values):
    values.setdefault("lang", g.get("lang") or negotiate())


#: Pages' addresses in each language kept per process (`switch_language_url`: three a
#: page, each a function of the page, the language and the application's root).
LANGUAGE_ADDRESSES_KEPT = 4096


def switch_language_url(lang: str) -> str:
    """The address of the current page in another language (same record, same filters)."""
    endpoint, view_args = request.endpoint, request.view_args
    if endpoint and endpoint.startswith("pages.") and view_args is not None:
        key = (endpoint, tuple(sorted(view_args.items())), lang, request.script_root)
        store = current_app.extensions.setdefault("kb-language-addresses", {})
        url = kept(
            store, key, lambda: url_for(endpoint, **view_args, lang=lang), LANGUAGE_ADDRESSES_KEPT
        )
        query = request.query_string.decode()
        return f"{url}?{query}" if query else url
    return url_for("pages.home", lang=lang)


def _root():
    """Send the reader to the language their browser prefers."""
    response = redirect(url_for("pages.home", lang=negotiate()))
    response.headers["Vary"] = "Accept-Language"
    return response


def init_app(app: Flask) -> None:
    """Register the pages, the root redirect and the template helpers."""
    from kb.views import (  # noqa: F401  (their routes)
        accounts,
        assets,
        calendar,
        crawl,
        events,
        exports,
        feeds,
        glossary,
        health,
        helpers,
        images,
        maps,
        members,
        membership,
        moderation,
        oai,
        organize,
        pages,
        proposals,
        registrants,
        roles,
        search,
        submissions,
        tokens,
        zones,
    )

    app.register_blueprint(bp)
    app.register_blueprint(events.calendars)
    app.register_blueprint(images.media)
    app.register_blueprint(crawl.crawl)
    app.register_blueprint(exports.exports)
    app.register_blueprint(oai.oai)
    # OAI-PMH allows POST for long arguments; it reads only, and no cookie is consulted.
    csrf.exempt(oai.oai)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.add_extension(FragmentCache)  # {% cache %}: kb/fragments.py
    app.add_url_rule("/", "root", _root)
    app.add_url_rule("/healthz", "healthz", health.healthz)
    app.jinja_env.globals.update(
        label=labels.label,
        labels=labels,
        switch_language_url=switch_language_url,
        page_links=crawl.page_links,
        page_description=crawl.page_description,
        structured_data=crawl.structured_data,
        feed_links=feeds.feed_links,
    )
    text.init_app(app)
    assets.init_app(app)
    httpcache.init_app(app)
