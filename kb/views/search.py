"""The search page: a query box, results with snippets, facets to narrow them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from kb import labels
from kb.api.search import filters_of
from kb.catalog import CATALOG
from kb.extensions import db
from kb.i18n import LANGUAGES, current_language, language_name, pick
from kb.models import Country
from kb.schemas import messages
from kb.schemas.search import SearchArgs
from kb.search import SearchUnavailable, search
from kb.views import bp

#: Facet field → (query argument, heading).
FACETS = [
    ("type", "type", lambda: _("Type")),
    ("country", "country", lambda: _("Country")),
    ("domain", "domain", lambda: _("Domain")),
    ("list", "list", lambda: _("UNESCO list")),
    ("year", "year", lambda: _("Year")),
    ("lang", "language", lambda: _("Name in a community language")),
]
#: How many values a facet shows (by count); years are all shown, in year order.
SHOWN = 12


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


def _labeller(field: str, values: list[str]):
    if field == "type":
        return lambda v: str(CATALOG[v].title) if v in CATALOG else v
    if field == "country":
        names = {
            c.code: str(pick(c.name))
            for c in db.session.scalars(sa.select(Country).where(Country.code.in_(values)))
        }
        return lambda v: names.get(v, v)
    if field in ("domain", "list"):
        group = "domain" if field == "domain" else "unesco_list"
        return lambda v: labels.label(group, v)
    if field == "lang":
        return language_name
    return str


def facet_boxes(results, chosen: dict) -> list[dict]:
    """The sidebar: per facet, its values with counts and the link that toggles each."""
    boxes = []
    for field, arg, heading in FACETS:
        values = _values(field, results.facets.get(field) or [])
        if not values or (len(values) == 1 and arg not in chosen and field != "type"):
            continue
        label = _labeller(field, [v for v, _ in values])
        options = []
        for value, count in values:
            selected = str(chosen.get(arg, "")).upper() == value.upper()
            args = {k: v for k, v in request.args.items() if k not in ("page", arg)}
            if not selected:
                args[arg] = value
            url = url_for("pages.search", **args)
            options.append(
                {"label": label(value), "count": count, "url": url, "selected": selected}
            )
        boxes.append({"heading": heading(), "options": options, "arg": arg})
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
            labels_.append(_labeller(field, [wanted[field]])(wanted[field]))
    return {"url": url_for("pages.search", **args), "label": " · ".join(labels_)}


@bp.get("/search", endpoint="search")
def search_page():
    """Results for `q`, narrowed by the filters in the query string."""
    try:
        args = SearchArgs().load(request.args)
    except ValidationError as exc:
        errors = messages.translate(exc.messages)
        page = render_template("search.html", q="", results=None, errors=errors, boxes=[])
        return page, 400
    q = args["q"].strip()
    filters = filters_of(args)
    results = None
    if q or filters:
        try:
            results = search(
                q, filters, page=args["page"], per_page=args["per_page"], lang=current_language()
            )
        except SearchUnavailable:  # never "nothing found" from an index that is not right
            page = render_template(
                "search.html", q=q, results=None, errors={}, boxes=[], rebuilding=True
            )
            return page, 503, {"Retry-After": "60"}
    chosen = {k: v for k, v in request.args.items() if k in SearchArgs().fields or k == "list"}
    chosen.pop("q", None)
    boxes = facet_boxes(results, chosen) if results and results.total else []
    return render_template(
        "search.html",
        q=q,
        results=results,
        errors={},
        boxes=boxes,
        chosen=chosen,
        suggested=suggested_filters(results),
        label_type=lambda name: CATALOG[name].title_one if name in CATALOG else name,
    )
