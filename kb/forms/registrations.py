"""The registration form and the small forms that only carry a CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from kb.forms.fields import options
from kb.i18n import NATIVE_NAMES


class RegistrationForm(FlaskForm):
    """Name, e-mail, organisation, country, language, time zone and consent."""

    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Please give your name.")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Please give your e-mail address.")),
            Email(_l("Not a valid e-mail address."), check_deliverability=False),
            Length(max=320),
        ],
        render_kw={"autocomplete": "email"},
    )
    organization = StringField(
        _l("Organization"),
        validators=[Optional(), Length(max=300)],
        render_kw={"autocomplete": "organization"},
    )
    country = SelectField(_l("Country"), validators=[Optional()])
    language = SelectField(_l("Language of the e-mails"), choices=options(NATIVE_NAMES.items()))
    timezone = SelectField(_l("Your time zone (for the times in the e-mails)"))
    consent = BooleanField(
        _l(
            "I agree that the organisers keep my name, e-mail address, organisation and "
            "country to manage this event and to send me its joining links."
        ),
        validators=[DataRequired(_l("Registration needs your consent."))],
    )

    def to_data(self) -> dict:
        """The form as the API's registration body."""
        return {
            "name": (self.name.data or "").strip(),
            "email": (self.email.data or "").strip(),
            "organization": (self.organization.data or "").strip() or None,
            "country": self.country.data or None,
            "language": self.language.data,
            "timezone": self.timezone.data or None,
            "consent": bool(self.consent.data),
        }


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (publish, cancel, remove)."""
