"""The JSON shape of every record type: used by the API, the seed loader and history."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from kb.i18n import LANGUAGES
from kb.models import (
    DOMAINS,
    EVENT_KINDS,
    EVENT_ROLES,
    NETWORK_ROLES,
    ORGANIZATION_KINDS,
    PERIODICITIES,
    PRESENTED_ROLES,
    PRESENTED_TYPES,
    REGIONS,
    SPEAKER_ROLES,
    STATUSES,
    UNESCO_LISTS,
)
from kb.names import as_name
from kb.schemas.fields import (
    LANG_CODE,
    MAX_INT,
    CountryRef,
    Day,
    LangText,
    Pattern,
    Ref,
    TimeZone,
    ZonedDateTime,
    latitude_field,
    longitude_field,
    one_of,
    slug_field,
    url_field,
    year,
)


class Published(fields.List):
    """A list of linked records that shows only the published ones."""

    def _serialize(self, value, attr, obj, **kwargs):
        visible = [item for item in (value or []) if getattr(item, "is_published", True)]
        return super()._serialize(visible, attr, obj, **kwargs)


class PublishedOrganizations(fields.List):
    """An event's organisations and their roles: only those whose organisation is published
    (a draft organisation is named nowhere public: not in the API, not in the exports)."""

    def _serialize(self, value, attr, obj, **kwargs):
        visible = [link for link in (value or []) if link.organization.is_published]
        return super()._serialize(visible, attr, obj, **kwargs)


#: Metadata of list fields whose order carries no meaning (compared as sets).
UNORDERED = {"unordered": True}


def refs(**kwargs) -> Published:
    """A set of links to records, by slug."""
    return Published(Ref(), load_default=list, metadata=UNORDERED, **kwargs)


def country_refs(**kwargs) -> fields.List:
    """A set of links to countries, by code."""
    return fields.List(CountryRef(), load_default=list, metadata=UNORDERED, **kwargs)


def name_text(**kwargs) -> LangText:
    """A record's name or title: required, short."""
    return LangText(required=True, max_length=500, **kwargs)


class AltNameSchema(Schema):
    """An alternate name or transliteration."""

    text = fields.String(required=True, validate=validate.Length(min=1, max=300))
    lang = fields.String(
        validate=Pattern(LANG_CODE, error=_l("Not a language code.")), allow_none=True
    )


def check_coordinates(data: dict) -> None:
    """Refuse a place on the map with one coordinate: both or neither."""
    if (data.get("latitude") is None) != (data.get("longitude") is None):
        missing = "longitude" if data.get("longitude") is None else "latitude"
        raise ValidationError(_l("Give both latitude and longitude, or neither."), missing)


class RecordSchema(Schema):
    """Fields every record type has."""

    slug = slug_field(required=True)
    status = fields.String(dump_only=True, validate=one_of(STATUSES))
    sources = fields.List(url_field(), load_default=list)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class CountrySchema(Schema):
    """A country."""

    code = fields.String(
        required=True,
        validate=Pattern(r"^[A-Z]{2}$", error=_l("Use the ISO 3166-1 alpha-2 code.")),
    )
    slug = fields.String(dump_only=True)
    name = name_text()
    region = fields.String(validate=one_of(REGIONS), allow_none=True)


class OrganizationSchema(RecordSchema):
    """An organisation of the directory."""

    name = name_text()
    alt_names = fields.List(fields.Nested(AltNameSchema), load_default=list)
    acronym = fields.String(validate=validate.Length(max=40), allow_none=True)
    kind = fields.String(required=True, validate=one_of(ORGANIZATION_KINDS))
    country = CountryRef(allow_none=True)
    city = LangText(max_length=200, allow_none=True)
    address = fields.String(validate=validate.Length(max=1000), allow_none=True)
    latitude = latitude_field()
    longitude = longitude_field()
    website = url_field(allow_none=True)
    contact = fields.String(validate=validate.Length(max=300), allow_none=True)
    founding_year = fields.Integer(validate=year(), allow_none=True)
    network_role = fields.String(validate=one_of(NETWORK_ROLES), allow_none=True)
    summary = LangText(max_length=2000, allow_none=True)
    description = LangText(allow_none=True)

    @validates_schema
    def _coordinates(self, data, **kwargs):
        check_coordinates(data)


class ElementSchema(RecordSchema):
    """An ICH element."""

    name = name_text()
    alt_names = fields.List(fields.Nested(AltNameSchema), load_default=list)
    name_verified = fields.Boolean(load_default=True)
    unesco_list = fields.String(validate=one_of(UNESCO_LISTS), allow_none=True)
    inscription_year = fields.Integer(validate=year(), allow_none=True)
    countries = country_refs()
    domains = fields.List(
        fields.String(validate=one_of(DOMAINS)), load_default=list, metadata=UNORDERED
    )
    communities = LangText(max_length=2000, allow_none=True)
    summary = LangText(max_length=2000, allow_none=True)
    description = LangText(allow_none=True)
    safeguarding = LangText(allow_none=True)
    notes = LangText(allow_none=True)


