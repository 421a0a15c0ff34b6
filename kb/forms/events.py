"""The organiser's forms: an event and a session. Times are entered in the event's zone.

Each form turns its fields into the JSON shape the API takes (EventSchema), so that the
pages and the API save through the same schema and service.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from kb import labels
from kb.forms.fields import CheckboxesField, lang_value, options, zoned
from kb.i18n import LANGUAGES, NATIVE_NAMES
from kb.kinds import BY_PRESENTED

TIME = "%Y-%m-%dT%H:%M"
#: A record's address in the presented box: its collection and slug (or its whole URL).
RECORD_ADDRESS = re.compile(
    "(" + "|".join(k.name for k in BY_PRESENTED.values()) + r")/([a-z0-9][a-z0-9-]*)"
)
PRESENTED_HELP = _l(
    "One per line: the record’s address (e.g. festivals/boysun-bahori, or the page’s URL), "
    "then | and what the programme did with it: presentation, discussion or performance "
    "(presentation if left out)."
)
ONLINE = [("", _l("Not stated")), ("yes", _l("Online")), ("no", _l("On site"))]


def _language_fields(cls, prefix: str, label, field=StringField) -> None:
    for code in LANGUAGES:
        setattr(cls, f"{prefix}_{code}", field(label, validators=[Optional()]))


class DayForm(Form):
    """One day of the event and its hours, in the event's zone."""

    day = DateField(_l("Day"), validators=[Optional()])
    starts = TimeField(_l("From"), validators=[Optional()])
    ends = TimeField(_l("To"), validators=[Optional()])


#: Empty day rows offered below the event's days (no script adds rows).
SPARE_DAYS = 2


