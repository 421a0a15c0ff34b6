"""Static files' addresses change when their content does, so they can be cached for long."""

from __future__ import annotations

import hashlib
import os
import re

from flask import url_for

from kb.config import ROOT
from tests.conftest import make_app


def test_pages_link_static_files_by_content_hash(seeded_client):
    html = seeded_client.get("/en/").get_data(as_text=True)
    links = re.findall(r'/static/([^"?]+)\?v=([0-9a-f]{12})"', html)
    assert "css/site.css" in [name for name, _ in links]
    for name, v in links:
        assert hashlib.sha256((ROOT / "static" / name).read_bytes()).hexdigest()[:12] == v
        with seeded_client.get(f"/static/{name}?v={v}") as response:
            assert response.status_code == 200


def test_a_changed_file_gets_a_new_address(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "a.css").write_text("body { color: black }")
    app = make_app(
        tmp_path / "instance",
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'kb.db'}"},
        STATIC_DIR=str(static),
    )
    with app.test_request_context():
        first = url_for("static", filename="a.css")
        assert first == url_for("static", filename="a.css")  # stable while unchanged
        (static / "a.css").write_text("body { color: navy }")
        os.utime(static / "a.css", ns=(1, 1))  # a new version, whatever the clock says
        second = url_for("static", filename="a.css")
        assert first != second and second.startswith("/static/a.css?v=")
        # No file, or a name outside the folder: the address is left as it was asked for.
        assert url_for("static", filename="missing.css") == "/static/missing.css"
        assert "v=" not in url_for("static", filename="../instance/secret_key")


def test_a_changed_file_is_named_anew_in_the_kept_head(tmp_path):
    """The head's style sheets and icons are kept per language ({% cache %}), and per
    version of those files: a changed style sheet is named by its new hash at once."""
    import shutil

    static = tmp_path / "static"
    for name in (
        "css/site.css",
        "css/accounts.css",
        "icons/icon.svg",
        "icons/apple-touch-icon.png",
    ):
        (static / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "static" / name, static / name)
    app = make_app(
        tmp_path / "instance",
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'kb.db'}"},
        STATIC_DIR=str(static),
    )
    assert not app.jinja_env.auto_reload  # parts are kept, as in production
    client = app.test_client()

    def named() -> str:
        page = client.get("/en/no-such-page").get_data(as_text=True)  # base.html's head
        return re.search(r"css/site\.css\?v=(\w+)", page).group(1)

    first = named()
    assert named() == first
    (static / "css" / "site.css").write_text("body { color: navy }")
    os.utime(static / "css" / "site.css", ns=(1, 1))
    assert named() != first
