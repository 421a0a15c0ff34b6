"""The map: every festival, organisation and event venue with coordinates.

`/<lang>/map` is a list grouped by country that static/js/map.js turns into a Leaflet map
(clustered markers coloured by type, country borders from Natural Earth drawn offline,
tiles only where KB_MAP_TILES_URL names a provider). `/<lang>/map/places.json` is the
same selection as GeoJSON, in the reader's language; country, element and organisation
pages show the same map narrowed to themselves. `?members=1` keeps the member
organisations of the network alone; a member's marker and list entry give its role.
"""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from kb.catalog import CATALOG
from kb.errors import error_json
from kb.i18n import pick
from kb.labels import label
from kb.schemas import messages
from kb.schemas.args import MapArgs
from kb.services import images
from kb.services import places as svc
from kb.timeview import month_name
from kb.views import bp

#: The filters of the map page (the JSON takes `organization` too).
MAP_FILTERS = ("type", "country", "element", "month", "members")


def _filters(args: dict) -> svc.Filters:
    return svc.Filters(
        types=(args["type"],) if args.get("type") else svc.TYPES,
        country=args.get("country"),
        element=args.get("element"),
        month=args.get("month"),
        organization=args.get("organization"),
        members=bool(args.get("members")),
    )


def _args():
    """The filters in the query string (empty ones ignored), or the errors."""
    given = {k: v for k, v in request.args.items() if v}
    try:
        return MapArgs().load(given), {}
    except ValidationError as exc:
        return {}, messages.translate(exc.messages)


def map_settings() -> dict:
    """What map.js needs besides the places: borders, tiles and their attribution."""
    return {
        "borders": url_for("static", filename="vendor/world-atlas/countries-50m.json"),
        "tiles": current_app.config.get("MAP_TILES_URL") or "",
        "attribution": current_app.config.get("MAP_TILES_ATTRIBUTION") or "",
    }


def places_url(**filters) -> str:
    """The GeoJSON address of a map narrowed by `filters`."""
    return url_for("pages.map_places", **{k: v for k, v in filters.items() if v})


def _by_country(found: list[svc.Place]) -> list[tuple[object, list[svc.Place]]]:
    """The places under each of their countries, countries by name; those with none last."""
    groups: dict[str, tuple[object, list]] = {}
    for place in found:
        for country in place.countries or [None]:
            key = country.code if country is not None else ""
            groups.setdefault(key, (country, []))[1].append(place)
    for _country, items in groups.values():
        items.sort(key=lambda p: (svc.TYPES.index(p.type), str(pick(p.record.label) or "")))
    named = sorted(
        (g for k, g in groups.items() if k), key=lambda g: str(pick(g[0].name) or "").lower()
    )
    return named + ([groups[""]] if "" in groups else [])


def _choices() -> dict:
    countries = [(c.code, str(pick(c.name))) for c in svc.countries_on_the_map()]
    elements = [(e.slug, str(pick(e.name))) for e in svc.elements_on_the_map()]
    return {
        "type": [(t, str(CATALOG[t].title)) for t in svc.TYPES],
        "country": sorted(countries, key=lambda pair: pair[1].lower()),
        "element": sorted(elements, key=lambda pair: pair[1].lower()),
        "month": [(str(m), month_name(m)) for m in range(1, 13)],
    }


@bp.get("/map", endpoint="map")
def map_page():
    """The map, and the same places as a list grouped by country."""
    args, errors = _args()
    args.pop("organization", None)
    filters = _filters(args)
    found = [] if errors else svc.places(filters)
    page = render_template(
        "maps/map.html",
        groups=_by_country(found),
        total=len(found),
        unplaced=0 if errors else svc.unplaced_count(filters),
        choices=_choices(),
        chosen={k: str(v) for k, v in request.args.items() if v and k in MapArgs().fields},
        errors=errors,
        members_only=bool(args.get("members")),
        places_url=places_url(**{k: request.args.get(k) for k in MAP_FILTERS}),
        settings=map_settings(),
        record_types=CATALOG,
    )
    return page, 400 if errors else 200


def _thumbs(found: list[svc.Place]) -> dict:
    """The first picture of each place, by (type, record id)."""
    out = {}
    for kind in svc.TYPES:
        ids = [p.record.id for p in found if p.type == kind]
        for record_id, image in images.first_images(CATALOG[kind].singular, ids).items():
            out[(kind, record_id)] = image
    return out


def _popup_image(image) -> dict | None:
    if image is None:
        return None
    alt = pick(image.alt)
    return {
        "src": url_for("media.image_file", key=image.key, variant="t320"),
        "alt": alt.text if alt else "",
        "width": 320,
        "height": 240,
    }


def feature(place: svc.Place, image=None) -> dict:
    """One place as a GeoJSON feature, with its name in the reader's language."""
    name = pick(place.record.label)
    return {
        "type": "Feature",
        "id": f"{place.type}/{place.slug}",
        "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
        "properties": {
            "type": place.type,
            "slug": place.slug,
            "name": name.text if name else place.slug,
            "lang": name.lang if name else None,
            "kind": str(CATALOG[place.type].title_one),
            "url": url_for("pages.record", collection=place.type, slug=place.slug),
            "countries": [c.code for c in place.countries],
            "months": sorted(place.months),
            "image": _popup_image(image),
            "role": label("member_role", place.role) if place.role else None,
        },
    }


@bp.get("/map/places.json", endpoint="map_places")
def map_places():
    """The places of a map as GeoJSON (the filters of the map page, and `organization`)."""
    args, errors = _args()
    if errors:
        return error_json(400, "invalid", _("Some filters are not valid."), errors)
    found = svc.places(_filters(args))
    thumbs = _thumbs(found)
    features = [feature(p, thumbs.get((p.type, p.record.id))) for p in found]
    return jsonify({"type": "FeatureCollection", "features": features})


def narrowed(collection: str, item) -> dict | None:
    """The map of a country, element or organisation page: its places, and their URL."""
    key = {"countries": "country", "elements": "element", "organizations": "organization"}
    if collection not in key:
        return None
    value = item.code if collection == "countries" else item.slug
    found = svc.places(svc.Filters(**{key[collection]: value}))
    # The map page has no organisation filter: from an organisation, it opens on its country.
    full = {key[collection]: value}
    if collection == "organizations":
        full = {"country": item.country.code} if item.country else {}
    return {
        "count": len(found),
        "url": places_url(**{key[collection]: value}),
        "full": url_for("pages.map", **full),
        "settings": map_settings(),
    }
