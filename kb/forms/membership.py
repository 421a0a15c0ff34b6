"""Membership forms: applying to join the network, answering, coordinators' decisions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from kb.forms.fields import CheckboxesField, options
from kb.i18n import LANGUAGES, NATIVE_NAMES
from kb.labels import CONTRIBUTIONS, MEMBER_ROLES, ORGANIZATION_KINDS, ROLE_NAMES

MAX_NOTE = 5000


class ApplicationForm(FlaskForm):
    """An institution's application; the service's schema checks every field."""

    kind = SelectField(_l("Kind of institution"), choices=[], validate_choice=False)
    country = SelectField(_l("Country"), choices=[], validate_choice=False)
    contact_name = StringField(_l("Contact person"), [Length(max=200)])
    contact_email = EmailField(_l("Contact person's e-mail address"), [Length(max=320)])
    contact_public = BooleanField(_l("Show the contact person in the member directory"))
    brings = CheckboxesField(_l("What the institution brings to the network"), choices=[])
    languages = StringField(
        _l("Languages it works in"),
        [Length(max=200)],
        description=_l("Language codes separated by commas, e.g. en, ru, uz."),
    )
    statement_language = SelectField(_l("Language of the statement"), choices=[])
    statement = TextAreaField(
        _l("Statement"),
        [Length(max=MAX_NOTE)],
        description=_l("Why the institution wishes to join, and what it hopes to share."),
        render_kw={"rows": 6},
    )
    terms = BooleanField(_l("The institution agrees to the network's terms"))

    #: Field names of the service's errors that are not the form's own.
    FIELDS = {"statement": "statement", "languages": "languages", "terms": "terms"}

    def set_choices(self, countries: list) -> None:
        """The kinds, the countries, the contributions and the working languages."""
        self.kind.choices = options([("", "—"), *ORGANIZATION_KINDS.items()])
        self.country.choices = options([("", "—"), *countries])
        self.brings.choices = options(CONTRIBUTIONS.items())
        self.statement_language.choices = options((c, NATIVE_NAMES[c]) for c in LANGUAGES)

    def data_for_service(self) -> dict:
        """The application in the API's shape."""
        text = (self.statement.data or "").strip()
        languages = [c.strip() for c in (self.languages.data or "").split(",") if c.strip()]
        return {
            "kind": self.kind.data or None,
            "country": self.country.data or None,
            "contact_name": (self.contact_name.data or "").strip() or None,
            "contact_email": (self.contact_email.data or "").strip() or None,
            "contact_public": bool(self.contact_public.data),
            "brings": list(self.brings.data or []),
            "languages": languages,
            "statement": {self.statement_language.data: text} if text else {},
            "terms": bool(self.terms.data),
        }

    def show_errors(self, errors: dict[str, list[str]]) -> list[str]:
        """Put the service's errors (by field path) on the fields; returns the rest."""
        rest = []
        for path, messages in errors.items():
            name = path.split(".")[0]
            if name in self._fields and name != "csrf_token":
                self[name].errors = [*self[name].errors, *messages]
            else:
                rest.extend(messages)
        return rest


class NoteForm(FlaskForm):
    """A question, an answer or a reason (the service says when it is required)."""

    note = TextAreaField(_l("Message"), [Length(max=MAX_NOTE)], render_kw={"rows": 3})


class ApprovalForm(NoteForm):
    """An approval: the network role and an optional note."""

    role = SelectField(_l("Role in the network"), choices=[], default="member")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = options(MEMBER_ROLES.items())


class RoleChangeForm(ApprovalForm):
    """A coordinator's change of a member's role, with the reason."""


class RoleGrantForm(FlaskForm):
    """An admin grants a role, saying why (kept in the log)."""

    role = SelectField(_l("Role"), choices=[])
    reason = TextAreaField(_l("Why (kept in the log)"), [Length(max=2000)], render_kw={"rows": 2})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = options(ROLE_NAMES.items())


class ReasonForm(FlaskForm):
    """A reason, e.g. for revoking a role or declining a request."""

    reason = TextAreaField(_l("Why (kept in the log)"), [Length(max=2000)], render_kw={"rows": 2})


class OrganizerRequestForm(FlaskForm):
    """An institution's account asks for the organizer role."""

    message = TextAreaField(
        _l("What events will you organise? (optional)"), [Length(max=2000)], render_kw={"rows": 2}
    )
