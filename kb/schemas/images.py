"""What an image says about itself: caption and alt text per language, credit, licence,
source. The same shape in the forms (through `load`), the API and the record answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from kb.models import LICENCES
from kb.schemas.fields import LangText, one_of, url_field
from kb.urls import absolute_url


class ImageSchema(Schema):
    """An image's facts (its files are checked by kb/imaging.py)."""

    caption = LangText(max_length=500, allow_none=True)
    #: What the picture shows, for people who cannot see it: required.
    alt = LangText(
        max_length=300,
        required=True,
        error_messages={
            "required": _l("Describe what the picture shows, for those who cannot see it.")
        },
    )
    credit = fields.String(
        required=True,
        validate=validate.Length(min=1, max=300, error=_l("Between {min} and {max} characters.")),
        error_messages={"required": _l("Say who made the picture.")},
    )
    licence = fields.String(required=True, validate=one_of(LICENCES))
    source = url_field(allow_none=True)


def _url(image, variant: str) -> str:
    return absolute_url("media.image_file", key=image.key, variant=variant)


class ImageOutSchema(ImageSchema):
    """An image in a record's answer: its facts and the absolute URLs of its sizes (for
    partners, JSON-LD `image` and Open Graph `og:image`, which want absolute addresses)."""

    url = fields.Method("_largest", dump_only=True)
    width = fields.Integer(dump_only=True)
    height = fields.Integer(dump_only=True)
    sizes = fields.Method("_sizes", dump_only=True)
    thumbnail = fields.Method("_thumbnail", dump_only=True)

    def _widths(self, image, prefix):
        return sorted((int(v[1:]), v) for v in image.variants or [] if v.startswith(prefix))

    def _largest(self, image):
        return _url(image, self._widths(image, "w")[-1][1])

    def _sizes(self, image):
        return [{"width": w, "url": _url(image, v)} for w, v in self._widths(image, "w")]

    def _thumbnail(self, image):
        thumbs = self._widths(image, "t")
        return _url(image, thumbs[0][1]) if thumbs else None
