"""The results part of the search page (facets, chosen filters, glossary, hits, pages),
written in Python.

A results page is rendered afresh for every new query, and in Jinja this part was about a
hundred small calls (context lookups, `request` and `g` proxies, the `number` filter and a
translation each, the pagination macro, the glossary's include): a third of a fresh page's
CPU. Here it is one call, the translations taken from the reader's catalogue once. The
markup is what templates/search.html wrote, byte for byte (tests/test_search_html.py
renders the former template beside it); change both there and here, and keep every
string's text as it is, so that the catalogues (`make messages`) still find them: each
is marked with `N_` or `ngettext` below.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import g, request, url_for
from jinja2.filters import do_urlencode
from markupsafe import Markup, escape

from kb.i18n import LANGUAGES
from kb.services import glossary


def N_(string: str) -> str:  # noqa: N802  (Babel's marker: extracted, translated later)
    return string


def ngettext(singular: str, plural: str, num: int) -> tuple[str, str]:
    """Marks a plural for extraction; translated with the page's catalogue."""
    return singular, plural


FILTER = N_("Filter")
NARROW = N_("Narrow the results")
REMOVE = N_("Remove this filter")
CLEAR = N_("Clear filters")
CHOSEN_FILTERS = N_("Chosen filters")
CHOSEN_COUNT = ngettext("%(num)s chosen", "%(num)s chosen", 1)
GLOSSARY_HITS = N_("From the glossary")
GLOSSARY = N_("Glossary")
DID_YOU_MEAN = N_("Did you mean %(suggestion)s?")
NOTHING_FOR = N_("Nothing found for “%(query)s”.")
NOTHING = N_("Nothing matches these filters.")
SPELLING = N_("Check the spelling, or try fewer words.")
LANGUAGES_HINT = N_(
    "Names can be searched in English, Russian or Korean, and in their local spellings."
)
AGAIN = N_("Search again without filters")
BROWSE = N_("Or browse:")
ELEMENTS = N_("ICH elements")
FESTIVALS = N_("Festivals")
ORGANIZATIONS = N_("Organizations")
RESULTS = ngettext("%(num)s result", "%(num)s results", 1)
FOR_QUERY = N_("for “%(query)s”")
SHOW_ONLY = N_("Show only:")
RELAXED = N_("No record has all of these words; these have some of them.")
PAGES = N_("Pages")
PREVIOUS = N_("Previous")
PAGE_OF = N_("Page %(page)s of %(pages)s")
NEXT = N_("Next")


#: Characters a query string keeps as they are (werkzeug's, so links read as url_for's).
QUERY_SAFE = "!$'()*,/:;?@"


class _Text:
    """The reader's catalogue, as the templates' `_` and `ngettext` use it: the
    translation as markup, `%` its variables (escaped); a sentence without variables
    as the page's kept parts hold it."""

    def __init__(self, parts):
        self.catalogue = parts.catalogue
        self.said = parts.said

    def __call__(self, string: str, **variables) -> Markup:
        if not variables:
            return self.said(string)
        return Markup(self.catalogue.ugettext(string)) % variables

    def plural(self, forms: tuple[str, str], count: int, /, **variables) -> Markup:
        variables.setdefault("num", count)
        return Markup(self.catalogue.ungettext(forms[0], forms[1], count)) % variables


def search_url(base: str, args: dict) -> str:
    """The search page (`base`: its address) with query string `args`, as `url_for`
    writes one, without asking `url_for` for each of a page's dozens of links, whatever
    the arguments are named (`url_for` reads `endpoint`, `_external`, `lang` as its own)."""
    return f"{base}?{urlencode(list(args.items()), safe=QUERY_SAFE)}" if args else base


