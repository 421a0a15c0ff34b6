"""Pages kept with holes (kb/views/shells.py): a search page sent from its shell is the
page rendered afresh, for an anonymous reader only, in the reader's language, naming
the static files as they are now."""

from __future__ import annotations

import os
import re
import shutil
from urllib.parse import quote

from flask import render_template

from kb.config import ROOT
from kb.views import shells
from tests.factories import create_element
from tests.journeys import fresh_client, log_in, make_account
from tests.workerkit import run_worker_once

QUERIES = [
    "silk",
    "Навруз",
    "판소리",
    '<b>"epic & co',
    "\ue000q\ue001 \ue000listing\ue001",  # the markers' own characters, typed
    "silkk weaving",  # "did you mean"
    "",
]
FILTERS = ["", "&type=elements", "&country=kg&page=2", "&lang=ru"]


def _tour(client, tag: str) -> dict:
    # Each address asked once a tour (`n=`): no kept answer is found (kb/searchcache.py).
    return {
        (lang, q, f): client.get(f"/{lang}/search?q={quote(q)}{f}&n={tag}")
        .get_data(as_text=True)
        .replace(f"n={tag}", "n=")
        for lang in ("en", "ru", "ko", "en")
        for q in QUERIES
        for f in FILTERS
    }


def test_a_page_from_its_shell_is_the_page_rendered_afresh(seeded_app, monkeypatch):
    client = seeded_app.test_client()
    with seeded_app.app_context():
        shells.kept().clear()
    kept = _tour(client, "shell")
    with seeded_app.app_context():  # one a language and kind of query (words or none)
        assert len(shells.kept()) == 6
    monkeypatch.setattr(
        shells,
        "render",
        lambda template, key, context, marked, values: render_template(template, **context),
    )
    assert _tour(client, "afresh") == kept
    page = kept[("ru", '<b>"epic & co', "")]
    assert "&lt;b&gt;&#34;epic &amp; co" in page and "<b>" not in page
    typed = kept[("en", "\ue000q\ue001 \ue000listing\ue001", "")]
    assert 'value="\ue000q\ue001 \ue000listing\ue001"' in typed
    assert 'hreflang="ko"' in page and "/ko/search?q=%3Cb%3E" in page


def test_signed_in_readers_get_their_own_page(app):
    create_element(slug="first", name={"en": "First lullaby"})
    run_worker_once()
    fresh_client(app).get("/en/search?q=lullaby")
    assert len(shells.kept()) == 1
    make_account("member@example.org")
    member = fresh_client(app)
    log_in(member, "member@example.org")
    page = member.get("/en/search?q=lullaby&n=1").get_data(as_text=True)
    assert "First lullaby" in page and "Log out" in page
    assert len(shells.kept()) == 1


def test_a_changed_static_file_is_named_anew(app, tmp_path):
    """A shell names the static files' versions as they were: it is made again when one
    of them changes (the page's script here; the head's style sheets alike)."""
    create_element(slug="first", name={"en": "First lullaby"})
    run_worker_once()
    static = tmp_path / "static"
    shutil.copytree(ROOT / "static", static)
    app.static_folder = str(static)
    client = fresh_client(app)

    def named(n: int) -> str:
        page = client.get(f"/en/search?q=lullaby&n={n}").get_data(as_text=True)
        assert "First lullaby" in page
        return re.search(r"js/disclosure\.js\?v=(\w+)", page).group(1)

    first = named(1)
    assert named(2) == first
    script = static / "js" / "disclosure.js"
    script.write_text(script.read_text() + "\n// changed\n")
    os.utime(script, ns=(1, 1))
    assert named(3) != first