class EditionSchema(Schema):
    """A dated edition of a festival."""

    year = fields.Integer(required=True, validate=year())
    number = fields.Integer(validate=validate.Range(min=1, max=MAX_INT), allow_none=True)
    start_date = Day(allow_none=True)
    end_date = Day(allow_none=True)
    city = LangText(max_length=200, allow_none=True)
    country = CountryRef(allow_none=True)
    note = LangText(max_length=2000, allow_none=True)

    @validates_schema
    def _dates(self, data, **kwargs):
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            raise ValidationError(_l("The edition ends before it starts."), "end_date")
        if start and data.get("year") and start.year != data["year"]:
            raise ValidationError(_l("The start date is not in the edition's year."), "start_date")


class FestivalSchema(RecordSchema):
    """An ICH festival."""

    name = name_text()
    alt_names = fields.List(fields.Nested(AltNameSchema), load_default=list)
    countries = country_refs()
    city = LangText(max_length=200, allow_none=True)
    place = LangText(max_length=300, allow_none=True)
    latitude = latitude_field()
    longitude = longitude_field()
    periodicity = fields.String(validate=one_of(PERIODICITIES), allow_none=True)
    usual_months = fields.List(
        fields.Integer(
            validate=validate.Range(1, 12, error=_l("A month is a number from 1 to 12."))
        ),
        load_default=list,
    )
    first_year = fields.Integer(validate=year(), allow_none=True)
    organizers = refs()
    organizer_note = LangText(max_length=2000, allow_none=True)
    elements = refs()
    editions = fields.List(fields.Nested(EditionSchema), load_default=list)
    sustainable_development = LangText(allow_none=True)
    website = url_field(allow_none=True)
    contact = fields.String(validate=validate.Length(max=300), allow_none=True)
    summary = LangText(max_length=2000, allow_none=True)
    description = LangText(allow_none=True)
    notes = LangText(allow_none=True)

    @validates_schema
    def _coordinates(self, data, **kwargs):
        check_coordinates(data)


class CaseStudySchema(RecordSchema):
    """A case study."""

    title = name_text()
    summary = LangText(max_length=2000, allow_none=True)
    body = LangText(max_length=50000, allow_none=True)
    year = fields.Integer(validate=year(), allow_none=True)
    countries = country_refs()
    festivals = refs()
    elements = refs()
    organizations = refs()
    sdgs = fields.List(
        fields.Integer(validate=validate.Range(1, 17, error=_l("The SDGs are numbered 1 to 17."))),
        load_default=list,
    )


class PersonName(LangText):
    """A person's name per language; a plain text is accepted and filed by its script.

    "Gi Hyung Keum" becomes `{"en": "Gi Hyung Keum"}`, "Кым Кихён" `{"ru": …}`, "금기형"
    `{"ko": …}` (see kb.names).
    """

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = as_name(value)
        return super()._deserialize(value, attr, data, **kwargs)


class SpeakerSchema(Schema):
    """A person in a session: name per language, affiliation, role.

    `organization` links a directory organisation (its slug); `affiliation` is free text
    per language for one that is not in the directory (or a department of it). `role` is
    `speaker`, `chair`, `moderator` or `performer`; `note` their position or topic.
    """

    name = PersonName(required=True, max_length=200)
    transliteration = fields.String(validate=validate.Length(max=200), allow_none=True)
    organization = Ref(allow_none=True)
    affiliation = LangText(max_length=300, allow_none=True)
    role = fields.String(validate=one_of(SPEAKER_ROLES), load_default="speaker")
    note = LangText(max_length=300, allow_none=True)


class PresentedSchema(Schema):
    """A record that an event or a session presented, discussed or performed.

    `type` is `case-study`, `festival`, `element` or `organization`; `record` its slug
    (answers give `{"slug", "name"}`); `role` is `presented`, `discussed` or `performed`.
    """

    type = fields.String(
        required=True, attribute="target_type", validate=one_of(tuple(PRESENTED_TYPES))
    )
    record = Ref(required=True, attribute="target")
    role = fields.String(required=True, validate=one_of(PRESENTED_ROLES))


class PublishedLinks(fields.List):
    """Programme links whose record is published (a draft record stays unnamed)."""

    def _serialize(self, value, attr, obj, **kwargs):
        visible = [link for link in (value or []) if link.target.is_published]
        return super()._serialize(visible, attr, obj, **kwargs)


def presented_field() -> PublishedLinks:
    """What an event or a session presented, in the order given."""
    return PublishedLinks(
        fields.Nested(PresentedSchema), load_default=list, validate=validate.Length(max=100)
    )


class EventDaySchema(Schema):
    """One day of an event, with its hours as wall-clock times in the event's zone."""

    day = Day(required=True)
    starts = fields.Time(format="%H:%M", allow_none=True)
    ends = fields.Time(format="%H:%M", allow_none=True)

    @validates_schema
    def _hours(self, data, **kwargs):
        start, end = data.get("starts"), data.get("ends")
        if start and end and end <= start:
            raise ValidationError(_l("The day ends before it starts."), "ends")


