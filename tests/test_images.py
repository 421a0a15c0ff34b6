"""Pictures of records: moderators add them to any record, institutions to their festival
submissions; uploads are checked, stripped of metadata and resized; pages serve them with
srcset, lazy loading, width/height and alt text. Every picture here is made by the test."""

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app
from PIL import Image as PILImage

from kb.extensions import db
from kb.models import Festival, Image, Revision, Submission
from tests.factories import create_country, create_festival
from tests.journeys import (
    csrf_token,
    directory,
    fresh_client,
    log_in,
    make_account,
    token_for,
)

GPS = 0x8825  # the EXIF GPS directory


def picture(width=1200, height=800, fmt="JPEG", exif=True, colour=(180, 90, 40)) -> bytes:
    """A picture made here; JPEGs carry EXIF with a GPS position and 'rotate 90° CW'."""
    image = PILImage.new("RGB", (width, height), colour)
    image.paste((20, 60, 120), (0, 0, width // 2, height // 4))  # a mark to find the top by
    out = io.BytesIO()
    if fmt == "JPEG" and exif:
        data = PILImage.Exif()
        data[0x0112] = 6  # Orientation: rotate 90° clockwise to show
        data[0x010F] = "Secret Camera Co"
        data.get_ifd(GPS)[2] = (41.0, 18.0, 0.0)  # latitude
        image.save(out, fmt, exif=data.tobytes(), comment=b"private note")
    else:
        image.save(out, fmt)
    return out.getvalue()


FACTS = {
    "new-alt_en": "Dancers in red on the festival stage",
    "new-alt_ru": "Танцоры в красном на сцене фестиваля",
    "new-caption_en": "Opening night",
    "new-credit": "Festival press office",
    "new-licence": "cc-by",
    "new-source": "https://example.org/photos/1",
}


def _upload(client, url, data: bytes | None, name="photo.jpg", **facts):
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    form = {"new-csrf_token": csrf_token(page.text), "action": "add", **FACTS, **facts}
    if data is not None:
        form["new-file"] = (io.BytesIO(data), name)
    return client.post(url, data=form, content_type="multipart/form-data")


def _logged_in(app, email, role="member", lang="en", **kw):
    make_account(email, role=role, **kw)
    client = fresh_client(app)
    log_in(client, email, lang)
    return client


def _files() -> list[Path]:
    return sorted(Path(current_app.config["IMAGES_DIR"]).glob("*.jpg"))


def _get(client, url):
    """GET a file; its response is closed (the test only reads status and headers)."""
    response = client.get(url)
    response.close()
    return response


def _variant_url(html: str, variant: str) -> str:
    match = re.search(rf"(/images/[\w-]+-{variant}\.jpg)", html)
    assert match, f"no {variant} in the page"
    return match.group(1)


def test_a_moderator_adds_a_picture_that_is_turned_stripped_and_resized(app):
    create_country("UZ")
    create_festival(slug="boysun", name={"en": "Boysun Bahori"}, countries=["UZ"])
    moderator = _logged_in(app, "moderator@example.org", role="moderator")
    response = _upload(moderator, "/en/festivals/boysun/images", picture())
    assert response.status_code == 302

    image = db.session.scalar(sa.select(Image))
    # EXIF said "rotate 90°": the stored picture stands upright, 800 wide and 1200 high.
    assert (image.width, image.height) == (800, 1200)
    assert image.variants == ["w320", "w640", "w800", "t320", "t640"]
    for path in _files():
        with PILImage.open(path) as stored:
            assert stored.format == "JPEG" and stored.mode == "RGB"
            assert not stored.getexif() and "comment" not in stored.info
        assert b"Secret Camera" not in path.read_bytes()
    with PILImage.open(next(p for p in _files() if p.name.endswith("-w800.jpg"))) as upright:
        assert upright.size == (800, 1200)
        assert upright.getpixel((790, 20))[2] > 100  # the blue mark turned to the top right

    page = fresh_client(app).get("/en/festivals/boysun").text
    img = re.search(r'<figure class="picture">\s*<img ([^>]+)>', page).group(1)
    assert 'alt="Dancers in red on the festival stage"' in img
    assert 'width="640" height="960"' in img and "srcset=" in img and " 800w" in img
    assert "Opening night" in page and "Festival press office" in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in page
    ru = fresh_client(app).get("/ru/festivals/boysun").text
    assert 'alt="Танцоры в красном на сцене фестиваля"' in ru
    served = _get(fresh_client(app), _variant_url(page, "w640"))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert "immutable" in served.headers["Cache-Control"]

    cards = fresh_client(app).get("/en/festivals/").text
    thumb = re.search(r'<img class="thumb" ([^>]+)>', cards).group(1)
    assert 'loading="lazy"' in thumb and 'width="640" height="480"' in thumb and "alt=" in thumb

    history = db.session.scalars(sa.select(Revision).where(Revision.record_type == "festival"))
    assert any("images" in r.changes for r in history)


@pytest.mark.parametrize(
    "data, name, field, message",
    [
        (b"plain text, not a picture", "photo.jpg", "file", "Send a JPEG, PNG or WebP picture."),
        (picture(120, 90), "tiny.jpg", "file", "The picture is too small"),
        (picture(fmt="GIF"), "anim.gif", "file", "Send a JPEG, PNG or WebP picture."),
        (picture()[:4000], "cut.jpg", "file", "This file is damaged"),
        (None, None, "file", "Choose a picture to send."),
    ],
)
def test_what_is_not_a_usable_picture_is_refused_and_nothing_is_kept(
    app, data, name, field, message
):
    create_festival(slug="boysun")
    moderator = _logged_in(app, "moderator@example.org", role="moderator")
    response = _upload(moderator, "/en/festivals/boysun/images", data, name=name or "x.jpg")
    assert response.status_code == 422
    assert message in re.search(rf'id="new-{field}-err">([^<]*)<', response.text).group(1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Image)) == 0
    assert _files() == []


def test_the_facts_are_checked_field_by_field_in_the_readers_language(app):
    create_festival(slug="boysun")
    moderator = _logged_in(app, "moderator@example.org", role="moderator", lang="ru")
    facts = {"new-alt_en": "", "new-alt_ru": "", "new-credit": "", "new-licence": "mine"}
    response = _upload(moderator, "/ru/festivals/boysun/images", picture(), **facts)
    assert response.status_code == 422
    errors = dict(re.findall(r'id="new-(\w+)-err">([^<]*)<', response.text))
    assert set(errors) == {"alt_ru", "credit", "licence"}
    assert errors["alt_ru"] == "Опишите, что изображено, для тех, кто не может это увидеть."
    assert errors["credit"] == "Укажите автора снимка."
    assert _files() == []


def test_a_file_larger_than_the_limit_is_refused(app):
    create_festival(slug="boysun")
    current_app.config["IMAGE_MAX_BYTES"] = 10_000
    moderator = _logged_in(app, "moderator@example.org", role="moderator")
    response = _upload(moderator, "/en/festivals/boysun/images", picture(1600, 1600, fmt="PNG"))
    assert response.status_code in (413, 422)
    assert _files() == []


def test_only_moderators_and_admins_manage_a_records_pictures(app):
    create_festival(slug="boysun")
    member = _logged_in(app, "member@example.org")
    assert member.get("/en/festivals/boysun/images").status_code == 403
    anonymous = fresh_client(app).get("/en/festivals/boysun/images")
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]
    admin = _logged_in(app, "admin@example.org", role="admin")
    assert admin.get("/en/festivals/boysun/images").status_code == 200
    assert admin.get("/en/countries/uz/images").status_code == 404


