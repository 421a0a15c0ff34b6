"""Record shapes for reading one record: the record plus its links in the other direction."""

from __future__ import annotations

from marshmallow import Schema, fields

from kb.schemas.fields import Ref, ref_json
from kb.schemas.images import ImageOutSchema
from kb.schemas.records import (
    CaseStudySchema,
    CountrySchema,
    ElementSchema,
    FestivalSchema,
    OrganizationSchema,
    Published,
)
from kb.services import directory, facets, heritage, images


class WithImages(Schema):
    """A record's images (published with it), for the API, JSON-LD and Open Graph."""

    images = fields.Method("_images", dump_only=True)

    def _images(self, record):
        kind = images.record_type_of(record)
        return ImageOutSchema(many=True).dump(images.images_of(kind, record.id)) if kind else []


class EventRoleSchema(Schema):
    """An event an organisation took part in, and its role."""

    event = Ref()
    role = fields.String()


class OrganizationDetailSchema(WithImages, OrganizationSchema):
    """An organisation with the festivals it organises, its events and case studies."""

    festivals = fields.Method("_festivals", dump_only=True)
    events = fields.Method("_events", dump_only=True)
    case_studies = fields.Method("_case_studies", dump_only=True)

    def _festivals(self, org):
        return [ref_json(f) for f in heritage.festivals_organized_by(org)]

    def _events(self, org):
        return EventRoleSchema(many=True).dump(directory.organization_events(org))

    def _case_studies(self, org):
        return [ref_json(c) for c in heritage.case_studies_about(org)]


class ElementDetailSchema(WithImages, ElementSchema):
    """An element with the festivals that present it and the case studies about it."""

    festivals = Published(Ref(), dump_only=True)
    case_studies = Published(Ref(), dump_only=True)


class FestivalDetailSchema(WithImages, FestivalSchema):
    """A festival with the case studies about it."""

    case_studies = Published(Ref(), dump_only=True)


class CaseStudyDetailSchema(WithImages, CaseStudySchema):
    """A case study with its images."""


class CountryDetailSchema(CountrySchema):
    """A country with its published organisations, elements, festivals and case studies."""

    records = fields.Method("_records", dump_only=True)

    def _records(self, country):
        return {
            key: [ref_json(r) for r in items]
            for key, items in facets.country_records(country.code).items()
        }
