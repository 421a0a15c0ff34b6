"""The search page: a query box, results with snippets, facets to narrow them."""

from __future__ import annotations

from urllib.parse import quote_plus

from flask import current_app, g, render_template, request, url_for
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from marshmallow import ValidationError

from kb import labels
from kb.api.search import filters_of
from kb.catalog import CATALOG
from kb.extensions import babel
from kb.fragments import fragments
from kb.httpcache import anonymous
from kb.i18n import LANGUAGES, current_language, language_name, pick, translated
from kb.keep import kept
from kb.schemas import messages
from kb.schemas.search import SearchArgs
from kb.search import SearchUnavailable, search
from kb.searchcache import kept_or_rendered
from kb.urls import record_url
from kb.views import bp, shells
from kb.views.search_html import QUERY_SAFE, results_html, search_url
from kb.views.text import numbers

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
#: The arguments' schema, made once (making one cost ~0.1 ms, and a page made three).
ARGS = SearchArgs()
#: The arguments a page repeats as chosen filters.
CHOSEN = frozenset(ARGS.fields) | {"list"}
#: What the schema loads from a query string that gives none of its arguments.
DEFAULTS = ARGS.load({})
#: The arguments the schema reads but `q` (by their names in a query string).
FILTERING = frozenset(field.data_key or name for name, field in ARGS.load_fields.items()) - {"q"}


def _arguments(given) -> dict:
    """`ARGS.load(given)`: a query string that gives no argument but `q` (most, and every
    new query typed in the box) is `q` and the defaults, without the schema's nine fields
    asked of it one by one (~0.1 ms); `q` is any text, never refused."""
    if FILTERING.isdisjoint(given):
        q = given.get("q")
        return {**DEFAULTS, "q": q} if isinstance(q, str) else dict(DEFAULTS)
    # A plain dict (the first value of each argument, as `MultiDict.get` gives it): a
    # MultiDict's `get` of an argument not given raises and catches a BadRequestKeyError.
    return ARGS.load(given.to_dict())


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


def _labeller(field: str, countries: dict, lang: str):
    """How a facet's values read (`countries`: the index's country names, as the results
    came with them; `lang`: the reader's language)."""
    if field == "type":
        return lambda v: translated(CATALOG[v].title) if v in CATALOG else v
    if field == "country":  # from the index, as the results are: no database reading
        return lambda v: str(pick(countries[v], lang)) if countries.get(v) else v
    if field in ("domain", "list"):
        group = "domain" if field == "domain" else "unesco_list"
        return lambda v: labels.label(group, v)
    if field == "lang":
        return lambda v: language_name(v, lang)
    return str


def _html(text) -> str:
    """`text` escaped, as a plain string (kept forms are joined, not escaped again)."""
    return str(escape(text))


#: Parts kept per app and process (`page_parts`): each language's, a few times over.
PARTS_KEPT = 64
#: Values a kept part holds per kind (facet values, countries, numbers, hits), at most.
VALUES_KEPT = 4096