class EventForm(FlaskForm):
    """An event's facts, its organisations by role, registration settings and link.

    Its days are rows (day, from, to); without any, the span fields below give the
    event one day per date.
    """

    slug = StringField(_l("Address name (slug)"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=options(labels.EVENT_KINDS.items()))
    timezone = SelectField(_l("Time zone of the event"), validators=[DataRequired()])
    days = FieldList(FormField(DayForm), label=_l("Days"))
    starts_at = DateTimeLocalField(_l("Starts"), format=TIME, validators=[Optional()])
    ends_at = DateTimeLocalField(_l("Ends"), format=TIME, validators=[Optional()])
    start_date = DateField(_l("First day (if the time is not known)"), validators=[Optional()])
    end_date = DateField(_l("Last day"), validators=[Optional()])
    online = SelectField(_l("Online or on site"), choices=options(ONLINE))
    languages = CheckboxesField(_l("Working languages"), choices=options(NATIVE_NAMES.items()))
    organizers = SelectMultipleField(_l("Organizers"), validate_choice=False)
    co_organizers = SelectMultipleField(_l("Co-organizers"), validate_choice=False)
    supporters = SelectMultipleField(_l("Supporters"), validate_choice=False)
    registration_opens_at = DateTimeLocalField(
        _l("Registration opens"), format=TIME, validators=[Optional()]
    )
    registration_closes_at = DateTimeLocalField(
        _l("Registration closes"), format=TIME, validators=[Optional()]
    )
    registration_capacity = IntegerField(
        _l("Places (leave empty for no limit)"), validators=[Optional(), NumberRange(min=1)]
    )
    join_url = URLField(_l("Joining link (private)"), validators=[Optional(), Length(max=500)])
    presented = TextAreaField(_l("What the event as a whole presented"), description=PRESENTED_HELP)

    def validate_presented(self, field) -> None:
        """Every line names a record and a known role."""
        parse_presented(field.data, strict=True)

    ROLE_FIELDS = (
        ("organizers", "organizer"),
        ("co_organizers", "co-organizer"),
        ("supporters", "supporter"),
    )

    def to_data(self) -> dict:
        """The form as an API body (EventSchema's shape)."""
        zone = self.timezone.data
        registration = {
            "opens_at": zoned(self.registration_opens_at.data, zone),
            "closes_at": zoned(self.registration_closes_at.data, zone),
            "capacity": self.registration_capacity.data,
        }
        days = [
            {
                "day": row.day.data.isoformat(),
                "starts": row.starts.data.strftime("%H:%M") if row.starts.data else None,
                "ends": row.ends.data.strftime("%H:%M") if row.ends.data else None,
            }
            for row in (entry.form for entry in self.days)
            if row.day.data
        ]
        span = {
            "starts_at": zoned(self.starts_at.data, zone),
            "ends_at": zoned(self.ends_at.data, zone),
            "start_date": self.start_date.data.isoformat() if self.start_date.data else None,
            "end_date": self.end_date.data.isoformat() if self.end_date.data else None,
        }
        return {
            "slug": (self.slug.data or "").strip().lower(),
            "kind": self.kind.data,
            "title": lang_value(self, "title") or {},
            "summary": lang_value(self, "summary"),
            "description": lang_value(self, "description"),
            "venue": lang_value(self, "venue"),
            "timezone": zone,
            **({"days": days} if days else span),
            "online": {"yes": True, "no": False}.get(self.online.data),
            "languages": self.languages.data or [],
            "organizations": [
                {"organization": slug, "role": role}
                for name, role in self.ROLE_FIELDS
                for slug in self[name].data or []
            ],
            "registration": registration if any(registration.values()) else None,
            "join_url": (self.join_url.data or "").strip() or None,
            "presented": parse_presented(self.presented.data),
        }


_language_fields(EventForm, "title", _l("Title"))
_language_fields(EventForm, "summary", _l("Summary"), TextAreaField)
_language_fields(EventForm, "description", _l("Description"), TextAreaField)
_language_fields(EventForm, "venue", _l("Venue"))


class SessionForm(FlaskForm):
    """A session of the programme."""

    day = DateField(_l("Day (if the time is not known)"), validators=[Optional()])
    starts_at = DateTimeLocalField(_l("Starts"), format=TIME, validators=[Optional()])
    ends_at = DateTimeLocalField(_l("Ends"), format=TIME, validators=[Optional()])
    speakers = TextAreaField(
        _l("Speakers"),
        description=_l(
            "One per line: name | affiliation | role | note. The affiliation may be a "
            "directory organisation’s address (e.g. organizations/ichcap); the role is "
            "speaker, chair, moderator or performer (speaker if left out); the note says "
            "their position or topic. Names are kept in the script they are typed in."
        ),
    )
    languages = CheckboxesField(_l("Working languages"), choices=options(NATIVE_NAMES.items()))
    interpretation = BooleanField(_l("Interpretation between the working languages"))
    join_url = URLField(_l("Joining link (private)"), validators=[Optional(), Length(max=500)])
    presented = TextAreaField(_l("What the session presented"), description=PRESENTED_HELP)

    def validate_presented(self, field) -> None:
        """Every line names a record and a known role."""
        parse_presented(field.data, strict=True)

    def to_data(self, zone: str, speakers: list[dict]) -> dict:
        """The form as a session of an API body; `speakers` as parsed by the view."""
        return {
            "title": lang_value(self, "title") or {},
            "description": lang_value(self, "description"),
            "day": self.day.data.isoformat() if self.day.data else None,
            "starts_at": zoned(self.starts_at.data, zone),
            "ends_at": zoned(self.ends_at.data, zone),
            "speakers": speakers,
            "languages": self.languages.data or [],
            "interpretation": bool(self.interpretation.data),
            "join_url": (self.join_url.data or "").strip() or None,
            "presented": parse_presented(self.presented.data),
        }


_language_fields(SessionForm, "title", _l("Title"))
_language_fields(SessionForm, "description", _l("Description"), TextAreaField)


def speakers_text(speakers: list[dict], lang: str) -> str:
    """Speakers (as EventSchema loads them) as the lines of the speakers box.

    A line is `name | affiliation | role | note`: the name in the page's language where
    there is one, a directory organisation as its address (`organizations/<slug>`), the
    role only when it is not "speaker".
    """
    from kb.i18n import pick

    lines = []
    for speaker in speakers:
        loc = pick(speaker.get("name"), lang)
        parts = [loc.text if loc else ""]
        if speaker.get("organization"):
            parts.append(f"organizations/{speaker['organization']}")
        else:
            loc = pick(speaker.get("affiliation"), lang)
            parts.append(loc.text if loc else "")
        if speaker.get("role", "speaker") != "speaker":
            parts.append(labels.label("speaker_role", speaker["role"]))
        loc = pick(speaker.get("note"), lang)
        parts.append(loc.text if loc else "")
        lines.append(" | ".join(parts).rstrip(" |"))
    return "\n".join(lines)


def _speaker_roles() -> dict[str, str]:
    out = {}
    for code, name in labels.SPEAKER_ROLES.items():
        out[code] = code
        out[str(name).lower()] = code
    return out


def _kept_text(value: str, old: dict | None, lang: str) -> dict | None:
    """`value` typed in `lang`; the other languages of `old` stay, and all of it if unchanged."""
    from kb.i18n import pick

    loc = pick(old, lang)
    if value and old and loc and loc.text == value:
        return old
    return {**(old or {}), lang: value} if value else None


def parse_speakers(text: str, lang: str, previous: list[dict]) -> list[dict]:
    """The speakers box as speakers: `name | affiliation | role | note` per line.

    The name goes under the language of its script (a Latin name typed on a Russian page
    is not Russian text); a speaker whose typed name is one of their known forms keeps
    the other forms. `organizations/<slug>` as the affiliation links a directory
    organisation. The third part is a role (speaker, chair, moderator, performer, in the
    page's language) or, if it is none of them, a note; other texts go in `lang`, and
    other languages of unchanged texts are kept.
    """
    from kb.names import name_language

    roles = _speaker_roles()
    speakers = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.split("|")]
        name = " ".join(parts[0].split())
        if not name:
            continue
        rest = parts[1:] + ["", "", ""]
        affiliation, third, fourth = rest[0], rest[1], rest[2]
        role = roles.get(third.lower()) if third else None
        note = fourth if role else " | ".join(p for p in (third, fourth) if p)
        before = next((s for s in previous if name in (s.get("name") or {}).values()), {})
        speaker = {
            "name": {**(before.get("name") or {}), name_language(name, lang): name},
            "role": role or "speaker",
        }
        if before.get("transliteration"):
            speaker["transliteration"] = before["transliteration"]
        address = RECORD_ADDRESS.fullmatch(affiliation.lower())
        if address and address.group(1) == "organizations":
            speaker["organization"] = address.group(2)
        elif affiliation:
            speaker["affiliation"] = _kept_text(affiliation, before.get("affiliation"), lang)
        if note:
            speaker["note"] = _kept_text(note, before.get("note"), lang)
        speakers.append(speaker)
    return speakers


