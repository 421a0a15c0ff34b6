"""The OpenAPI 3 document, generated from the same marshmallow schemas the API uses.

Every route under /api/v1 must be described here (a test checks that the document and
the URL map agree). Modules that add endpoints call `describe(path, method, operation)`.
"""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify
from marshmallow import Schema, fields

from kb.api import bp
from kb.catalog import RECORD_TYPES
from kb.i18n import TEXT_LANGUAGES
from kb.schemas.fields import (
    SLUG,
    CountryRef,
    Day,
    LangText,
    Ref,
    TimeZone,
    ZonedDateTime,
    zone_names,
)
from kb.schemas.records import PersonName
from kb.schemas.registrations import CountryCode, country_codes

_described: list[tuple[str, str, dict, list[type[Schema]]]] = []


def describe(path: str, method: str, operation: dict, schemas: list[type[Schema]] = ()) -> None:
    """Add an operation (OpenAPI path item entry) to the document; `schemas` it refers to."""
    _described.append((path, method.lower(), operation, list(schemas)))


class ErrorSchema(Schema):
    """`{"error": {"code", "message", "fields"}}`."""

    class Inner(Schema):
        code = fields.String(required=True)
        message = fields.String(required=True)
        fields_ = fields.Dict(
            data_key="fields", keys=fields.String(), values=fields.List(fields.String())
        )

    error = fields.Nested(Inner, required=True)


#: What the edge lets through in any text, key or query argument: no C0/C1 control
#: characters (tab and line breaks excepted) and no non-characters, as `CONTROL` in
#: kb/schemas/fields.py. Lone surrogates are refused too, but no pattern names them: a
#: regular expression over code points cannot (Rust's and ECMA's with `u` refuse the
#: range), and JSON carries none that is valid Unicode text.
_ALLOWED = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]"
TEXT_PATTERN = f"^{_ALLOWED}*$"
#: A text that must not be blank (LangText's texts: the app strips them).
NONBLANK_PATTERN = (
    f"^{_ALLOWED}*[^\\s\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ufffe\\uffff]{_ALLOWED}*$"
)
#: A web address the app takes (url_field: marshmallow's URL validator with a top-level
#: domain required): http(s), host names of letters, digits and inner hyphens ending in a
#: top-level domain of two or more letters (no one-letter domain exists, and marshmallow
#: refuses one), an optional port, then a path, query or fragment without spaces or
#: control characters. Narrower than `format: uri` (which takes `https://0.a` or any
#: scheme) and than the validator (IP addresses, user info): the addresses users give.
_URL_CHAR = r"[^\s\x00-\x1f\x7f-\x9f\ufffe\uffff]"
URL_PATTERN = (
    r"^https?://([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
    rf"(:[0-9]{{1,5}})?(/|[/?#]{_URL_CHAR}+)?$"
)
#: Dates and instants the app takes: the years 1000 to 2200 (kb.schemas.fields.Day).
YEAR_PREFIX = "^(1[0-9]{3}|2[01][0-9]{2}|2200)-"


def _text_ref(max_length: int) -> dict:
    """A reference to the LangText component of this length (see `_text_components`)."""
    return {"allOf": [{"$ref": f"#/components/schemas/Text{max_length}"}]}


#: The lengths of LangText fields the document names (their components are added last).
_TEXT_LENGTHS: set[int] = set()


def _text_object(max_length: int) -> dict:
    """A LangText: a non-blank text per known language code, nothing else."""
    text = {
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        "pattern": NONBLANK_PATTERN,
    }
    return {
        "type": "object",
        "properties": {code: dict(text) for code in TEXT_LANGUAGES},
        "additionalProperties": False,
        "minProperties": 1,
    }


def _ref_properties(key: str, pattern: str, example: str, description: str) -> dict:
    _TEXT_LENGTHS.add(500)
    name = {**_text_ref(500), "nullable": True}
    value = {"type": "string", "pattern": pattern, "example": example}
    return {
        "description": description,
        "oneOf": [
            value,
            {
                "type": "object",
                "required": [key],
                "properties": {
                    key: value,
                    **({"slug": {"type": "string"}} if key != "slug" else {}),
                    "name": name,
                },
                "additionalProperties": False,
            },
        ],
    }