class PageParts:
    """What every fresh results page in one language writes alike, made once per process
    and key (`page_parts`) instead of once a page: the search page's address (a `url_for`
    costs ~90 µs), the fixed sentences, each facet value's label and `arg=value` piece of
    a link, counts as written, a hit's heading (type, link, name) and the language
    switch's addresses. Each is kept with its escaped form, so that a page joins them
    without escaping them again. Its bounded get-or-make is written out rather than
    asked of `kb.keep.kept`: a closure made per facet value and count cost ~1 % of a
    fresh page's instructions.

    Everything here is a function of the key: the language of the text and of the
    address, the catalogue, the build and the application's root (and, for the country
    facet, the index's names the results came with, `results.countries`)."""

    def __init__(self, catalogue):
        self.lang = current_language()
        self.catalogue = catalogue
        self.number = numbers()
        self.base = url_for("pages.search")
        self.base_html = _html(self.base)
        self.headings = {arg: translated(heading) for _field, arg, heading in FACETS}
        # The language switch's addresses, as `switch_language_url` writes them here
        # (the search page has no view arguments but its language), escaped.
        self._switch = [
            (f"lang-{code}", _html(url_for("pages.search", lang=code))) for code in LANGUAGES
        ]
        self.headings_html = {arg: _html(heading) for arg, heading in self.headings.items()}
        self._said: dict[str, Markup] = {}
        self._values: dict[tuple, tuple] = {}
        self._countries: tuple[dict | None, dict] = (None, {})
        self._counts: dict[int, str] = {}
        self._langs: dict[str, str] = {}
        self._hits: dict[tuple, tuple] = {}

    def said(self, string: str) -> Markup:
        """A fixed sentence of the page (no variables), translated as `_` gives it."""
        found = self._said.get(string)
        if found is None:
            found = self._said[string] = Markup(self.catalogue.ugettext(string)) % {}
        return found

    def value(self, field: str, arg: str, value: str, countries: dict) -> tuple:
        """A facet value's label, its escaped form, its `arg=value` piece of a query
        string and that piece escaped, and the value in capitals (to compare)."""
        store, key = self._values, (field, value)
        if field == "country":  # the labels come with the index's names
            known = self._countries
            if known[0] is not countries:
                known = self._countries = (countries, {})
            store, key = known[1], value
        found = store.get(key)
        if found is None:
            label = _labeller(field, countries, self.lang)(value)
            piece = f"{quote_plus(arg, safe=QUERY_SAFE)}={quote_plus(str(value), safe=QUERY_SAFE)}"
            found = (label, _html(label), piece, _html(piece), value.upper())
            if len(store) >= VALUES_KEPT:
                store.clear()
            store[key] = found
        return found

    def language_urls(self, query: str) -> dict[str, str]:
        """The language switch's addresses of a search page with query string `query`
        (each a shell's hole, escaped): `switch_language_url` asked the request for the
        page's endpoint, view arguments and root three times a page."""
        tail = f"?{_html(query)}" if query else ""
        return {name: f"{url}{tail}" for name, url in self._switch}

    def count_html(self, count: int) -> str:
        """A count as the page writes it, escaped."""
        found = self._counts.get(count)
        if found is None:
            found = _html(self.number(count))
            if len(self._counts) >= VALUES_KEPT:
                self._counts.clear()
            self._counts[count] = found
        return found

    def lang_attr(self, code: str | None) -> str:
        """A snippet's ` lang="…"` attribute (none for no language)."""
        found = self._langs.get(code)
        if found is None:
            found = f' lang="{_html(code)}"' if code else ""
            if len(self._langs) >= VALUES_KEPT:
                self._langs.clear()
            self._langs[code] = found
        return found

    def hit_html(self, hit) -> str:
        """A hit's kicker and heading: its type, and its name linked to its page (kept
        per record while its names are the same object: a new index's are new ones)."""
        found = self._hits.get((hit.type, hit.slug))
        if found is None or found[0] is not hit.name:
            href = record_url("pages.record", hit.type, hit.slug)
            html = (
                f'\n        <p class="kicker">{_html(type_label(hit.type))}</p>\n'
                f'        <h3><a href="{_html(href)}">{name_html(hit.name, self.lang)}</a></h3>'
            )
            found = (hit.name, html)
            if len(self._hits) >= VALUES_KEPT:
                self._hits.clear()
            self._hits[hit.type, hit.slug] = found
        return found[1]


def page_parts() -> PageParts:
    """The current request's `PageParts`, kept under the fragments' key
    (kb/fragments.py: language, Babel's locale, build, root), the address's language and
    the catalogue; made afresh where nothing may be kept."""
    lang = g.get("lang")  # the address's language (`url_for` adds it)
    end = fragments(current_app.jinja_env).key([])
    # The reader's catalogue from our domain, as `kb.i18n.translated` asks for it:
    # Flask-Babel's `get_translations` looks its domain up in the request first.
    catalogue = babel.domain_instance.get_translations()
    if end is None or not lang:
        return PageParts(catalogue)
    store = current_app.extensions.setdefault("kb-search-parts", {})  # an app's own URLs
    return kept(store, (lang, catalogue, *end), lambda: PageParts(catalogue), PARTS_KEPT)


