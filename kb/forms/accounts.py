"""Account forms: sign-up (with the organisation acted for), log-in, passwords, preferences."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from kb.forms.fields import options
from kb.i18n import LANGUAGES, NATIVE_NAMES, TEXT_LANGUAGES, current_language, language_name
from kb.labels import ORGANIZATION_KINDS
from kb.schemas.fields import LANG_CODE

REQUIRED = _l("This field is required.")
#: The organisation choice that opens the proposal fields.
NEW = "new"


class OrganizationChoiceForm(FlaskForm):
    """The organisation an account acts for: one of the directory, or a new one proposed."""

    organization = SelectField(_l("Organization you act for"), choices=[], validate_choice=False)
    new_name = StringField(_l("Name of the organization"), [Length(max=500)])
    #: The language each text is written in: the reader's unless they choose another.
    new_name_lang = SelectField(_l("Language of the name"), choices=[], validate_choice=False)
    new_kind = SelectField(_l("Kind"), choices=[], validate_choice=False)
    new_country = SelectField(_l("Country"), choices=[], validate_choice=False)
    new_city = StringField(_l("City"), [Length(max=200)])
    new_city_lang = SelectField(
        _l("Language of the city’s name"), choices=[], validate_choice=False
    )
    new_website = StringField(_l("Website"), [Length(max=500)], render_kw={"type": "url"})

    FIELDS = {"name": "new_name", "kind": "new_kind", "country": "new_country"}
    FIELDS |= {"city": "new_city", "website": "new_website"}

    def field_for(self, path: str) -> str | None:
        """The field an error's path names: a bad language code is the language's."""
        key, _, code = path.partition(".")
        if code and key in ("name", "city") and not LANG_CODE.match(code):
            return f"new_{key}_lang"
        return self.FIELDS.get(key)

    def set_choices(self, organizations: list, countries: list, none_label: str) -> None:
        """The directory's organisations and countries, and the kinds."""
        self.organization.choices = options(
            [
                ("", none_label),
                *organizations,
                (NEW, _l("It is not listed: propose it to the directory")),
            ]
        )
        self.new_kind.choices = options([("", "—"), *ORGANIZATION_KINDS.items()])
        self.new_country.choices = options([("", "—"), *countries])
        reader = current_language()
        languages = options((code, language_name(code, reader)) for code in TEXT_LANGUAGES)
        for field in (self.new_name_lang, self.new_city_lang):
            field.choices = languages
            field.data = field.data or reader  # shown, so the person sees what is assumed

    def proposal(self, lang: str) -> dict | None:
        """The proposed organisation as a payload, when "not listed" was chosen."""
        if self.organization.data != NEW:
            return None
        city = (self.new_city.data or "").strip()
        name = (self.new_name.data or "").strip()
        name_lang = (self.new_name_lang.data or "").strip() or lang
        city_lang = (self.new_city_lang.data or "").strip() or lang
        proposal = {
            "name": {name_lang: name} if name else {},
            "country": self.new_country.data or None,
            "city": {city_lang: city} if city else None,
            "website": (self.new_website.data or "").strip() or None,
        }
        if self.new_kind.data:  # left out when not chosen, so the schema says it is required
            proposal["kind"] = self.new_kind.data
        return proposal

    def chosen(self) -> str | None:
        """The slug of the directory organisation chosen, if one was."""
        value = self.organization.data
        return value if value and value != NEW else None

    def show_errors(self, errors: dict[str, list[str]]) -> list[str]:
        """Put a proposal's errors (by field path) on the fields; returns the rest."""
        rest = []
        for path, messages in errors.items():
            name = self.field_for(path)
            if name:
                field = self[name]
                field.errors = [*field.errors, *messages]
            else:
                rest.extend(messages)
        return rest


class SignupForm(OrganizationChoiceForm):
    """A new institution account."""

    email = EmailField(_l("E-mail address"), [DataRequired(REQUIRED), Length(max=320)])
    name = StringField(_l("Your name"), [Length(max=200)])
    password = PasswordField(
        _l("Password (at least 10 characters)"), [DataRequired(REQUIRED), Length(max=200)]
    )
    password_again = PasswordField(
        _l("Password again"),
        [DataRequired(REQUIRED), EqualTo("password", _l("The two passwords differ."))],
    )
    locale = SelectField(
        _l("Language of our e-mails to you"),
        choices=options((code, NATIVE_NAMES[code]) for code in LANGUAGES),
    )
    notices = BooleanField(
        _l("E-mail me when something waits for my decision (at most one e-mail an hour)")
    )


class LoginForm(FlaskForm):
    """E-mail address and password."""

    email = EmailField(_l("E-mail address"), [DataRequired(REQUIRED)])
    password = PasswordField(_l("Password"), [DataRequired(REQUIRED)])


class EmailForm(FlaskForm):
    """An e-mail address to send a link to (password reset, confirmation again)."""

    email = EmailField(_l("E-mail address"), [DataRequired(REQUIRED), Length(max=320)])


class NewPasswordForm(FlaskForm):
    """A new password, twice."""

    password = PasswordField(
        _l("New password (at least 10 characters)"), [DataRequired(REQUIRED), Length(max=200)]
    )
    password_again = PasswordField(
        _l("New password again"),
        [DataRequired(REQUIRED), EqualTo("password", _l("The two passwords differ."))],
    )


class ChangePasswordForm(NewPasswordForm):
    """The current password, and a new one twice."""

    current_password = PasswordField(
        _l("Current password"),
        [DataRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )


class PreferencesForm(FlaskForm):
    """The account holder's name and the language of e-mails."""

    name = StringField(_l("Your name"), [Length(max=200)])
    locale = SelectField(
        _l("Language of our e-mails to you"),
        choices=options((code, NATIVE_NAMES[code]) for code in LANGUAGES),
    )
    notices = BooleanField(
        _l("E-mail me when something waits for my decision (at most one e-mail an hour)")
    )


class TokenForm(FlaskForm):
    """A new API token: a name to recognise it by, and when it stops working."""

    EXPIRIES = (("30", _l("In 30 days")), ("90", _l("In 90 days")), ("365", _l("In a year")))

    name = StringField(_l("Name (what the token is for)"), [Length(max=100)])
    expires = SelectField(
        _l("Expires"),
        choices=options([*EXPIRIES, ("never", _l("Never (revoke it yourself)"))]),
        default="90",
    )

    def days(self) -> int | None:
        """The chosen lifetime in days; None for a token that does not expire."""
        return None if self.expires.data == "never" else int(self.expires.data)


class AccountLookupForm(FlaskForm):
    """An e-mail address to look an account up by (administrators)."""

    email = EmailField(_l("E-mail address"), [DataRequired(REQUIRED), Length(max=320)])


class PlainForm(FlaskForm):
    """A form with nothing but its CSRF token (log-out)."""
