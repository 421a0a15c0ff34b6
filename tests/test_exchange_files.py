"""Whole record types out to CSV and JSON and back in: `kb export`, `kb import`, /<type>.csv."""

from __future__ import annotations

import csv
import io
import json

import sqlalchemy as sa

from kb.catalog import RECORD_TYPES
from kb.extensions import db
from kb.models import Element, Event, Revision
from kb.spreadsheet import protect, unprotect
from tests.factories import (
    create_country,
    create_element,
    create_event,
    create_organization,
)


def _files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_export_then_import_into_an_empty_database_then_export_gives_the_same_bytes(
    seeded_app, app, runner, tmp_path
):
    first, second = tmp_path / "first", tmp_path / "second"
    with seeded_app.app_context():  # `kb` pushes one for every command; the runner does not
        out = seeded_app.test_cli_runner().invoke(args=["export", str(first)])
    assert out.exit_code == 0, out.output
    exported = _files(first)
    assert sorted(exported) == sorted(
        f"{rt.name}.{fmt}" for rt in RECORD_TYPES for fmt in ("csv", "json")
    )
    # Every seeded type has records, so the round trip carries real data of each.
    assert all(json.loads(exported[f"{rt.name}.json"]) for rt in RECORD_TYPES)

    # The CSV files are enough on their own: any order, the types load in theirs.
    csv_files = sorted((str(first / n) for n in exported if n.endswith(".csv")), reverse=True)
    result = runner.invoke(args=["import", *csv_files])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["export", str(second)]).exit_code == 0
    assert _files(second) == exported

    # Imported through the services: each record has its history, named after the import.
    actors = set(db.session.scalars(sa.select(Revision.actor)))
    assert actors == {"import"}
    # The JSON files, imported again, find every record as it is.
    json_files = [str(first / n) for n in exported if n.endswith(".json")]
    again = runner.invoke(args=["import", *json_files])
    assert again.exit_code == 0, again.output
    assert " 0 created     0 updated" in again.output


def test_csv_has_a_column_per_field_and_language_and_no_formula_runs(app, client):
    create_country("UZ")
    create_element(
        slug="katta-ashula",
        name={
            "en": '=HYPERLINK("http://evil.example")',
            "ru": "'в кавычках'",
            "uz": "Katta ashula",
        },
        countries=["UZ"],
        domains=["oral-traditions", "performing-arts"],
        sources=["https://ich.unesco.org/en/RL/01599", "https://example.org/a"],
        alt_names=[{"text": "Big song", "lang": "en"}],
    )
    response = client.get("/elements.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "max-age=" in response.headers["Cache-Control"]
    assert response.data.startswith("\ufeff".encode())
    (row,) = csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")))
    assert row["name_en"] == '\'=HYPERLINK("http://evil.example")'
    assert row["name_ru"] == "''в кавычках'" and row["name_ko"] == ""
    assert row["name_uz"] == "Katta ashula"  # a community language has its column when used
    assert row["countries"] == "UZ"
    assert row["domains"] == "oral-traditions | performing-arts"
    assert json.loads(row["alt_names"]) == [{"text": "Big song", "lang": "en"}]
    assert "status" not in row and "updated_at" not in row

    # Read back, the cells are the texts that were stored: nothing changes.
    path = app.instance_path + "/elements.csv"
    with open(path, "wb") as f:
        f.write(response.data)
    result = app.test_cli_runner().invoke(args=["import", path])
    assert result.exit_code == 0, result.output
    assert "0 created     0 updated     1 unchanged" in result.output


def test_the_quote_mark_is_reversible():
    for text in ["=1+1", "'=1+1", "'", "''", "-3", "@x", "plain", "it's", "+7 701"]:
        assert unprotect(protect(text)) == text
        assert not protect(text).startswith(("=", "+", "-", "@"))


def test_public_exports_hold_no_draft_and_no_private_field(app, client):
    create_country("KR")
    draft_org = create_organization(slug="draft-centre", name={"en": "Unannounced centre"})
    draft_org.status = "draft"
    db.session.commit()
    create_organization(slug="open-centre")
    create_event(
        slug="open-webinar",
        join_url="https://zoom.example/j/secret-123",
        organizations=[
            {"organization": "draft-centre", "role": "organizer"},
            {"organization": "open-centre", "role": "supporter"},
        ],
    )
    hidden = create_element(slug="hidden-draft")
    hidden.status = "draft"
    db.session.commit()
    for fmt in ("csv", "json"):
        for rt in RECORD_TYPES:
            body = client.get(f"/{rt.name}.{fmt}").data.decode("utf-8-sig")
            assert "secret-123" not in body and "hidden-draft" not in body
            assert "draft-centre" not in body and "Unannounced" not in body
    (event,) = client.get("/events.json").get_json()
    assert event["slug"] == "open-webinar" and "join_url" not in event
    assert [o["organization"]["slug"] for o in event["organizations"]] == ["open-centre"]
    api = client.get("/api/v1/events/open-webinar").get_json()
    assert "draft-centre" not in json.dumps(api)
    for lang in ("en", "ru"):  # nor on its page
        page = client.get(f"/{lang}/events/open-webinar").get_data(as_text=True)
        assert "open-centre" in page and "draft-centre" not in page and "Unannounced" not in page
    assert client.get("/nothing.csv", follow_redirects=True).status_code == 404
    assert client.get("/events.xml", follow_redirects=True).status_code == 404


def test_dry_run_reports_and_writes_nothing(app, runner, tmp_path):
    path = tmp_path / "countries.json"
    path.write_text(
        json.dumps(
            [
                {"code": "UZ", "name": {"en": "Uzbekistan"}},
                {"code": "KZ", "name": {"en": "Kazakhstan"}},
            ]
        )
    )
    result = runner.invoke(args=["import", "--dry-run", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output and "create: UZ, KZ" in result.output
    assert "dry run" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Revision)) == 0
    assert client_count(app) == 0


def client_count(app) -> int:
    from kb.models import Country

    return db.session.scalar(sa.select(sa.func.count()).select_from(Country))


def test_one_refused_record_and_nothing_is_imported(app, runner, tmp_path):
    create_country("UZ")
    path = tmp_path / "data.csv"
    path.write_text(
        "slug,name_en,countries,inscription_year\n"
        "good-one,Good,UZ,2010\n"
        "bad-one,Bad,XX,2010\n"
        "worse-one,,UZ,soon\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", "--type", "elements", str(path)])
    assert result.exit_code != 0
    assert "data.csv, record 2 (bad-one), field countries" in result.output
    assert "record 3 (worse-one), field inscription_year" in result.output
    assert "record 3 (worse-one), field name" in result.output
    assert "nothing was imported" in result.output
    assert db.session.scalars(sa.select(Element)).all() == []


