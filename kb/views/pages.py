"""Home, lists and record pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from marshmallow import ValidationError
from sqlalchemy.orm import selectinload

from kb import httpcache, labels
from kb.catalog import CATALOG, COLLECTIONS, list_records
from kb.extensions import db
from kb.i18n import current_language
from kb.models import Festival
from kb.schemas import messages
from kb.services import directory, events, facets, heritage, images
from kb.services.presented import presented_at
from kb.views import bp, maps


@bp.get("/")
def home():
    """What the network is, what the knowledge base holds, events and featured festivals."""
    # Upcoming events are chosen by the day, which the ETag holds; all else is data.
    return httpcache.conditional(lambda: (_home(), None), "home", max_age=httpcache.SHORT)


def _home() -> str:
    upcoming = events.list_events(when="upcoming", per_page=3).items
    recent = (
        []
        if len(upcoming) >= 3
        else events.list_events(when="past", per_page=3 - len(upcoming)).items
    )
    featured = db.session.scalars(
        sa.select(Festival)
        .where(Festival.status == "published", Festival.summary.is_not(None))
        .order_by(Festival.first_year.is_(None), Festival.first_year, Festival.id)
        .options(selectinload(Festival.countries))
        .limit(6)
    ).all()
    return render_template(
        "home.html",
        festival_thumbs=images.first_images("festival", [f.id for f in featured]),
        counts=facets.counts(),
        upcoming=upcoming,
        recent=recent,
        featured=featured,
    )


@bp.get(f"/<{COLLECTIONS}:collection>/")
def collection(collection: str):
    """A list of records, narrowed by the filters in the query string."""
    record_type = CATALOG[collection]
    try:
        filters = record_type.args().load(request.args)
    except ValidationError as exc:
        return render_template(
            "list.html",
            record_type=record_type,
            page=None,
            filters={},
            errors=messages.translate(exc.messages),
            options=_options(record_type),
        ), 400

    def render():
        page = list_records(record_type, filters, current_language())
        return render_template(
            "list.html",
            record_type=record_type,
            page=page,
            thumbs=images.first_images(record_type.singular, [item.id for item in page.items]),
            filters={k: v for k, v in request.args.items() if k not in ("page",) and v},
            errors={},
            options=_options(record_type),
        ), None

    # The filters are in the address, which the ETag holds; "upcoming" goes by the day.
    return httpcache.conditional(render, collection, max_age=httpcache.SHORT)


def _options(record_type) -> list[dict]:
    """The filter boxes of a list: query parameter, label and (value, label) choices."""
    from flask_babel import gettext as _

    from kb.i18n import LANGUAGES, NATIVE_NAMES, pick

    def codes(group):
        return [(code, str(text)) for code, text in group.items()]

    countries = [
        (code, str(pick(names))) for code, names in facets.country_names_of(record_type.model)
    ]
    countries.sort(key=lambda pair: pair[1])
    years = [(str(y), str(y)) for y in facets.years_of(record_type.model)]
    country = {"name": "country", "label": _("Country"), "choices": countries}
    year = {"name": "year", "label": _("Year"), "choices": years}
    specs = {
        "organizations": [
            country,
            {"name": "kind", "label": _("Kind"), "choices": codes(labels.ORGANIZATION_KINDS)},
            {
                "name": "role",
                "label": _("Role in the network"),
                "choices": codes(labels.NETWORK_ROLES),
            },
        ],
        "elements": [
            country,
            {"name": "domain", "label": _("Domain"), "choices": codes(labels.DOMAINS)},
            {"name": "list", "label": _("UNESCO list"), "choices": codes(labels.UNESCO_LISTS)},
            {**year, "label": _("Year of inscription")},
        ],
        "festivals": [
            country,
            {
                "name": "periodicity",
                "label": _("How often"),
                "choices": codes(labels.PERIODICITIES),
            },
            {**year, "label": _("Held in")},
        ],
        "case-studies": [country, year],
        "events": [
            {
                "name": "when",
                "label": _("When"),
                "choices": [("upcoming", _("Upcoming")), ("past", _("Past"))],
            },
            {"name": "kind", "label": _("Kind"), "choices": codes(labels.EVENT_KINDS)},
            {
                "name": "language",
                "label": _("Working language"),
                "choices": [(c, NATIVE_NAMES[c]) for c in LANGUAGES],
            },
            year,
        ],
        "countries": [{"name": "region", "label": _("Region"), "choices": codes(labels.REGIONS)}],
    }
    return specs[record_type.name]


@bp.get(f"/<{COLLECTIONS}:collection>/<slug>")
def record(collection: str, slug: str):
    """One record with everything it links to, and everything that links to it."""
    record_type = CATALOG[collection]

    def render():
        item = record_type.get(slug)
        return _record_page(record_type, item), item.updated_at

    # The record is loaded only to be rendered: its address and the data's version name it.
    return httpcache.conditional(render, collection)


def _record_page(record_type, item) -> str:
    collection = record_type.name
    extra = {}
    if collection == "organizations":
        extra = {
            "festivals": heritage.festivals_organized_by(item),
            "event_roles": directory.organization_events(item),
            "case_studies": heritage.case_studies_about(item),
        }
    elif collection == "countries":
        extra = facets.country_records(item.code)
    if record_type.kind.presented_as:
        extra["presented_at"] = presented_at(item)
    extra["place_map"] = maps.narrowed(collection, item)
    template = f"records/{record_type.singular}.html"
    return render_template(template, item=item, record_type=record_type, **extra)
