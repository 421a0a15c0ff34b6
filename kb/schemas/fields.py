"""Field types shared by every record shape: text per language, references, zoned times."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from kb.i18n import TEXT_LANGUAGES
from kb.tz import in_zone

LANG_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
#: Characters no text may hold: C0/C1 controls (tab and line breaks excepted), NUL
#: included (PostgreSQL cannot store it), lone surrogates (not UTF-8) and non-characters.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def control_message():
    """The refusal of a text that holds control characters, in the reader's language."""
    return _l("Remove the control characters (such as NUL) from this text.")


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Pattern(validate.Regexp):
    """A value the whole pattern matches: its `$` is the end of the text.

    Python's `$` also matches before a final line break, so `validate.Regexp` took
    "naadam\n" for a slug; ECMA's `$` (the OpenAPI document's patterns) does not.
    """

    def __call__(self, value):
        if isinstance(value, str) and self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return super().__call__(value)


class LangText(fields.Field):
    """Text per language: `{"en": "…", "ru": "…"}`; texts non-empty, without control characters.

    Codes are the working languages and the community languages of `kb.i18n.TEXT_LANGUAGES`
    (a key nothing can name or format would otherwise be stored and shown to everyone).
    """

    def __init__(self, *, max_length: int = 20000, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length

    def _serialize(self, value, attr, obj, **kwargs):
        return dict(value) if value else None

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError(_l("Give the text as an object keyed by language code."))
        out, errors = {}, {}
        for code, text in value.items():
            if not isinstance(code, str) or not LANG_CODE.match(code):
                errors[str(code)] = [_l("Not a language code.")]
            elif code not in TEXT_LANGUAGES:
                errors[code] = [
                    _l(
                        "Texts are accepted in these languages only: %(codes)s.",
                        codes=", ".join(TEXT_LANGUAGES),
                    )
                ]
            elif not isinstance(text, str) or not text.strip():
                errors[code] = [_l("Leave a language out rather than give it empty text.")]
            elif len(text) > self.max_length:
                errors[code] = [_l("Longer than %(max)d characters.", max=self.max_length)]
            elif CONTROL.search(text):
                errors[code] = [control_message()]
            else:
                out[code] = text.strip()
        if errors:
            raise ValidationError(errors)
        if not out:
            raise ValidationError(_l("Give the text in at least one language."))
        return out


def ref_json(record) -> dict:
    """How a link to a record appears in an answer."""
    return {"slug": record.slug, "name": record.label or None}


class Ref(fields.Field):
    """A link to another record: dumped as `{"slug", "name"}`, loaded from a slug.

    Loading accepts `"slug"` or `{"slug": "…"}` and yields the slug; the service
    resolves it and names the field if nothing has that slug.
    """

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else ref_json(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict):
            value = value.get("slug")
        if not isinstance(value, str) or not SLUG.match(value.strip().lower()):
            raise ValidationError(_l("Not a valid reference: give the record's slug."))
        return value.strip().lower()


class CountryRef(fields.Field):
    """A link to a country: dumped as `{"code", "slug", "name"}`, loaded from its code."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return {"code": value.code, "slug": value.slug, "name": value.name or None}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict):
            value = value.get("code") or value.get("slug")
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2}", value.strip()):
            raise ValidationError(_l("Not a country code (ISO 3166-1 alpha-2, e.g. UZ)."))
        return value.strip().upper()


class TimeZone(fields.String):
    """An IANA time-zone name such as `Asia/Seoul`."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        # Looked up in the zone database's list, never opened by name (a long or odd name
        # would reach the file system).
        if value not in zone_names():
            raise ValidationError(_l("Not a known time zone (e.g. Asia/Seoul)."))
        return value


@cache
def zone_names() -> frozenset[str]:
    """The names in the zone database."""
    return frozenset(available_timezones())


#: The largest whole number a field takes: the database's `integer`.
MAX_INT = 2**31 - 1

#: The dates and instants the knowledge base takes: history to the foreseeable future.
FIRST_DAY, LAST_DAY = date(1000, 1, 1), date(2200, 12, 31)


def _plausible_day(day: date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            _l("Not a plausible date (years %(first)d to %(last)d).", first=1000, last=2200)
        )


class Day(fields.Date):
    """A calendar date between the years 1000 and 2200."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        _plausible_day(result)
        return result


class ZonedDateTime(fields.DateTime):
    """An instant: loaded from ISO 8601 with an offset; dumped in the event's zone.

    The zone is read from the object's `timezone`, or its event's.
    """

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        zone = getattr(obj, "timezone", None) or getattr(obj, "event", None).timezone
        return in_zone(value, zone).isoformat() if zone else value.isoformat()

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if not isinstance(result, datetime) or result.tzinfo is None:
            raise ValidationError(
                _l("Give the time with its offset, e.g. 2020-11-18T13:00:00+09:00.")
            )
        _plausible_day(result.date())
        return result


def one_of(choices) -> validate.OneOf:
    """A OneOf validator with a translated message."""
    return validate.OneOf(choices, error=_l("Must be one of: {choices}."))


def year() -> validate.Range:
    """A plausible year."""
    return validate.Range(min=1, max=2200, error=_l("Not a plausible year."))


def url_field(**kwargs) -> fields.Url:
    """An http(s) URL, at most 500 characters."""
    return fields.Url(
        schemes={"http", "https"},
        validate=validate.Length(max=500, error=_l("Longer than {max} characters.")),
        **kwargs,
    )


def slug_field(**kwargs) -> fields.String:
    """A record's slug: lower-case ASCII words joined by hyphens."""
    return fields.String(
        validate=[
            Pattern(SLUG, error=_l("Use lower-case letters, digits and hyphens only.")),
            validate.Length(max=120, error=_l("Longer than {max} characters.")),
        ],
        **kwargs,
    )


def latitude_field(**kwargs) -> fields.Float:
    """Degrees north (WGS 84): -90 to 90; not NaN or infinity."""
    error = _l("A latitude lies between -90 and 90.")
    return fields.Float(validate=validate.Range(-90, 90, error=error), allow_none=True, **kwargs)


def longitude_field(**kwargs) -> fields.Float:
    """Degrees east (WGS 84): -180 to 180; not NaN or infinity."""
    error = _l("A longitude lies between -180 and 180.")
    return fields.Float(validate=validate.Range(-180, 180, error=error), allow_none=True, **kwargs)