def test_a_moderator_edits_and_removes_a_picture(app):
    create_festival(slug="boysun")
    moderator = _logged_in(app, "moderator@example.org", role="moderator")
    _upload(moderator, "/en/festivals/boysun/images", picture())
    image = db.session.scalar(sa.select(Image))
    page = moderator.get("/en/festivals/boysun/images").text
    prefix = f"img{image.id}-"
    form = {
        f"{prefix}csrf_token": csrf_token(page),
        "image": image.id,
        "action": "save",
        f"{prefix}alt_en": "A new description",
        f"{prefix}credit": "Someone else",
        f"{prefix}licence": "cc0",
    }
    assert moderator.post("/en/festivals/boysun/images", data=form).status_code == 302
    db.session.expire_all()
    assert image.credit == "Someone else" and image.licence == "cc0"
    assert image.alt == {"en": "A new description"}
    form["action"] = "delete"
    assert moderator.post("/en/festivals/boysun/images", data=form).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Image)) == 0
    assert _files() == []


def test_a_picture_sent_with_a_submission_appears_only_once_it_is_approved(app):
    directory()
    institution = _logged_in(app, "festival@example.org", organization="ichcap")
    page = institution.get("/en/submissions/new")
    draft = {
        "csrf_token": csrf_token(page.text),
        "text_en-name": "Boysun Bahori",
        "countries-0": "UZ",
        "latitude": "38.2",
        "longitude": "67.2",
        "action": "draft",
    }
    saved = institution.post("/en/submissions/new", data=draft)
    assert saved.status_code == 302
    submission = db.session.scalar(sa.select(Submission))
    assert (
        _upload(institution, f"/en/submissions/{submission.id}/images", picture()).status_code
        == 302
    )
    edit = f"/en/submissions/{submission.id}/edit"
    sent = institution.post(
        edit,
        data={**draft, "csrf_token": csrf_token(institution.get(edit).text), "action": "submit"},
    )
    assert sent.status_code == 302
    db.session.expire_all()
    assert submission.state == "pending"

    shown = institution.get(f"/en/submissions/{submission.id}").text
    file_url = _variant_url(shown, "w640")
    assert _get(institution, file_url).headers["Cache-Control"] == "private, no-store"
    assert _get(fresh_client(app), file_url).status_code == 404  # nobody else, before approval
    stranger = _logged_in(app, "stranger@example.org")
    assert _get(stranger, file_url).status_code == 404
    # Its pictures are fixed while it waits for the moderators.
    assert institution.get(f"/en/submissions/{submission.id}/images").status_code == 302

    moderator_account = make_account("moderator@example.org", role="moderator")
    moderator = fresh_client(app)
    log_in(moderator, "moderator@example.org")
    assert _get(moderator, file_url).status_code == 200
    review = moderator.get(f"/en/submissions/{submission.id}").text
    assert "Dancers in red on the festival stage" in review
    token = token_for(moderator_account)
    approved = fresh_client(app).post(
        f"/api/v1/submissions/{submission.id}/approve",
        json={},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert approved.status_code == 200, approved.text
    slug = approved.get_json().get("slug") or db.session.scalar(sa.select(Festival.slug))
    public = fresh_client(app).get(f"/en/festivals/{slug}").text
    assert "Dancers in red on the festival stage" in public
    assert _get(fresh_client(app), _variant_url(public, "w640")).status_code == 200
    record = fresh_client(app).get(f"/api/v1/festivals/{slug}").get_json()
    assert record["images"][0]["alt"]["en"] == "Dancers in red on the festival stage"
    assert (
        record["images"][0]["url"].startswith("http") and record["images"][0]["licence"] == "cc-by"
    )
    features = fresh_client(app).get("/en/map/places.json").get_json()["features"]
    assert features[0]["properties"]["image"]["src"].endswith("-t320.jpg")


def test_nobody_adds_pictures_to_someone_elses_submission(app):
    directory()
    owner = _logged_in(app, "festival@example.org", organization="ichcap")
    page = owner.get("/en/submissions/new")
    draft = {"csrf_token": csrf_token(page.text), "text_en-name": "Boysun", "action": "draft"}
    assert owner.post("/en/submissions/new", data=draft).status_code == 302
    submission = db.session.scalar(sa.select(Submission))
    other = _logged_in(app, "other@example.org", organization="ichcap")
    assert other.get(f"/en/submissions/{submission.id}/images").status_code == 404
    moderator = _logged_in(app, "moderator@example.org", role="moderator")
    assert moderator.get(f"/en/submissions/{submission.id}/images").status_code == 404
