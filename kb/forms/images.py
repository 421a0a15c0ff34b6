"""The image form: the picture, and its caption, alt text, credit, licence and source."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from kb.forms.fields import lang_value, options
from kb.i18n import LANGUAGES
from kb.labels import LICENCES


class ImageFacts(FlaskForm):
    """What an image says about itself (editing an image already sent)."""

    credit = StringField(_l("Credit (who made the picture)"), [Length(max=300)])
    licence = SelectField(_l("Licence"), choices=[], validate_choice=False)
    source = StringField(_l("Source (web address)"), [Length(max=500)], render_kw={"type": "url"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.licence.choices = options([("", "—")] + list(LICENCES.items()))

    def facts(self) -> dict:
        """The facts in ImageSchema's shape (the schema judges them)."""
        facts = {
            "caption": lang_value(self, "caption"),
            "alt": lang_value(self, "alt"),
            "credit": (self.credit.data or "").strip() or None,
            "licence": self.licence.data or None,
            "source": (self.source.data or "").strip() or None,
        }
        return {key: value for key, value in facts.items() if value is not None}

    def fill(self, image) -> None:
        """Show an image's facts."""
        for code in LANGUAGES:
            self[f"caption_{code}"].data = (image.caption or {}).get(code)
            self[f"alt_{code}"].data = (image.alt or {}).get(code)
        self.credit.data, self.licence.data, self.source.data = (
            image.credit,
            image.licence,
            image.source,
        )


class ImageUpload(ImageFacts):
    """A new picture with its facts."""

    file = FileField(
        _l("Picture (JPEG, PNG or WebP)"), render_kw={"accept": "image/jpeg,image/png,image/webp"}
    )


for _code in LANGUAGES:
    setattr(
        ImageFacts,
        f"caption_{_code}",
        TextAreaField(_code, [Length(max=500)], render_kw={"rows": 2}),
    )
    setattr(ImageFacts, f"alt_{_code}", StringField(_code, [Length(max=300)]))