def facet_boxes(results, chosen: dict, parts: PageParts | None = None) -> list[dict]:
    """The sidebar: per facet, its values with counts and the link that toggles each
    (`label`, `url` and their escaped forms `label_html`, `href`)."""
    parts = parts or page_parts()
    base, countries = parts.base, results.countries
    # Each argument of the address as it reads in a link, but the page: encoded once,
    # each facet's links leave out their own.
    given = [
        (k, f"{quote_plus(k, safe=QUERY_SAFE)}={quote_plus(v, safe=QUERY_SAFE)}")
        for k, v in request.args.items()
        if k != "page"
    ]
    boxes = []
    for field, arg, _heading in FACETS:
        values = _values(field, results.facets.get(field) or [])
        if not values or (len(values) == 1 and arg not in chosen and field != "type"):
            continue
        options = []
        # `search_url(base, others + {arg: value})`: the arguments the values share,
        # then `arg` last, as a dict adds it.
        others = "&".join(piece for k, piece in given if k != arg)
        shared = f"{base}?{others}" if others else base
        shared_html = _html(shared)
        joined, joined_html = (
            (f"{shared}&", f"{shared_html}&amp;") if others else (f"{base}?", f"{parts.base_html}?")
        )
        picked = str(chosen.get(arg, "")).upper()
        for value, count in values:
            label, label_html, piece, piece_html, upper = parts.value(field, arg, value, countries)
            selected = picked == upper
            options.append(
                {
                    "label": label,
                    "label_html": label_html,
                    "count": count,
                    "url": shared if selected else f"{joined}{piece}",
                    "href": shared_html if selected else f"{joined_html}{piece_html}",
                    "selected": selected,
                }
            )
        boxes.append({"heading": parts.headings[arg], "options": options, "arg": arg})
    return boxes


def suggested_filters(results, parts: PageParts | None = None) -> dict | None:
    """The filters the query names ("festivals of Uzbekistan"), as one link and a label."""
    wanted = results.suggested_filters if results else {}
    if not wanted:
        return None
    parts = parts or page_parts()
    args = {k: v for k, v in request.args.items() if k != "page"}
    labels_ = []
    for field, arg, _heading in FACETS:
        if field in wanted:
            args[arg] = wanted[field]
            labels_.append(parts.value(field, arg, wanted[field], results.countries)[0])
    return {"url": search_url(parts.base, args), "label": " · ".join(labels_)}


def type_label(name: str):
    """A hit's type as a heading: the lazy string as the template had it (its text, as
    is), or the name of a type not in the catalogue."""
    return Markup(translated(CATALOG[name].title_one)) if name in CATALOG else name


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
        args = _arguments(request.args)
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
        parts = page_parts()
        boxes = facet_boxes(results, chosen, parts) if results.total else []
        suggested = suggested_filters(results, parts)
        listing = results_html(q, results, boxes, chosen, suggested, parts)
    context = {"q": q, "results": results, "errors": {}, "listing": listing}
    if results is None or not anonymous():
        return render_template("search.html", **context)
    # What the page shows but the query, the language switch's addresses and the
    # results is the same for every anonymous reader in one language: kept as a shell.
    return shells.render(
        "search.html",
        (bool(q),),  # an empty query is no hole: the box then has the focus
        context,
        {
            "q": shells.mark("q") if q else "",
            "listing": shells.mark("listing"),
            "language_url": _language_mark,
        },
        lambda: {
            "q": escape(q),
            "listing": listing,
            **parts.language_urls(request.query_string.decode()),
        },
    )


def _language_mark(code: str) -> Markup:
    """The language switch's address in a search page's shell (base.html)."""
    return shells.mark(f"lang-{code}")
