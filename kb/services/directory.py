"""Countries and organisations: listing, reading and saving."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from kb.extensions import db
from kb.models import Country, Event, EventOrganization, Organization
from kb.schemas.records import CountrySchema, OrganizationSchema
from kb.services.common import NotFound, Page, by_slug, get_visible, paginate, resolve_countries
from kb.services.records import Actor, save_record
from kb.services.text import by_name


def list_countries(
    *, region: str | None = None, page: int = 1, per_page: int = 100, lang="en"
) -> Page:
    """Countries, by name in the reader's language."""
    query = sa.select(Country)
    if region:
        query = query.where(Country.region == region)
    return paginate(query.order_by(*by_name(Country.name, lang)), page, per_page)


def get_country(code: str) -> Country:
    """The country with `code` (any case)."""
    country = db.session.scalar(sa.select(Country).where(Country.code == code.upper()))
    if country is None:
        raise NotFound(_("No country has the code %(code)s.", code=code.upper()))
    return country


def save_country(data: dict, actor: Actor) -> tuple[Country, dict]:
    """Create or update a country by its code."""
    country = db.session.scalar(sa.select(Country).where(Country.code == data["code"]))
    country = country or Country()
    changes = save_record(country, data, CountrySchema(), {}, actor, record_type="country")
    return country, changes


def list_organizations(
    *,
    country: str | None = None,
    kind: str | None = None,
    role: str | None = None,
    page: int = 1,
    per_page: int = 20,
    lang: str = "en",
) -> Page:
    """Published organisations, filtered by country, kind and network role."""
    query = sa.select(Organization).where(Organization.status == "published")
    if country:
        query = query.join(Organization.country).where(Country.code == country.upper())
    if kind:
        query = query.where(Organization.kind == kind)
    if role:
        query = query.where(Organization.network_role == role)
    return paginate(query.order_by(*by_name(Organization.name, lang)), page, per_page)


def get_organization(slug: str, *, include_unpublished: bool = False) -> Organization:
    """The organisation with `slug`."""
    return get_visible(Organization, slug, include_unpublished)


def organization_events(org: Organization) -> list[EventOrganization]:
    """The published events an organisation took part in, newest first, with its role."""
    query = (
        sa.select(EventOrganization)
        .join(EventOrganization.event)
        .where(EventOrganization.organization_id == org.id, Event.status == "published")
        .order_by(Event.start_date.desc())
    )
    return list(db.session.scalars(query))


def _set_country(org: Organization, code: str | None) -> None:
    org.country = resolve_countries([code], "country")[0] if code else None


ORGANIZATION_SETTERS = {"country": _set_country}


def save_organization(
    data: dict, actor: Actor, *, record: Organization | None = None
) -> tuple[Organization, dict]:
    """Create or update an organisation (by slug when `record` is not given)."""
    record = record or by_slug(Organization, data["slug"]) or Organization()
    changes = save_record(
        record, data, OrganizationSchema(), ORGANIZATION_SETTERS, actor, record_type="organization"
    )
    return record, changes