def _roles() -> dict[str, str]:
    """Role codes by what a person may type: the code or its label in the page's language."""
    out = {}
    for code, name in labels.PRESENTED_ROLES.items():
        out[code] = code
        out[str(name).lower()] = code
    return out


def parse_presented(text: str | None, *, strict: bool = False) -> list[dict]:
    """The presented box as links (`{"type", "record", "role"}`), in the API's shape.

    With `strict`, a line that names no record or an unknown role is refused (the
    form's validator); otherwise such lines are left out.
    """
    types = {kind.name: name for name, kind in BY_PRESENTED.items()}
    roles = _roles()
    links = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        address, _bar, role = (p.strip() for p in line.partition("|"))
        match = RECORD_ADDRESS.search(address.lower())
        code = roles.get(role.lower()) if role else "presented"
        if match is None or code is None:
            if strict:
                raise ValidationError(
                    _l("Line %(number)s: give a record’s address and a role.", number=number)
                )
            continue
        links.append({"type": types[match.group(1)], "record": match.group(2), "role": code})
    return links


def presented_text(links: list[dict]) -> str:
    """Links (as EventSchema loads them) as the lines of the presented box."""
    return "\n".join(
        f"{BY_PRESENTED[link['target_type']].name}/{link['target']}"
        f" | {labels.label('presented_role', link['role'])}"
        for link in links
    )
