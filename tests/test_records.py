"""Records, their links in both directions, and history kept by every save."""

import sqlalchemy as sa

from kb.extensions import db
from kb.models import Revision
from kb.schemas.records import FestivalSchema
from kb.services.common import ServiceError
from kb.services.heritage import save_festival
from kb.services.records import Actor
from tests.factories import (
    create_case_study,
    create_country,
    create_element,
    create_event,
    create_festival,
    create_organization,
)


def test_links_are_visible_from_both_sides(app):
    uz = create_country("UZ")
    org = create_organization(slug="hunarmand", country="UZ")
    element = create_element(slug="bakhshi-art", countries=["UZ"])
    festival = create_festival(
        slug="bakhshi-festival",
        countries=["UZ"],
        elements=["bakhshi-art"],
        organizers=["hunarmand"],
    )
    case = create_case_study(
        festivals=["bakhshi-festival"], elements=["bakhshi-art"], countries=["UZ"]
    )

    assert festival.elements == [element] and element.festivals == [festival]
    assert festival.organizers == [org] and org.country == uz
    assert element.case_studies == [case] and festival.case_studies == [case]


def test_an_unknown_reference_is_refused_with_its_field(app):
    create_country("UZ")
    data = FestivalSchema().load({"slug": "f", "name": {"en": "F"}, "elements": ["nowhere"]})
    try:
        save_festival(data, Actor("test"))
    except ServiceError as exc:
        assert exc.field == "elements.0"
        assert "nowhere" in exc.message
    else:
        raise AssertionError("an unknown element was accepted")


def test_saving_records_history_and_saving_again_changes_nothing(app):
    create_country("UZ")
    festival = create_festival(slug="sharq", name={"en": "Sharq Taronalari"}, countries=["UZ"])
    data = FestivalSchema().load(
        {"slug": "sharq", "name": {"en": "Sharq Taronalari"}, "countries": ["UZ"]}
    )
    _, changes = save_festival(data, Actor("test"))
    db.session.commit()
    assert changes == {}

    data = FestivalSchema().load(
        {
            "slug": "sharq",
            "name": {"en": "Sharq Taronalari", "ru": "Шарк тароналари"},
            "countries": ["UZ"],
        }
    )
    _, changes = save_festival(data, Actor("editor"))
    db.session.commit()
    assert changes == {
        "name": [{"en": "Sharq Taronalari"}, {"en": "Sharq Taronalari", "ru": "Шарк тароналари"}]
    }
    history = db.session.scalars(
        sa.select(Revision)
        .where(Revision.record_type == "festival", Revision.record_id == festival.id)
        .order_by(Revision.id)
    ).all()
    assert [(r.action, r.actor) for r in history] == [("create", "test"), ("update", "editor")]


def test_event_days_come_from_its_times_in_its_zone(app):
    # 23:30 on 18 Nov in UTC is already 19 Nov in Seoul.
    event = create_event(
        timezone="Asia/Seoul",
        starts_at="2030-11-18T23:30:00+00:00",
        ends_at="2030-11-19T01:00:00+00:00",
    )
    assert str(event.start_date) == "2030-11-19"
    assert event.starts_at.utcoffset().total_seconds() == 0


def test_join_url_changes_are_recorded_without_the_link(app):
    event = create_event(slug="private", join_url="https://meet.example.org/secret-room")
    revision = db.session.scalars(sa.select(Revision).where(Revision.record_id == event.id)).one()
    assert "join_url" in revision.changes
    assert "secret-room" not in str(revision.changes)