class SessionSchema(Schema):
    """A session of an event's programme. `join_url` is write-only.

    `id` is the session's lasting identity: give it back to keep the session (its
    calendar entry, its links); a session without one is new.
    """

    id = fields.String(attribute="uid", validate=validate.Length(max=32), allow_none=True)
    title = name_text()
    description = LangText(allow_none=True)
    day = Day(allow_none=True)
    starts_at = ZonedDateTime(allow_none=True)
    ends_at = ZonedDateTime(allow_none=True)
    languages = fields.List(fields.String(validate=one_of(LANGUAGES)), load_default=list)
    interpretation = fields.Boolean(allow_none=True)
    speakers = fields.List(fields.Nested(SpeakerSchema), load_default=list)
    presented = presented_field()
    join_url = url_field(load_only=True, allow_none=True)

    @pre_load
    def _chair(self, data, **kwargs):
        """`chair` (a name, as clients sent it before chairs were people) is a chair speaker."""
        if isinstance(data, dict) and "chair" in data:
            data = dict(data)
            chair = data.pop("chair")
            if isinstance(chair, str) and chair.strip():
                speakers = data.get("speakers")
                speakers = list(speakers) if isinstance(speakers, list) else []
                data["speakers"] = [{"name": chair, "role": "chair"}, *speakers]
        return data

    @validates_schema
    def _times(self, data, **kwargs):
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            raise ValidationError(_l("The session ends before it starts."), "ends_at")


class EventOrganizationSchema(Schema):
    """An organisation's part in an event."""

    organization = Ref(required=True)
    role = fields.String(required=True, validate=one_of(EVENT_ROLES))


class RegistrationSettingsSchema(Schema):
    """When registration opens and closes, and how many may register."""

    opens_at = ZonedDateTime(allow_none=True)
    closes_at = ZonedDateTime(allow_none=True)
    capacity = fields.Integer(validate=validate.Range(min=1, max=MAX_INT), allow_none=True)

    @validates_schema
    def _window(self, data, **kwargs):
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            raise ValidationError(_l("Registration closes before it opens."), "closes_at")


class EventSchema(RecordSchema):
    """A network event. `join_url` is write-only: it is never in an answer."""

    kind = fields.String(required=True, validate=one_of(EVENT_KINDS))
    title = name_text()
    theme = LangText(max_length=500, allow_none=True)
    topics = fields.List(LangText(max_length=500), load_default=list)
    summary = LangText(max_length=2000, allow_none=True)
    description = LangText(allow_none=True)
    timezone = TimeZone(required=True)
    #: The days, each with its hours; without them, one day per date of the span below.
    days = fields.List(fields.Nested(EventDaySchema), validate=validate.Length(max=366))
    #: The span: computed from the days (first day's start, last day's end) when given.
    start_date = Day(allow_none=True)
    end_date = Day(allow_none=True)
    starts_at = ZonedDateTime(allow_none=True)
    ends_at = ZonedDateTime(allow_none=True)
    online = fields.Boolean(allow_none=True)
    venue = LangText(max_length=500, allow_none=True)
    #: The venue's country and place on the map.
    country = CountryRef(allow_none=True)
    latitude = latitude_field()
    longitude = longitude_field()
    languages = fields.List(fields.String(validate=one_of(LANGUAGES)), load_default=list)
    recording_url = url_field(allow_none=True)
    organizations = PublishedOrganizations(
        fields.Nested(EventOrganizationSchema), attribute="organization_links", load_default=list
    )
    sessions = fields.List(fields.Nested(SessionSchema), load_default=list)
    #: What the event as a whole presented (a session's own links are on the session).
    presented = presented_field()
    registration = fields.Nested(RegistrationSettingsSchema, allow_none=True)
    join_url = url_field(load_only=True, allow_none=True)

    @validates_schema
    def _times(self, data, partial=None, **kwargs):
        if not partial:  # a partial body (PATCH) is checked once merged with the event
            check_event_times(data)
            check_coordinates(data)


def check_event_times(data: dict) -> None:
    """Refuse an event (as loaded) whose start is missing or whose times run backwards."""
    if not data.get("start_date") and not data.get("starts_at") and not data.get("days"):
        raise ValidationError(_l("Give the start date or the start time."), "start_date")
    start, end = data.get("starts_at"), data.get("ends_at")
    if start and end and end <= start:
        raise ValidationError(_l("The event ends before it starts."), "ends_at")
    day, last = data.get("start_date"), data.get("end_date")
    if day and last and last < day:
        raise ValidationError(_l("The event ends before it starts."), "end_date")


def canonical(schema: Schema, record) -> dict:
    """The record as the schema would load it: the form that new input is compared with."""
    return schema.load(schema.dump(record), unknown=EXCLUDE, partial=True)
