"""Query arguments of lists (pages and API alike): pagination and filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, validate

from kb.i18n import LANGUAGES
from kb.models import (
    DOMAINS,
    EVENT_KINDS,
    NETWORK_ROLES,
    ORGANIZATION_KINDS,
    PERIODICITIES,
    REGIONS,
    UNESCO_LISTS,
)
from kb.schemas.fields import CountryRef, Ref, one_of, year

#: The last page a list may be asked for (an offset beyond it overflows the database).
MAX_PAGE = 100_000


class PageArgs(Schema):
    """`page` and `per_page`."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(
        load_default=1,
        validate=validate.Range(
            min=1, max=MAX_PAGE, error=_l("Pages are numbered from {min} to {max}.")
        ),
    )
    per_page = fields.Integer(
        load_default=20,
        validate=validate.Range(min=1, max=100, error=_l("Between {min} and {max} per page.")),
    )


class CountryArgs(PageArgs):
    """Filters of the country list."""

    per_page = fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=300, error=_l("Between {min} and {max} per page.")),
    )
    region = fields.String(validate=one_of(REGIONS))


class OrganizationArgs(PageArgs):
    """Filters of the organisation list."""

    country = CountryRef()
    kind = fields.String(validate=one_of(ORGANIZATION_KINDS))
    role = fields.String(validate=one_of(NETWORK_ROLES))


class ElementArgs(PageArgs):
    """Filters of the element list."""

    country = CountryRef()
    domain = fields.String(validate=one_of(DOMAINS))
    unesco_list = fields.String(data_key="list", validate=one_of(UNESCO_LISTS))
    year = fields.Integer(validate=year())


class FestivalArgs(PageArgs):
    """Filters of the festival list; `year` finds festivals with an edition that year."""

    country = CountryRef()
    element = Ref()
    periodicity = fields.String(validate=one_of(PERIODICITIES))
    year = fields.Integer(validate=year())


class CaseStudyArgs(PageArgs):
    """Filters of the case-study list."""

    country = CountryRef()
    year = fields.Integer(validate=year())


class EventArgs(PageArgs):
    """Filters of the event list."""

    kind = fields.String(validate=one_of(EVENT_KINDS))
    year = fields.Integer(validate=year())
    when = fields.String(validate=one_of(("upcoming", "past")))
    language = fields.String(validate=one_of(LANGUAGES))


class CalendarArgs(Schema):
    """Filters of the events calendar feed (/events.ics): one feed per country or kind;
    with `festivals`, festival editions as well (what the calendar page shows)."""

    class Meta:
        unknown = EXCLUDE  # calendar clients may add parameters of their own

    kind = fields.String(validate=one_of(EVENT_KINDS))
    language = fields.String(validate=one_of(LANGUAGES))
    country = CountryRef()
    element = Ref()  # events are linked to no element: only festival editions match
    festivals = fields.Boolean(load_default=False)  # the dated editions of festivals too


#: The years the calendar page shows (its dates stay clear of the calendar's edges).
CALENDAR_YEARS = (1000, 2200)


class CalendarPageArgs(Schema):
    """The calendar page: which year (and month), and its filters (those of the feed)."""

    class Meta:
        unknown = EXCLUDE

    year = fields.Integer(
        validate=validate.Range(*CALENDAR_YEARS, error=_l("A year from {min} to {max}."))
    )
    month = fields.Integer(
        validate=validate.Range(1, 12, error=_l("A month is a number from 1 to 12."))
    )
    country = CountryRef()
    type = fields.String(validate=one_of(EVENT_KINDS))
    element = Ref()


class MapArgs(Schema):
    """Filters of the map (and of the calendar, which shares them but for `organization`)."""

    class Meta:
        unknown = EXCLUDE

    type = fields.String(validate=one_of(("festivals", "organizations", "events")))
    country = CountryRef()
    element = Ref()
    month = fields.Integer(
        validate=validate.Range(1, 12, error=_l("A month is a number from 1 to 12."))
    )
    organization = Ref()
    #: Only the organisations that are members of the network now (`?members=1`).
    members = fields.Boolean()
