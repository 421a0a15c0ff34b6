"""What every service shares: its error type, pagination and reference resolution."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from kb.extensions import db
from kb.kinds import BY_MODEL
from kb.models import Country, Submission


@dataclass
class Problem:
    """Why a record (or a whole file) was refused, by the seed loader or `kb import`:
    the file, the record, the field."""

    file: str
    message: str
    index: int | None = None
    record: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.index is not None:
            where += f", record {self.index + 1}"
            if self.record:
                where += f" ({self.record})"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"


class ServiceError(Exception):
    """A business rule refused the input. `field` names the offending field (dotted path)."""

    def __init__(self, field: str | None, message: str, code: str = "invalid"):
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code

    def as_fields(self) -> dict:
        """The error as a field→messages mapping, like marshmallow's."""
        return {self.field or "_schema": [self.message]}


class NotFound(ServiceError):
    """The record asked for does not exist (or is not visible to the caller)."""

    def __init__(self, message: str | None = None):
        super().__init__(None, message or _("Not found."), code="not_found")


@dataclass
class Page:
    """One page of a list."""

    items: list
    total: int
    page: int
    per_page: int
    facets: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """How many pages there are in all."""
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _list_loads() -> dict:
    """What lists, record pages and the API show of each record, loaded with the records
    in one statement per relation (selectin), not one per record (tests/test_sql_budgets.py)."""
    from sqlalchemy.orm import joinedload, selectinload

    from kb.models import CaseStudy, Element, Event, EventSession, Festival

    return {
        Element: (selectinload(Element.countries), selectinload(Element.domain_rows)),
        Festival: (
            selectinload(Festival.countries),
            selectinload(Festival.organizers),
            selectinload(Festival.elements),
            selectinload(Festival.editions),
        ),
        CaseStudy: (
            selectinload(CaseStudy.countries),
            selectinload(CaseStudy.festivals),
            selectinload(CaseStudy.elements),
            selectinload(CaseStudy.organizations),
        ),
        Event: (
            joinedload(Event.country),
            selectinload(Event.days),
            selectinload(Event.organization_links),
            selectinload(Event.sessions).selectinload(EventSession.speakers),
            selectinload(Event.sessions).selectinload(EventSession.presented),
            selectinload(Event.presented),
        ),
    }


_LOADS: dict | None = None


def _loads_of(model) -> tuple:
    global _LOADS
    if _LOADS is None:
        _LOADS = _list_loads()
    return _LOADS.get(model, ())


def paginate(query: sa.Select, page: int, per_page: int) -> Page:
    """Run `query` for one page and count its rows."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    loads = _loads_of(query.column_descriptions[0].get("entity"))
    query = query.options(*loads).limit(per_page).offset((page - 1) * per_page)
    items = db.session.scalars(query).unique().all()
    return Page(items=list(items), total=total or 0, page=page, per_page=per_page)


def resolve_countries(codes: list[str], field_name: str) -> list[Country]:
    """The countries with `codes`, in order; a ServiceError names the first unknown one."""
    found = {
        c.code: c for c in db.session.scalars(sa.select(Country).where(Country.code.in_(codes)))
    }
    out = []
    for i, code in enumerate(codes):
        if code not in found:
            path = f"{field_name}.{i}" if field_name.endswith("s") else field_name
            raise ServiceError(path, _("No country has the code %(code)s.", code=code))
        if found[code] not in out:
            out.append(found[code])
    return out


def resolve_slugs(model, slugs: list[str], field_name: str) -> list:
    """The records of `model` with `slugs`, in order; a ServiceError names an unknown one."""
    found = {r.slug: r for r in db.session.scalars(sa.select(model).where(model.slug.in_(slugs)))}
    out = []
    for i, slug in enumerate(slugs):
        if slug not in found:
            raise ServiceError(
                f"{field_name}.{i}",
                _("Nothing in the knowledge base has the slug “%(slug)s”.", slug=slug),
            )
        if found[slug] not in out:
            out.append(found[slug])
    return out


def by_slug(model, slug: str):
    """The record of `model` with `slug`, or None."""
    return db.session.scalar(sa.select(model).where(model.slug == slug))


def slug_taken(model, slug: str, *, holder: Submission | None = None) -> bool:
    """Whether `slug` is taken for `model`: by a record, or reserved by a submission
    other than `holder` (new records' submissions reserve theirs when submitted).

    The one rule for every record type: forms, the API, submissions and approvals ask it.
    """
    if by_slug(model, slug) is not None:
        return True
    kind = BY_MODEL.get(model)
    if kind is None or not kind.new_by_proposal:
        return False  # only proposals of new records reserve a slug
    query = sa.select(Submission.id).where(
        Submission.record_type == kind.singular, Submission.reserved_slug == slug
    )
    if holder is not None and holder.id is not None:
        query = query.where(Submission.id != holder.id)
    return db.session.scalar(query.limit(1)) is not None


def unique_slug(model, base: str, *, holder: Submission | None = None) -> str:
    """`base`, or `base-2`, `base-3`… : the first slug not taken (see `slug_taken`)."""
    slug, n = base, 1
    while slug_taken(model, slug, holder=holder):
        n += 1
        slug = f"{base[:110]}-{n}"
    return slug


def slug_conflict(exc: IntegrityError, message: str) -> ServiceError | None:
    """A concurrent writer took the slug between our check and our flush: the error to
    answer (code `exists`, 409), or None when the violation is not about a slug.

    The session is rolled back (a failed flush leaves nothing usable).
    """
    db.session.rollback()
    if "slug" not in str(exc.orig).lower():
        return None
    return ServiceError("slug", message, code="exists")


def get_visible(model, slug: str, include_unpublished: bool = False):
    """The record with `slug` if the caller may see it; NotFound otherwise."""
    record = db.session.scalar(
        sa.select(model).where(model.slug == slug.lower()).options(*_loads_of(model))
    )
    if record is None or not (include_unpublished or record.is_published):
        raise NotFound()
    return record
