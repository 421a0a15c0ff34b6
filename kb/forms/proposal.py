"""The "propose a change" form of elements, organisations, case studies and events.

Each text is asked with the language it is in: one row per language the record holds
(text and language), and a blank row whose language is the reader's (or, when the
record has that one already, the first working language it lacks). Changing a row's
language moves the text to that language; emptying a row removes it. Moderators edit
proposals (festivals' too) with the same form, so moving a text that was filed under
the wrong language is one choice in a list.

Like the festival form, it turns into a payload in the API's shape over the payload it
started from, so fields it does not show are kept; the schema judges the content, and
its errors (by dotted path) go back on the fields that caused them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from kb.catalog import BY_SINGULAR
from kb.forms.fields import options
from kb.i18n import LANGUAGES, TEXT_LANGUAGES, language_name
from kb.schemas.fields import LANG_CODE


def _texts(record_type: str) -> tuple[str, ...]:
    """The texts the form asks for (`RecordType.proposal_texts`), in the order shown."""
    return BY_SINGULAR[record_type].proposal_texts


def _plain(record_type: str) -> tuple:
    """The plain fields it asks for (`RecordType.proposal_fields`): (key, label, input)."""
    return BY_SINGULAR[record_type].proposal_fields


#: Texts of one line; the others get a text area.
SHORT = ("name", "title", "city", "place", "venue", "theme")


class TextRow(Form):
    """One long text and the language it is in."""

    text = TextAreaField(_l("Text"), render_kw={"rows": 5})
    lang = SelectField(_l("Language of this text"), choices=[], validate_choice=False)


class ShortTextRow(TextRow):
    """One line of text (a name, a title) and the language it is in."""

    text = StringField(_l("Text"), [Length(max=2000)])


class ProposalForm(FlaskForm):
    """The fields every proposal form has; `form_for` adds the record type's own."""

    sources = FieldList(
        StringField(_l("Source (web address)"), render_kw={"type": "url"}), min_entries=1
    )
    message = TextAreaField(_l("Note"), [Length(max=5000)], render_kw={"rows": 3})

    record_type = ""

    def __init__(self, *args, lang: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.lang = lang
        self.form_errors_: list[str] = []
        self.group_errors: dict[str, list[str]] = {}
        self.rows: dict[str, list[int]] = {}
        self.apply_choices()

    @property
    def text_keys(self) -> tuple[str, ...]:
        return _texts(self.record_type)

    @property
    def plain_fields(self) -> list:
        return [self[key] for key, _label, _kind in _plain(self.record_type)]

    def texts(self, key: str) -> FieldList:
        """The rows of one text."""
        return self[f"text_{key}"]

    def apply_choices(self) -> None:
        """Every language select offers the working languages, the communities' and its own."""
        for key in self.text_keys:
            for entry in self.texts(key):
                codes = list(TEXT_LANGUAGES)  # the working ones first, then the communities'
                current = entry.form.lang.data
                if current and current not in codes and LANG_CODE.match(current):
                    codes.append(current)
                entry.form.lang.choices = options(
                    (code, language_name(code, self.lang)) for code in codes
                )

    def add_row(self, name: str) -> None:
        """One more blank row (another language of a text, another source)."""
        if name == "sources":
            self.sources.append_entry()
        elif name.startswith("text_") and name[5:] in self.text_keys:
            self.texts(name[5:]).append_entry({"text": "", "lang": self.lang})
            self.apply_choices()

    @classmethod
    def initial_data(cls, payload: dict, lang: str) -> dict:
        """The form's data for a payload: a row per language held, then a blank one."""
        p = payload or {}
        data: dict = {"message": ""}
        for key in _texts(cls.record_type):
            held = p.get(key) if isinstance(p.get(key), dict) else {}
            order = sorted(held, key=lambda code: (code != lang, code not in LANGUAGES, code))
            rows = [{"text": held[code], "lang": code} for code in order]
            blank = (
                lang if lang not in held else next((c for c in LANGUAGES if c not in held), lang)
            )
            data[f"text_{key}"] = [*rows, {"text": "", "lang": blank}]
        for key, _label, _kind in _plain(cls.record_type):
            data[key] = "" if p.get(key) is None else str(p[key])
        data["sources"] = [str(v) for v in p.get("sources") or []] + [""]
        return data

    def payload(self, base: dict | None) -> dict:
        """The record as the form gives it, over `base` (the fields it does not show)."""
        p = dict(base or {})
        for key in self.text_keys:
            texts: dict[str, str] = {}
            self.rows[key] = []
            for i, entry in enumerate(self.texts(key)):
                text = (entry.form.text.data or "").strip()
                code = (entry.form.lang.data or "").strip() or "?"
                if not text:
                    continue
                if code in texts:
                    entry.form.lang.errors = [
                        *entry.form.lang.errors,
                        str(_l("Another text of this field is in this language already.")),
                    ]
                    continue
                texts[code] = text
                self.rows[key].append(i)
            p[key] = texts if texts or key in ("name", "title") else None
        for key, _label, _kind in _plain(self.record_type):
            value = (self[key].data or "").strip()
            p[key] = value or None
        p["sources"] = []
        self.rows["sources"] = []
        for i, entry in enumerate(self.sources):
            value = (entry.data or "").strip()
            if value:
                p["sources"].append(value)
                self.rows["sources"].append(i)
        return p

    def duplicate_languages(self) -> bool:
        """Whether `payload` found two texts of one field in one language."""
        return any(entry.form.lang.errors for key in self.text_keys for entry in self.texts(key))

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """Put errors keyed by dotted path on the fields (or groups) they belong to."""
        for path, messages in errors.items():
            field = self._field_for(path)
            if field is not None:
                field.errors = [*field.errors, *messages]
            elif path.split(".")[0] in (*self.text_keys, "sources"):
                self.group_errors.setdefault(path.split(".")[0], []).extend(messages)
            else:
                self.form_errors_.extend(messages)

    def _field_for(self, path: str):
        key, _, rest = path.partition(".")
        if key in self.text_keys:
            rows = self.texts(key)
            for i in self.rows.get(key, []):
                if (rows[i].form.lang.data or "?") == rest:
                    valid = LANG_CODE.match(rest)
                    return rows[i].form.text if valid else rows[i].form.lang
            return rows[0].form.text if not rest and len(rows) else None
        if key == "sources":
            rows = self.rows.get("sources", [])
            if rest.isdigit() and int(rest) < len(rows):
                return self.sources[rows[int(rest)]]
            return None
        if key in {k for k, _label, _kind in _plain(self.record_type)}:
            return self[key]
        if key == "reason":  # a moderator's note
            return self.message
        return None


def _plain_field(label, kind):
    render_kw = {"inputmode": "numeric"} if kind == "numeric" else {}
    if kind == "url":
        render_kw = {"type": "url"}
    return StringField(label, [Length(max=500)], render_kw=render_kw)


def _form_class(record_type: str) -> type[ProposalForm]:
    attrs: dict = {"record_type": record_type}
    for key in _texts(record_type):
        row = ShortTextRow if key in SHORT else TextRow
        attrs[f"text_{key}"] = FieldList(FormField(row), min_entries=1)
    for key, label, kind in _plain(record_type):
        attrs[key] = _plain_field(label, kind)
    return type(f"ProposalForm_{record_type}", (ProposalForm,), attrs)


#: One form class per type whose records may receive a proposed change (`Kind.proposals`).
FORMS = {name: _form_class(name) for name, rt in BY_SINGULAR.items() if rt.kind.proposals}


def form_for(record_type: str, payload: dict, lang: str, *, posted: bool) -> ProposalForm:
    """The form of `record_type`: from the request when posted, else filled from `payload`."""
    cls = FORMS[record_type]
    if posted:
        return cls(lang=lang)
    return cls(data=cls.initial_data(payload, lang), lang=lang, formdata=None)
