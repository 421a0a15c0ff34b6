"""The festival submission form: shape only; the festival's schema judges the content.

The form turns into a payload in the API's JSON shape (`payload`), and a payload turns
into the form's initial data (`initial_data`); the schema's and the services' errors,
keyed by dotted path (`editions.0.end_date`), are put back on the fields that caused
them (`show_errors`). Fields the form does not show are kept from the payload it
started from, so a proposed change never drops them.
"""

from __future__ import annotations

from babel.dates import get_month_names
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Length

from kb.forms.fields import options
from kb.i18n import LANGUAGES
from kb.labels import PERIODICITIES
from kb.schemas.fields import LANG_CODE

#: Text held per language that the form asks for, one fieldset per working language.
LANG_FIELDS = ("name", "city", "summary", "description", "sustainable_development")
#: Repeating rows: how many blank ones a form offers beyond those filled in.
ROWS = ("other_names", "countries", "editions", "elements", "organizers", "sources")


def _select(label=None) -> SelectField:
    # Choices come from the directory (set by the view); the schema and the services
    # judge the value, so a tampered one gets the same message as through the API.
    return SelectField(label, choices=[], validate_choice=False)


class LanguageTexts(Form):
    """The festival's texts in one language."""

    name = StringField(_l("Name"), [Length(max=500)])
    city = StringField(_l("City"), [Length(max=200)])
    summary = TextAreaField(_l("Summary"), [Length(max=2000)], render_kw={"rows": 3})
    description = TextAreaField(_l("Description"), render_kw={"rows": 6})
    sustainable_development = TextAreaField(
        _l("Contribution to sustainable development"), render_kw={"rows": 3}
    )


class OtherName(Form):
    """The name in another language, e.g. the community's own."""

    lang = StringField(_l("Language code"), [Length(max=20)], render_kw={"placeholder": "uz"})
    text = StringField(_l("Name"), [Length(max=500)])


class Edition(Form):
    """One dated edition."""

    year = StringField(_l("Year"), render_kw={"inputmode": "numeric"})
    number = StringField(_l("Edition number"), render_kw={"inputmode": "numeric"})
    start_date = StringField(_l("Starts"), render_kw={"type": "date"})
    end_date = StringField(_l("Ends"), render_kw={"type": "date"})
    city = StringField(_l("City"), [Length(max=200)])
    country = _select(_l("Country"))