def _field_properties(self, field, **kwargs) -> dict:
    """OpenAPI properties of our own field types, as strict as their loading."""
    if isinstance(field, PersonName):
        return {
            "description": (
                "A person's name per language (answers always give the object); a request "
                "may give one text, filed under the language of its script (Latin: en, "
                "Cyrillic: ru, Hangul: ko)."
            ),
            "oneOf": [
                {"type": "string", "pattern": NONBLANK_PATTERN, "maxLength": field.max_length},
                _text_object(field.max_length),
            ],
        }
    if isinstance(field, LangText) and "languages" in field.metadata:
        shape = _text_object(field.max_length)
        shape["properties"] = {
            code: text
            for code, text in shape["properties"].items()
            if code in field.metadata["languages"]
        }
        return {**shape, "description": "Text in one of: " + ", ".join(shape["properties"])}
    if isinstance(field, LangText):
        _TEXT_LENGTHS.add(field.max_length)
        return {
            **_text_ref(field.max_length),
            "description": "Text per language, keyed by language code: "
            + ", ".join(TEXT_LANGUAGES)
            + ". A language without text is left out.",
        }
    if isinstance(field, CountryRef):
        return _ref_properties(
            "code",
            "^[A-Za-z]{2}$",
            "UZ",
            "A country: answers give {code, slug, name}; requests give its code.",
        )
    if isinstance(field, Ref):
        return _ref_properties(
            "slug",
            SLUG.pattern,
            "naadam",
            "A linked record: answers give {slug, name}; requests give its slug.",
        )
    if isinstance(field, ZonedDateTime):
        return {"type": "string", "format": "date-time", "pattern": YEAR_PREFIX}
    if isinstance(field, Day):
        return {"type": "string", "format": "date", "pattern": YEAR_PREFIX}
    if isinstance(field, CountryCode):
        return {"type": "string", "enum": sorted(country_codes()), "example": "UZ"}
    if isinstance(field, TimeZone):
        return {"allOf": [{"$ref": "#/components/schemas/TimeZone"}]}
    if isinstance(field, fields.Time) and field.format == "%H:%M":
        return {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "09:30"}
    if isinstance(field, fields.Url):
        return {"type": "string", "pattern": URL_PATTERN}
    return {}


def _page(schema_name: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "total", "page", "per_page"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema_name}"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    }


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": "Error"}}}


def _json(schema) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def build_spec() -> dict:
    """The OpenAPI document as a dict."""
    plugin = MarshmallowPlugin(schema_name_resolver=lambda schema: None)
    spec = APISpec(
        title="Silk Roads ICH Network knowledge base",
        version="1",
        openapi_version="3.0.3",
        info={
            "description": (
                "Organisations, ICH elements, festivals, case studies, events and countries "
                "of the Silk Roads ICH network. Text held per language is an object keyed by "
                'language code. Errors answer {"error": {"code", "message", "fields"}}. '
                "Answers are in the language of ?lang= or Accept-Language (en, ru, ko)."
            )
        },
        plugins=[plugin],
    )
    plugin.converter.add_attribute_function(_field_properties)
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    for rt in RECORD_TYPES:
        name = rt.schema.__name__.removesuffix("Schema")
        spec.components.schema(name, schema=rt.schema)
        detail = rt.detail_schema.__name__.removesuffix("Schema")
        if detail != name:
            spec.components.schema(detail, schema=rt.detail_schema)
        spec.path(
            path=f"/api/v1/{rt.name}",
            operations={
                "get": {
                    "summary": f"List {rt.name}",
                    "tags": [rt.name],
                    "parameters": [{"in": "query", "schema": rt.args}],
                    "responses": {
                        "200": {"description": "One page", **_json(_page(name))},
                        "400": _error("A query argument is not valid"),
                    },
                }
            },
        )
        spec.path(
            path=f"/api/v1/{rt.name}/{{slug}}",
            operations={
                "get": {
                    "summary": f"One of the {rt.name}, with its links in both directions",
                    "tags": [rt.name],
                    "parameters": [
                        {
                            "in": "path",
                            "name": "slug",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {"description": "The record", **_json(detail)},
                        "404": _error("No published record has this slug"),
                    },
                }
            },
        )
    for path, method, operation, schemas in _described:
        for schema in schemas:
            schema_name = schema.__name__.removesuffix("Schema")
            if schema_name not in spec.components.schemas:
                spec.components.schema(schema_name, schema=schema)
        spec.path(path=path, operations={method: operation})
    spec.path(
        path="/api/v1/openapi.json",
        operations={
            "get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3"}}}
        },
    )
    document = spec.to_dict()
    _answers_of_every_operation(document)
    components = document["components"]["schemas"]
    components["TimeZone"] = {
        "type": "string",
        "enum": sorted(zone_names()),
        "example": "Asia/Seoul",
        "description": "A name of the IANA time-zone database",
    }
    for length in sorted(_TEXT_LENGTHS):
        components[f"Text{length}"] = _text_object(length)
    _as_strict_as_the_app(document)
    return document