def test_an_import_updates_what_changed_and_keeps_history(app, runner, tmp_path):
    create_country("UZ")
    create_element(slug="katta-ashula", name={"en": "Katta ashula"}, countries=["UZ"])
    path = tmp_path / "elements.csv"
    path.write_bytes(
        app.test_client().get("/elements.csv").data.replace(b"Katta ashula", b"Katta ashula (song)")
    )
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "update: katta-ashula" in result.output
    revision = db.session.scalars(
        sa.select(Revision).where(Revision.record_type == "element").order_by(Revision.id.desc())
    ).first()
    assert revision.actor == "import"
    assert revision.changes["name"][1]["en"] == "Katta ashula (song)"


def test_unreadable_files_are_refused_with_a_reason(app, runner, tmp_path):
    bad_json = tmp_path / "elements.json"
    bad_json.write_text("{not json")
    result = runner.invoke(args=["import", str(bad_json)])
    assert result.exit_code != 0 and "not valid JSON" in result.output
    unknown = tmp_path / "festivals.csv"
    unknown.write_text("slug,name_en,colour\nx,X,red\n")
    result = runner.invoke(args=["import", str(unknown)])
    assert result.exit_code != 0 and "unknown column(s): colour" in result.output
    nameless = tmp_path / "stuff.csv"
    nameless.write_text("slug\n")
    result = runner.invoke(args=["import", str(nameless)])
    assert result.exit_code != 0 and "--type" in result.output


def test_a_new_session_keeps_a_given_id_only_when_it_is_free(app):
    first = create_event(sessions=[{"title": {"en": "Opening"}}])
    taken = first.sessions[0].uid
    free = "0123456789abcdef0123456789abcdef"
    second = create_event(
        sessions=[
            {"id": taken, "title": {"en": "Copied"}},
            {"id": free, "title": {"en": "Imported"}},
            {"id": free, "title": {"en": "Twice"}},
            {"id": "NOT-HEX", "title": {"en": "Odd"}},
        ]
    )
    uids = [s.uid for s in second.sessions]
    assert uids[1] == free
    assert taken not in uids and "NOT-HEX" not in uids and len(set(uids)) == 4
    assert first.sessions[0].uid == taken


def test_a_csv_without_a_languages_column_leaves_that_language_alone(app, runner, tmp_path):
    create_element(slug="kimjang", name={"en": "Kimjang", "ru": "Кимчжан", "ko": "김장"})
    path = tmp_path / "elements.csv"
    path.write_text("slug,name_en\nkimjang,Kimjang (making kimchi)\n", encoding="utf-8")
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    element = db.session.scalar(sa.select(Element).where(Element.slug == "kimjang"))
    assert element.name == {"en": "Kimjang (making kimchi)", "ru": "Кимчжан", "ko": "김장"}
    path.write_text("slug,name_ru,name_ko\nkimjang,,김장 문화\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert element.name == {"en": "Kimjang (making kimchi)", "ko": "김장 문화"}  # ru emptied


def test_an_exported_event_imported_back_keeps_its_sessions_joining_links(app, runner, tmp_path):
    create_event(
        slug="links-kept",
        join_url="https://meet.example/event-1",
        sessions=[
            {"title": {"en": "Opening"}, "join_url": "https://meet.example/session-1"},
            {"title": {"en": "Panel"}, "join_url": "https://meet.example/session-2"},
        ],
    )
    for fmt in ("json", "csv"):
        path = tmp_path / f"events.{fmt}"
        path.write_bytes(app.test_client().get(f"/events.{fmt}").data)
        assert b"meet.example" not in path.read_bytes()  # never in a public file
        result = runner.invoke(args=["import", str(path)])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        event = db.session.scalars(sa.select(Event).where(Event.slug == "links-kept")).one()
        assert event.join_url == "https://meet.example/event-1"
        assert [s.join_url for s in event.sessions] == [
            "https://meet.example/session-1",
            "https://meet.example/session-2",
        ]
