"""The search page's results, written in Python (kb/views/search_html.py), are what the
template wrote before them, byte for byte: the former template is kept here as the
reference and both are rendered from the same results. A change to the markup is made
in kb/views/search_html.py and, the same, in REFERENCE."""

from __future__ import annotations

from itertools import pairwise

import pytest
from flask import request
from jinja2 import ChoiceLoader, DictLoader
from marshmallow import ValidationError

from kb.api.search import filters_of
from kb.i18n import current_language
from kb.search import search
from kb.services import glossary
from kb.urls import record_url
from kb.views.search import (
    ARGS,
    CHOSEN,
    _arguments,
    facet_boxes,
    name_html,
    page_parts,
    suggested_filters,
    type_label,
)
from kb.views.search_html import results_html

#: templates/search.html's results (below the box) and _glossary_hits.html, as they were.
REFERENCE = """{% from "_macros.html" import pagination %}
<div class="list-layout search-layout">
  {%- set active = [] %}
  {%- for box in boxes %}{% for o in box.options if o.selected %}{% do active.append(o) %}{% endfor %}{% endfor %}
  {%- if boxes %}
  {#- Results come first on a phone: the facets wait behind "Filter" (static/js/disclosure.js
      opens it where there is room for a sidebar; without a script it is one tap away). #}
  <details class="facets" data-open-wide>
    <summary><span class="filter-summary">{{ _('Filter') }}</span>{% if active %} <span class="count">({{ ngettext('%(num)s chosen', '%(num)s chosen', active | length, num=active | length) }})</span>{% endif %}{% cache "search-facets-head" %}</summary>
    <nav aria-label="{{ _('Narrow the results') }}">
    <h2 class="small-heading">{{ _('Narrow the results') }}</h2>{% endcache %}
    {%- for box in boxes %}
    <h3 class="facet-heading">{{ box.heading }}</h3>
    <ul class="plain facet-list">
      {%- for o in box.options %}
      <li><a href="{{ o.url }}"{% if o.selected %} aria-current="true" title="{{ _('Remove this filter') }}"{% endif %}><span>{{ o.label }}</span> <span class="count">{{ o.count | number }}</span>{% if o.selected %} <span aria-hidden="true">×</span>{% endif %}</a></li>
      {%- endfor %}
    </ul>
    {%- endfor %}
    {%- if chosen %}<p><a href="{{ url_for('pages.search', q=q) }}">{{ _('Clear filters') }}</a></p>{% endif %}
    </nav>
  </details>
  {%- endif %}
  <section class="results" aria-live="polite">
    {%- if active %}
    <ul class="chosen plain" aria-label="{{ _('Chosen filters') }}">
      {%- for o in active %}<li><a href="{{ o.url }}" title="{{ _('Remove this filter') }}">{{ o.label }} <span aria-hidden="true">×</span><span class="visually-hidden">({{ _('Remove this filter') }})</span></a></li>{% endfor %}
    </ul>
    {%- endif %}
    {% include "_glossary_hits.html" %}
    {%- if results.suggestion %}
    {%- set spelt %}<a href="{{ url_for('pages.search', q=results.suggestion) }}" lang="">{{ results.suggestion }}</a>{% endset %}
    <p class="suggestion">{{ _('Did you mean %(suggestion)s?', suggestion=spelt) }}</p>
    {%- endif %}
    {%- if results.total == 0 %}
    <div class="empty">
      <p><strong>{% if q %}{{ _('Nothing found for “%(query)s”.', query=q) }}{% else %}{{ _('Nothing matches these filters.') }}{% endif %}</strong></p>
      <ul>
        <li>{{ _('Check the spelling, or try fewer words.') }}</li>
        <li>{{ _('Names can be searched in English, Russian or Korean, and in their local spellings.') }}</li>
        {%- if chosen %}<li><a href="{{ url_for('pages.search', q=q) }}">{{ _('Search again without filters') }}</a></li>{% endif %}
        <li>{{ _('Or browse:') }} <a href="{{ url_for('pages.collection', collection='elements') }}">{{ _('ICH elements') }}</a>, <a href="{{ url_for('pages.collection', collection='festivals') }}">{{ _('Festivals') }}</a>, <a href="{{ url_for('pages.collection', collection='organizations') }}">{{ _('Organizations') }}</a></li>
      </ul>
    </div>
    {%- else %}
    <h2 class="results-total muted">{{ ngettext('%(num)s result', '%(num)s results', results.total, num=results.total | number) }}{% if q %} · {{ _('for “%(query)s”', query=q) }}{% endif %}</h2>
    {%- if suggested %}
    <p class="suggested-filters">{{ _('Show only:') }} <a href="{{ suggested.url }}">{{ suggested.label }}</a></p>
    {%- endif %}
    {%- if results.relaxed %}<p class="note">{{ _('No record has all of these words; these have some of them.') }}</p>{% endif %}
    <ol class="cards hits">
      {%- for hit in results.items %}
      <li class="card">
        <p class="kicker">{{ label_type(hit.type) }}</p>
        <h3><a href="{{ record_url('pages.record', hit.type, hit.slug) }}">{{ name_html(hit.name) }}</a></h3>
        {%- if hit.snippet %}<p class="snippet"{% if hit.snippet_lang %} lang="{{ hit.snippet_lang }}"{% endif %}>{{ hit.snippet }}</p>{% endif %}
      </li>
      {%- endfor %}
    </ol>
    {{ pagination(results) }}
    {%- endif %}
  </section>
</div>
"""
GLOSSARY_HITS = """{#- On the search page: the glossary's entry for a query that names one of the network's terms. #}
{%- set named = glossary_matches(q) if q else [] %}
{%- if named %}
<aside class="glossary-hits" aria-label="{{ _('From the glossary') }}">
  {%- for term in named[:2] %}
  <p><span class="kicker">{{ _('Glossary') }}</span>
    <a href="{{ url_for('pages.glossary', _anchor=term.id) }}"><strong>{{ term.forms[g.lang] }}</strong></a>
    {%- for code in LANGUAGES if code != g.lang %} · <span lang="{{ code }}">{{ term.forms[code] }}</span>{% endfor %}</p>
  <p>{{ term.definition[g.lang] }}</p>
  {%- endfor %}
</aside>
{%- endif %}
"""