def results_html(q: str, results, boxes: list, chosen: dict, suggested, parts):
    """The part of the results page below the search box, for `results` (not None);
    `parts`: what pages in the reader's language share (kb.views.search.PageParts)."""
    _ = _Text(parts)
    out: list[str] = ['\n<div class="list-layout search-layout">']
    active = [o for box in boxes for o in box["options"] if o["selected"]]
    clear = search_url(parts.base, {"q": q})
    number = parts.number
    count_html = parts.count_html
    remove = _(REMOVE)
    if boxes:
        out.append(
            '\n  <details class="facets" data-open-wide>\n'
            f'    <summary><span class="filter-summary">{_(FILTER)}</span>'
        )
        if active:
            count = _.plural(CHOSEN_COUNT, len(active), num=len(active))
            out.append(f' <span class="count">({count})</span>')
        narrow = _(NARROW)
        out.append(
            f'</summary>\n    <nav aria-label="{narrow}">\n'
            f'    <h2 class="small-heading">{narrow}</h2>'
        )
        for box in boxes:
            out.append(
                f'\n    <h3 class="facet-heading">{parts.headings_html[box["arg"]]}</h3>\n'
                '    <ul class="plain facet-list">'
            )
            for o in box["options"]:  # kept escaped (`PageParts`): joined as they are
                count = count_html(o["count"])
                if o["selected"]:
                    out.append(
                        f'\n      <li><a href="{o["href"]}" aria-current="true"'
                        f' title="{remove}"><span>{o["label_html"]}</span>'
                        f' <span class="count">{count}</span>'
                        ' <span aria-hidden="true">×</span></a></li>'
                    )
                else:
                    out.append(
                        f'\n      <li><a href="{o["href"]}"><span>'
                        f'{o["label_html"]}</span> <span class="count">{count}</span></a></li>'
                    )
            out.append("\n    </ul>")
        if chosen:
            out.append(f'<p><a href="{escape(clear)}">{_(CLEAR)}</a></p>')
        out.append("\n    </nav>\n  </details>")
    out.append('\n  <section class="results" aria-live="polite">')
    if active:
        out.append(f'\n    <ul class="chosen plain" aria-label="{_(CHOSEN_FILTERS)}">')
        for o in active:
            out.append(
                f'<li><a href="{o["href"]}" title="{remove}">{o["label_html"]}'
                f' <span aria-hidden="true">×</span><span class="visually-hidden">'
                f"({remove})</span></a></li>"
            )
        out.append("\n    </ul>")
    out.append("\n    ")
    _glossary(out, q, _)
    if results.suggestion:
        spelt = Markup(
            f'<a href="{escape(search_url(parts.base, {"q": results.suggestion}))}" lang="">'
            f"{escape(results.suggestion)}</a>"
        )
        out.append(f'\n    <p class="suggestion">{_(DID_YOU_MEAN, suggestion=spelt)}</p>')
    if results.total == 0:
        _empty(out, q, chosen, clear, _)
    else:
        total = _.plural(RESULTS, results.total, num=number(results.total))
        # A heading (h2, looking like the line it was): the hits' h3s follow it, and the
        # facets' h2 is hidden in a closed <details> on a phone (axe: heading-order).
        out.append(f'\n    <h2 class="results-total muted">{total}')
        if q:
            out.append(f" · {_(FOR_QUERY, query=q)}")
        out.append("</h2>")
        if suggested:
            out.append(
                f'\n    <p class="suggested-filters">{_(SHOW_ONLY)} '
                f'<a href="{escape(suggested["url"])}">{escape(suggested["label"])}</a></p>'
            )
        if results.relaxed:
            out.append(f'<p class="note">{_(RELAXED)}</p>')
        out.append('\n    <ol class="cards hits">')
        for hit in results.items:
            out.append(f'\n      <li class="card">{parts.hit_html(hit)}')
            snippet = hit.snippet
            if snippet:
                if type(snippet) is not Markup:  # marked snippets are markup already
                    snippet = escape(snippet)
                out.append(f'<p class="snippet"{parts.lang_attr(hit.snippet_lang)}>{snippet}</p>')
            out.append("\n      </li>")
        out.append("\n    </ol>\n    ")
        _pagination(out, results, _, number)
    out.append("\n  </section>\n</div>")
    return Markup("".join(out))


def _glossary(out: list[str], q: str, _: _Text) -> None:
    """The glossary's entry for a query that names one of the network's terms."""
    named = glossary.matching(q) if q else []
    if not named:
        return
    lang = g.lang
    out.append(f'\n<aside class="glossary-hits" aria-label="{_(GLOSSARY_HITS)}">')
    for term in named[:2]:
        href = url_for("pages.glossary", _anchor=term.id)
        out.append(
            f'\n  <p><span class="kicker">{_(GLOSSARY)}</span>\n'
            f'    <a href="{escape(href)}"><strong>{escape(term.forms[lang])}</strong></a>'
        )
        for code in LANGUAGES:
            if code != lang:
                out.append(f' · <span lang="{escape(code)}">{escape(term.forms[code])}</span>')
        out.append(f"</p>\n  <p>{escape(term.definition[lang])}</p>")
    out.append("\n</aside>")


def _empty(out: list[str], q: str, chosen: dict, clear: str, _: _Text) -> None:
    """What a search that found nothing says."""
    said = _(NOTHING_FOR, query=q) if q else _(NOTHING)
    out.append(
        f'\n    <div class="empty">\n      <p><strong>{said}</strong></p>\n      <ul>\n'
        f"        <li>{_(SPELLING)}</li>\n        <li>{_(LANGUAGES_HINT)}</li>"
    )
    if chosen:
        out.append(f'<li><a href="{escape(clear)}">{_(AGAIN)}</a></li>')
    lists = [
        (url_for("pages.collection", collection=key), _(title))
        for key, title in (
            ("elements", ELEMENTS),
            ("festivals", FESTIVALS),
            ("organizations", ORGANIZATIONS),
        )
    ]
    links = ", ".join(f'<a href="{escape(href)}">{title}</a>' for href, title in lists)
    out.append(f"\n        <li>{_(BROWSE)} {links}</li>\n      </ul>\n    </div>")


def _pagination(out: list[str], page, _: _Text, number) -> None:
    """The pagination macro of templates/_macros.html, for the results."""
    if not (page and page.pages > 1):
        return
    args = request.args.to_dict()
    out.append(f'\n<nav class="pagination" aria-label="{_(PAGES)}">')
    if page.has_prev:
        args.update(page=page.page - 1)
        out.append(f'<a rel="prev" href="?{escape(do_urlencode(args))}">{_(PREVIOUS)}</a>')
    said = _(PAGE_OF, page=number(page.page), pages=number(page.pages))
    out.append(f"\n  <span>{said}</span>")
    if page.has_next:
        args.update(page=page.page + 1)
        out.append(f'<a rel="next" href="?{escape(do_urlencode(args))}">{_(NEXT)}</a>')
    out.append("\n</nav>")
