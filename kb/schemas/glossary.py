"""The glossary's shapes in the API: a term and the records that use it."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields

from kb.schemas.fields import LangText


class GlossaryArgs(Schema):
    """`q`: only the terms it names, in any language or form."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(
        load_default="",
        metadata={"description": "A term in any language or form (НКН, 무형문화유산, ICH)"},
    )


class GlossaryRecordSchema(Schema):
    """A record that uses a term."""

    type = fields.String(metadata={"description": "The collection: elements, festivals, …"})
    slug = fields.String()
    name = LangText()
    url = fields.String(metadata={"description": "The record in this API"})


class GlossaryTermSchema(Schema):
    """One term of the network in every working language."""

    id = fields.String(metadata={"description": "Stable; the anchor on /<lang>/glossary"})
    term = LangText(metadata={"description": "The one form each language uses"})
    # Not a LangText: a term without shorter forms has `{}` here, which LangText (at
    # least one language, as a request must give) would not describe.
    short = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Shorter forms or acronyms, where there are (may be empty)"},
    )
    definition = LangText()
    sources = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Per language, the page the form is taken from"},
    )
    page = LangText(metadata={"description": "The term on the glossary page, per language"})
    url = fields.String(metadata={"description": "The term in this API"})
    records_total = fields.Integer(metadata={"description": "How many records use the term"})
    records = fields.List(
        fields.Nested(GlossaryRecordSchema),
        metadata={"description": "The first records that use it (one term's answer only)"},
    )


class GlossarySchema(Schema):
    """The answer of /api/v1/glossary: every term (a collection of one page)."""

    items = fields.List(fields.Nested(GlossaryTermSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
