"""The member directory: the network's active members, filtered, with counts per country."""

from __future__ import annotations

import sqlalchemy as sa

from kb.extensions import db
from kb.models import Country, Membership, MembershipApplication, Organization
from kb.services.common import Page

#: The directory's order: by country code, then by the organisation's slug.
ORDER = (Country.code, Organization.slug)


def _active():
    return (
        sa.select(Membership)
        .join(Organization, Membership.organization_id == Organization.id)
        .outerjoin(Country, Organization.country_id == Country.id)
        .outerjoin(MembershipApplication, Membership.application_id == MembershipApplication.id)
        .where(Membership.ended_on.is_(None), Organization.status == "published")
    )


def _filtered(query, *, country=None, role=None, kind=None, brings=None):
    if country:
        query = query.where(Country.code == country.upper())
    if role:
        query = query.where(Membership.role == role)
    if kind:
        query = query.where(Organization.kind == kind)
    if brings:
        # `brings` is a short JSON list of fixed codes: match the quoted code in its text.
        text = sa.cast(MembershipApplication.brings, sa.String)
        query = query.where(text.contains(f'"{brings}"'))
    return query


def members(*, page: int = 1, per_page: int = 50, **filters) -> Page:
    """One page of active members matching `filters`, with `facets["country"]` counts.

    The country counts follow every filter but the country one, so they say how many
    members each country has among those of this role, kind and contribution.
    """
    query = _filtered(_active(), **filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    items = list(
        db.session.scalars(query.order_by(*ORDER).limit(per_page).offset((page - 1) * per_page))
        .unique()
        .all()
    )
    rest = {k: v for k, v in filters.items() if k != "country"}
    ids = _filtered(_active(), **rest).with_only_columns(Membership.id).subquery()
    counts = db.session.execute(
        sa.select(Country.code, sa.func.count())
        .select_from(Membership)
        .join(Organization, Membership.organization_id == Organization.id)
        .join(Country, Organization.country_id == Country.id)
        .where(Membership.id.in_(sa.select(ids.c.id)))
        .group_by(Country.code)
        .order_by(Country.code)
    ).all()
    page_ = Page(items=items, total=total, page=page, per_page=per_page)
    page_.facets = {"country": {code: n for code, n in counts}}
    return page_


def active_organization_ids() -> sa.Select:
    """The ids of organisations that are members now (for narrowing another query)."""
    return sa.select(Membership.organization_id).where(Membership.ended_on.is_(None))


def roles_of(organization_ids) -> dict[int, str]:
    """The role in the network of each of these organisations that is a member now."""
    ids = list(organization_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Membership.organization_id, Membership.role).where(
            Membership.organization_id.in_(ids), Membership.ended_on.is_(None)
        )
    )
    return {org_id: role for org_id, role in rows}
