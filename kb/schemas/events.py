"""An event as the API answers it: the record, its state, registration and calendar."""

from __future__ import annotations

from marshmallow import fields

from kb.schemas.details import WithImages
from kb.schemas.fields import ref_json
from kb.schemas.records import EventSchema
from kb.urls import absolute_url


class EventDetailSchema(WithImages, EventSchema):
    """An event with its organisations grouped by role, its state and registration state.

    `registration_state` is `open`, `not_open_yet`, `closed` or `full`; `places_left`
    is null when there is no limit. Never the joining links.
    """

    state = fields.Method("_state", dump_only=True)
    organizers_by_role = fields.Method("_by_role", dump_only=True)
    registration_state = fields.Method("_registration_state", dump_only=True)
    places_left = fields.Method("_places_left", dump_only=True, allow_none=True)
    calendar_url = fields.Method("_calendar_url", dump_only=True)

    def _state(self, event) -> str:
        from kb.services.events import event_state

        return event_state(event)

    def _by_role(self, event) -> dict:
        out: dict[str, list] = {}
        for link in event.organization_links:
            if link.organization.is_published:
                out.setdefault(link.role, []).append(ref_json(link.organization))
        return out

    def _registration_state(self, event) -> str:
        from kb.services.registrations import registration_state

        return registration_state(event)

    def _places_left(self, event) -> int | None:
        from kb.services.registrations import confirmed_count

        if event.registration_capacity is None:
            return None
        return max(0, event.registration_capacity - confirmed_count(event))

    def _calendar_url(self, event) -> str:
        return absolute_url("calendars.event_calendar", slug=event.slug)