class FestivalForm(FlaskForm):
    """A festival record, as an institution proposes it."""

    slug = StringField(_l("Address (slug)"), [Length(max=120)])
    other_names = FieldList(FormField(OtherName), min_entries=1)
    countries = FieldList(_select(_l("Country")), min_entries=1)
    latitude = StringField(_l("Latitude"), render_kw={"inputmode": "decimal"})
    longitude = StringField(_l("Longitude"), render_kw={"inputmode": "decimal"})
    periodicity = _select(_l("How often"))
    usual_months = SelectMultipleField(
        _l("Usually held in"),
        choices=[],
        validate_choice=False,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    first_year = StringField(_l("First held (year)"), render_kw={"inputmode": "numeric"})
    editions = FieldList(FormField(Edition), min_entries=1)
    elements = FieldList(_select(_l("ICH element")), min_entries=1)
    organizers = FieldList(_select(_l("Organizer")), min_entries=1)
    website = StringField(_l("Website"), [Length(max=500)], render_kw={"type": "url"})
    contact = StringField(_l("Public contact (e-mail or phone)"), [Length(max=300)])
    sources = FieldList(
        StringField(_l("Source (web address)"), render_kw={"type": "url"}), min_entries=1
    )
    message = TextAreaField(
        _l("Note for the moderators (not published)"), [Length(max=5000)], render_kw={"rows": 3}
    )

    def __init__(self, *args, lang: str = "en", choices: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lang = lang
        self.choices = choices or {}
        self.group_errors: dict[str, list[str]] = {}
        self.form_errors_: list[str] = []
        self.rows: dict[str, list[int]] = {}
        self.apply_choices()

    def apply_choices(self) -> None:
        """Put the directory's choices on every select (call again after adding a row)."""
        none = [("", "—")]
        countries = options(none + list(self.choices.get("countries", [])))
        for entry in self.countries:
            entry.choices = countries
        for entry in self.editions:
            entry.form.country.choices = countries
        elements = options(none + list(self.choices.get("elements", [])))
        for entry in self.elements:
            entry.choices = elements
        organizations = options(none + list(self.choices.get("organizations", [])))
        for entry in self.organizers:
            entry.choices = organizations
        self.periodicity.choices = options(none + list(PERIODICITIES.items()))
        months = get_month_names("wide", context="stand-alone", locale=self.lang)
        self.usual_months.choices = options((str(m), months[m]) for m in range(1, 13))

    def texts(self, code: str) -> LanguageTexts:
        """The fieldset of one language."""
        return getattr(self, f"text_{code}").form

    def add_row(self, name: str) -> None:
        """One more blank row in a repeating group ("add another")."""
        if name in ROWS:
            getattr(self, name).append_entry()
            self.apply_choices()

    @staticmethod
    def initial_data(payload: dict, lang: str) -> dict:
        """The form's data for a payload, with one blank row after each group's rows."""
        p = payload or {}
        data = {"slug": p.get("slug") or "", "message": ""}
        for code in LANGUAGES:
            data[f"text_{code}"] = {k: (p.get(k) or {}).get(code, "") for k in LANG_FIELDS}
        names = p.get("name") or {}
        data["other_names"] = [
            {"lang": k, "text": v} for k, v in names.items() if k not in LANGUAGES
        ] + [{}]
        for key in ("countries", "elements", "organizers", "sources"):
            data[key] = [str(v) for v in p.get(key) or []] + [""]
        for key in ("latitude", "longitude", "first_year", "website", "contact", "periodicity"):
            data[key] = "" if p.get(key) is None else str(p[key])
        data["usual_months"] = [str(m) for m in p.get("usual_months") or []]
        data["editions"] = [
            {
                **{k: "" if e.get(k) is None else str(e[k]) for k in ("year", "number")},
                **{k: e.get(k) or "" for k in ("start_date", "end_date", "country")},
                "city": (e.get("city") or {}).get(lang, ""),
            }
            for e in p.get("editions") or []
            if isinstance(e, dict)
        ] + [{}]
        return data

    def payload(self, base: dict | None) -> dict:
        """The festival as the form gives it, over `base` (fields the form does not show)."""
        base = dict(base or {})
        p = dict(base)
        for key in LANG_FIELDS:
            kept = {} if key == "name" else base.get(key) or {}
            texts = {k: v for k, v in kept.items() if k not in LANGUAGES}
            for code in LANGUAGES:
                value = (self.texts(code)[key].data or "").strip()
                if value:
                    texts[code] = value
            if key == "name":
                for entry in self.other_names:
                    code, text = _clean(entry.form.lang.data), _clean(entry.form.text.data)
                    if text:  # a missing code is "?", which the schema names as not a code
                        texts[code or "?"] = text
            p[key] = texts if texts or key == "name" else None
        for key in ("countries", "elements", "organizers", "sources"):
            p[key] = self._rows(key, lambda entry: _clean(entry.data))
        for key in ("latitude", "longitude"):
            p[key] = _clean(getattr(self, key).data, comma=True)
        for key in ("first_year", "periodicity", "website", "contact"):
            p[key] = _clean(getattr(self, key).data)
        p["usual_months"] = list(self.usual_months.data or [])
        if not self.slug.data and "slug" not in base:
            p["slug"] = ""
        elif self.slug.data:
            p["slug"] = self.slug.data.strip().lower()
        by_year = {str(e.get("year")): e for e in base.get("editions") or [] if isinstance(e, dict)}
        p["editions"] = self._rows("editions", lambda entry: self._edition(entry.form, by_year))
        return p

    def _rows(self, key: str, value) -> list:
        out, self.rows[key] = [], []
        for i, entry in enumerate(getattr(self, key)):
            item = value(entry)
            if item:
                out.append(item)
                self.rows[key].append(i)
        return out

    def _edition(self, form: Edition, by_year: dict) -> dict | None:
        values = {k: _clean(form[k].data) for k in ("year", "number", "start_date", "end_date")}
        city, country = _clean(form.city.data), _clean(form.country.data)
        if not any(values.values()) and not city and not country:
            return None
        if not values["year"] and values["start_date"]:
            values["year"] = values["start_date"][:4]
        base = by_year.get(values["year"] or "") or {}
        cities = {k: v for k, v in (base.get("city") or {}).items() if k != self.lang}
        if city:
            cities[self.lang] = city
        return {**base, **values, "city": cities or None, "country": country}

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """Put errors keyed by dotted path on the fields (or groups) they belong to."""
        for path, messages in errors.items():
            field = self._field_for(path)
            if field is None:
                group = path.split(".")[0]
                target = self.group_errors if group in self._fields else None
                if target is None:
                    self.form_errors_.extend(messages)
                else:
                    target.setdefault(group, []).extend(messages)
            else:
                field.errors = [*field.errors, *messages]

    def _field_for(self, path: str):
        key, _, rest = path.partition(".")
        if key in LANG_FIELDS:
            code = rest or self.lang
            if code in LANGUAGES:
                return self.texts(code)[key]
            if key != "name":
                return None
            for entry in self.other_names:
                if (_clean(entry.form.lang.data) or "?") == code and entry.form.text.data:
                    valid_code = LANG_CODE.match(code)
                    return entry.form.text if valid_code else entry.form.lang
            return None
        if key in ("countries", "elements", "organizers", "sources", "editions"):
            index, _, sub = rest.partition(".")
            rows = self.rows.get(key, [])
            if not index.isdigit() or int(index) >= len(rows):
                return None
            entry = getattr(self, key)[rows[int(index)]]
            if key != "editions":
                return entry
            return entry.form[sub] if sub in entry.form._fields else None
        if key in ("latitude", "longitude", "first_year", "periodicity", "website", "contact"):
            return getattr(self, key)
        if key == "usual_months":
            return self.usual_months
        if key == "slug":
            return self.slug
        return None


for _code in LANGUAGES:
    setattr(FestivalForm, f"text_{_code}", FormField(LanguageTexts, label=_code))


def _clean(value, comma: bool = False) -> str | None:
    text = (value or "").strip() if isinstance(value, str) else value
    if comma and isinstance(text, str):
        text = text.replace(",", ".")
    return text or None