def _answers_of_every_operation(document: dict) -> None:
    """The answers any operation may give, from checks that run before its own code.

    kb/edge.py refuses query arguments (and JSON) with control characters (400), bodies
    over the size limit (413) and JSON texts with control characters (422); kb/resilience.py
    answers 503 when the database is unreachable or the connection broke mid-write.
    """
    ref = "#/components/schemas/Error"
    for operations in document["paths"].values():
        for operation in operations.values():
            answers = operation.setdefault("responses", {})
            generic = {
                "400": "A query argument (or the JSON) is not valid, named in `fields`",
                "503": "code `database_unavailable`: the database cannot be reached; "
                "retry after `Retry-After` seconds",
            }
            if "requestBody" in operation:
                generic["413"] = "The body is larger than the limit"
                generic["422"] = "Invalid fields, named in `fields`"
            for status, description in generic.items():
                answers.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": ref}}},
                    },
                )


def _strict_string(schema: dict) -> None:
    if schema.get("type") == "string" and not {"enum", "pattern", "format"} & schema.keys():
        schema["pattern"] = TEXT_PATTERN


def _tighten(schema, seen: set[int]) -> None:
    """Every text without control characters; every described object closed."""
    if isinstance(schema, list):
        for item in schema:
            _tighten(item, seen)
        return
    if not isinstance(schema, dict) or id(schema) in seen:
        return
    seen.add(id(schema))
    _strict_string(schema)
    if "properties" in schema and "additionalProperties" not in schema:
        # Unknown keys are refused (marshmallow's RAISE) or ignored (EXCLUDE): a client
        # sends none, and the edge refuses any key with a control character anyway.
        schema["additionalProperties"] = False
    for key in ("properties",):
        for sub in schema.get(key, {}).values():
            _tighten(sub, seen)
    for key in ("items", "additionalProperties", "oneOf", "anyOf", "allOf"):
        if key in schema:
            _tighten(schema[key], seen)


def _as_strict_as_the_app(document: dict) -> None:
    """Tighten what the generated shapes leave open, so that what the document calls
    valid the app accepts: texts without control characters (kb/edge.py refuses them in
    any key, text or query argument), objects without undescribed keys, and a query
    argument that takes a record by slug or code takes that string only."""
    seen: set[int] = set()
    for schema in document.get("components", {}).get("schemas", {}).values():
        _tighten(schema, seen)
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if "oneOf" in schema:
                    (string,) = [s for s in schema.pop("oneOf") if s.get("type") == "string"]
                    schema.update(string)
                _tighten(schema, seen)
            for media in operation.get("requestBody", {}).get("content", {}).values():
                _tighten(media.get("schema"), seen)


@bp.get("/openapi.json")
def openapi_document():
    """Serve the OpenAPI document."""
    return jsonify(build_spec())