URLS = [
    "/search?q=festival",
    "/search?q=festival&page=2",
    "/search?q=festival&per_page=5&page=3",
    "/search?q=festival&type=festivals&country=UZ",
    "/search?type=elements&country=UZ&year=2016",
    "/search?q=nowruz&lang=fa",
    "/search?q=ICH",
    "/search?q=festivls+of+uzbekistan",
    "/search?q=festivl&type=countries",
    "/search?q=qwxzv&type=elements",
    "/search?q=qwxzv",
    "/search?q=%3Cb%3E+%22silk%22+%26+co",
    "/search?q=%D0%B2%D1%8B%D1%88%D0%B8%D0%B2%D0%BA%D0%B8+%D0%A2%D0%B0%D0%B4%D0%B6%D0%B8%D0%BA%D0%B8%D1%81%D1%82%D0%B0%D0%BD%D0%B0&country=IR",
    "/search?q=%3Cscript%3Ealert%281%29%3C/script%3E%20%26%20co",
    "/search?q=%ED%8C%90%EC%86%8C%EB%A6%AC+%EC%B6%95%EC%A0%9C&n=%3Cx%3E",
    "/search?q=silk&endpoint=x&page=2&per_page=4",
]


@pytest.mark.parametrize("lang", ["en", "ru", "ko"])
def test_the_results_read_as_the_former_template_wrote_them(seeded_app, lang):
    app = seeded_app
    env = app.jinja_env.overlay(
        loader=ChoiceLoader(
            [
                DictLoader({"reference.html": REFERENCE, "_glossary_hits.html": GLOSSARY_HITS}),
                app.jinja_env.loader,
            ]
        )
    )
    seen = set()
    for url in URLS:
        with app.test_request_context(f"/{lang}{url}"):
            app.preprocess_request()
            args = ARGS.load(request.args)
            q = args["q"].strip()
            results = search(
                q,
                filters_of(args),
                page=args["page"],
                per_page=args["per_page"],
                lang=current_language(),
            )
            chosen = {k: v for k, v in request.args.items() if k in CHOSEN and k != "q"}
            boxes = facet_boxes(results, chosen) if results.total else []
            suggested = suggested_filters(results)
            python = results_html(q, results, boxes, chosen, suggested, page_parts())
            context = {
                "q": q,
                "results": results,
                "boxes": boxes,
                "chosen": chosen,
                "suggested": suggested,
                "label_type": type_label,
                "record_url": record_url,
                "name_html": name_html,
                "glossary_matches": glossary.matching,
            }
            app.update_template_context(context)
            assert str(python) == env.get_template("reference.html").render(context), url
            seen |= {part for part in PARTS if part in python}
    assert set(PARTS) - seen == set()  # every part of the markup was compared at least once


PARTS = [
    'class="pagination"',
    'rel="prev"',
    'rel="next"',
    'aria-current="true"',
    'class="chosen plain"',
    'class="glossary-hits"',
    'class="suggestion"',
    'class="suggested-filters"',
    'class="note"',
    'class="empty"',
    "<mark>",
]


def test_the_results_headings_descend_one_level_at_a_time(seeded_client):
    """A screen reader's list of headings has no gap: the facets' h2 sits in a <details>
    that is closed on a phone, so the hits' h3s need a visible h2 of their own."""
    from html.parser import HTMLParser

    class Headings(HTMLParser):
        def __init__(self):
            super().__init__()
            self.levels, self.hidden = [], 0

        def handle_starttag(self, tag, attrs):
            self.hidden += tag == "details"
            if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit() and not self.hidden:
                self.levels.append(int(tag[1]))

        def handle_endtag(self, tag):
            self.hidden -= tag == "details"

    for url in ("/en/search?q=nowruz", "/ru/search?q=навруз", "/ko/search?q=축제&page=2"):
        parser = Headings()
        parser.feed(seeded_client.get(url).text)
        assert parser.levels[0] == 1 and len(parser.levels) > 2, url
        assert all(b <= a + 1 for a, b in pairwise(parser.levels)), url


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=festival",
        "q=festival&n=3",
        "q=&x=1",
        "q=%3Cb%3E+%22silk%22&q=second",
        "n=1",
        "q=silk&page=2",
        "q=silk&per_page=5",
        "q=silk&list=representative",
        "q=silk&type=festivals&country=UZ&year=2016&language=fa&domain=craftsmanship",
        "page=0",
        "q=silk&year=soon",
    ],
)
def test_the_page_loads_its_arguments_as_the_schema_does(app, query):
    """The page's shortcut for a query string without filters (kb.views.search
    `_arguments`) gives what `ARGS.load` gives, or refuses what it refuses."""
    with app.test_request_context(f"/en/search?{query}"):
        try:
            expected = ARGS.load(request.args)
        except ValidationError as exc:
            with pytest.raises(ValidationError) as refused:
                _arguments(request.args)
            assert refused.value.messages == exc.messages
        else:
            assert list(_arguments(request.args).items()) == list(expected.items())
