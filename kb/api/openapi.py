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
from kb.schemas.fields import CountryRef, LangText, Ref, TimeZone, ZonedDateTime
from kb.schemas.records import PersonName

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


def _field_properties(self, field, **kwargs) -> dict:
    """OpenAPI properties of our own field types."""
    if isinstance(field, PersonName):
        return {
            "description": (
                "A person's name per language (answers always give the object); a request "
                "may give one text, filed under the language of its script (Latin: en, "
                "Cyrillic: ru, Hangul: ko)."
            ),
            "oneOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": {"type": "string"}},
            ],
        }
    if isinstance(field, LangText):
        return {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Text per language, keyed by language code (en, ru, ko, …).",
        }
    if isinstance(field, CountryRef):
        return {
            "description": "A country: answers give {code, slug, name}; requests give its code.",
            "oneOf": [{"type": "string", "example": "UZ"}, {"type": "object"}],
        }
    if isinstance(field, Ref):
        return {
            "description": "A linked record: answers give {slug, name}; requests give its slug.",
            "oneOf": [{"type": "string"}, {"type": "object"}],
        }
    if isinstance(field, ZonedDateTime):
        return {"type": "string", "format": "date-time"}
    if isinstance(field, TimeZone):
        return {"type": "string", "example": "Asia/Seoul"}
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


@bp.get("/openapi.json")
def openapi_document():
    """Serve the OpenAPI document."""
    return jsonify(build_spec())
