"""The search page: a query box, results with snippets, facets to narrow them."""

from __future__ import annotations

from urllib.parse import quote_plus, urlencode

from flask import render_template, request, url_for
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from marshmallow import ValidationError

from kb import labels
from kb.api.search import filters_of
from kb.catalog import CATALOG
from kb.i18n import LANGUAGES, current_language, language_name, pick, translated
from kb.schemas import messages
from kb.schemas.search import SearchArgs
from kb.search import SearchUnavailable, search
from kb.searchcache import kept_or_rendered
from kb.views import bp
from kb.views.search_html import results_html

#: Facet field → (query argument, heading).
FACETS = [
    ("type", "type", _l("Type")),
    ("country", "country", _l("Country")),
    ("domain", "domain", _l("Domain")),
    ("list", "list", _l("UNESCO list")),
    ("year", "year", _l("Year")),
    ("lang", "language", _l("Name in a community language")),
]
#: How many values a facet shows (by count); years are all shown, in year order.
SHOWN = 12
#: Characters a query string keeps as they are (werkzeug's, so links read as url_for's).
QUERY_SAFE = "!$'()*,/:;?@"
#: The arguments' schema, made once (making one cost ~0.1 ms, and a page made three).
ARGS = SearchArgs()
#: The arguments a page repeats as chosen filters.
CHOSEN = frozenset(ARGS.fields) | {"list"}


def _values(field: str, values: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The values a facet box offers, in the order a reader scans them.

    Every record has its texts in the working languages, so those values of the language
    facet tell nothing; what is left are the languages of communities (Persian, Uzbek…).
    """
    if field == "year":
        return sorted(values, key=lambda pair: int(pair[0]) if pair[0].isdigit() else 0)[::-1]
    if field == "lang":
        values = [(v, n) for v, n in values if v not in LANGUAGES]
    return values[:SHOWN]


def _labeller(field: str, values: list[str], countries: dict, lang: str | None = None):
    """How a facet's values read (`countries`: the index's country names, as the results
    came with them; `lang`: the reader's language, if already known)."""
    if field == "type":
        return lambda v: translated(CATALOG[v].title) if v in CATALOG else v
    if field == "country":  # from the index, as the results are: no database reading
        lang = lang or current_language()
        return lambda v: str(pick(countries[v], lang)) if countries.get(v) else v
    if field in ("domain", "list"):
        group = "domain" if field == "domain" else "unesco_list"
        return lambda v: labels.label(group, v)
    if field == "lang":
        lang = lang or current_language()
        return lambda v: language_name(v, lang)
    return str


def _search_url(base: str, args: dict) -> str:
    """The search page (`base`: its address) with query string `args`, as `url_for`
    writes one, without asking `url_for` for each of a page's dozens of links, whatever
    the arguments are named (`url_for` reads `endpoint`, `_external`, `lang` as its own)."""
    return f"{base}?{urlencode(list(args.items()), safe=QUERY_SAFE)}" if args else base


def facet_boxes(results, chosen: dict) -> list[dict]:
    """The sidebar: per facet, its values with counts and the link that toggles each."""
    boxes = []
    base = url_for("pages.search")
    lang = current_language()
    for field, arg, heading in FACETS:
        values = _values(field, results.facets.get(field) or [])
        if not values or (len(values) == 1 and arg not in chosen and field != "type"):
            continue
        label = _labeller(field, [v for v, _ in values], results.countries, lang)
        options = []
        others = {k: v for k, v in request.args.items() if k not in ("page", arg)}
        # `_search_url(base, others + {arg: value})`, the arguments the values share
        # encoded once: `arg` comes last, as a dict adds it.
        shared = _search_url(base, others)
        joined = f"{shared}&" if others else f"{base}?"
        name = quote_plus(arg, safe=QUERY_SAFE)
        picked = str(chosen.get(arg, "")).upper()
        for value, count in values:
            selected = picked == value.upper()
            url = shared
            if not selected:
                url = f"{joined}{name}={quote_plus(str(value), safe=QUERY_SAFE)}"
            options.append(
                {"label": label(value), "count": count, "url": url, "selected": selected}
            )
        boxes.append({"heading": translated(heading), "options": options, "arg": arg})
    return boxes


def suggested_filters(results) -> dict | None:
    """The filters the query names ("festivals of Uzbekistan"), as one link and a label."""
    wanted = results.suggested_filters if results else {}
    if not wanted:
        return None
    args = {k: v for k, v in request.args.items() if k != "page"}
    labels_ = []
    for field, arg, _heading in FACETS:
        if field in wanted:
            args[arg] = wanted[field]
            labels_.append(_labeller(field, [wanted[field]], results.countries)(wanted[field]))
    return {"url": _search_url(url_for("pages.search"), args), "label": " · ".join(labels_)}


def _type_labels():
    """A hit's type as a heading (each type's name translated once a page, not a hit)."""
    named: dict[str, object] = {}

    def label(name: str):
        if name not in named:  # the lazy string as the template had it: its text, as is
            named[name] = Markup(translated(CATALOG[name].title_one)) if name in CATALOG else name
        return named[name]

    return label


def name_html(value, lang: str | None = None) -> Markup:
    """A hit's name as the `t` macro of templates/_macros.html writes it (the reader's
    language, or another with its name): in Python, twenty macro calls a page less."""
    loc = pick(value, lang)
    if not loc:
        return Markup("")
    # f-strings with `escape`, as `Markup.format` writes them (its formatter cost ~4 times more)
    html = Markup(f'<span lang="{escape(loc.lang)}">{escape(loc.text)}</span>')
    if loc.is_fallback:
        language = language_name(loc.lang, lang)
        # As the template's `_(…, language=…)` gives it: the translation as markup, the
        # name escaped into it.
        title = Markup(get_translations().ugettext(FALLBACK_TITLE)) % {"language": language}
        html += Markup(f' <span class="fallback" title="{escape(title)}">{escape(language)}</span>')
    return html


#: The `t` macro's note on a name not in the reader's language (templates/_macros.html).
FALLBACK_TITLE = "Not available in your language; shown in %(language)s."


@bp.get("/search", endpoint="search")
def search_page():
    """Results for `q`, narrowed by the filters in the query string."""
    try:
        args = ARGS.load(request.args)
    except ValidationError as exc:
        errors = messages.translate(exc.messages)
        page = render_template("search.html", q="", results=None, errors=errors)
        return page, 400
    q = args["q"].strip()
    filters = filters_of(args)
    if not (q or filters):
        return _results_page(q, filters, args)
    try:
        # The same address in the same language over the same index and data: the
        # answer already rendered (kb/searchcache.py).
        return kept_or_rendered(lambda: _results_page(q, filters, args))
    except SearchUnavailable:  # never "nothing found" from an index that is not right
        page = render_template("search.html", q=q, results=None, errors={}, rebuilding=True)
        return page, 503, {"Retry-After": "60"}


def _results_page(q: str, filters: dict, args: dict) -> str:
    results = None
    if q or filters:
        results = search(
            q, filters, page=args["page"], per_page=args["per_page"], lang=current_language()
        )
    chosen = {k: v for k, v in request.args.items() if k in CHOSEN}
    chosen.pop("q", None)
    listing = None
    if results is not None:
        boxes = facet_boxes(results, chosen) if results.total else []
        suggested = suggested_filters(results)
        listing = results_html(q, results, boxes, chosen, suggested, _type_labels(), name_html)
    return render_template("search.html", q=q, results=results, errors={}, listing=listing)
