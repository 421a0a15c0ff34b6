"""Parts of pages kept per process and language (kb/fragments.py, `{% cache %}`): a kept
part is the part as rendered afresh, in the page's language, for this reader only."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask_babel import force_locale, gettext

from kb import fragments as fragments_module
from kb import httpcache
from kb.fragments import fragments
from tests.journeys import fresh_client, log_in, make_account

PATHS = ["/", "/search", "/elements/", "/festivals/", "/map", "/calendar", "/members/", "/x-404"]


def _page(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    # A signed-in reader's log-out form carries a CSRF token, signed with the time.
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', html)


def _tour(app, clients: dict) -> dict:
    """Every page in every language for every reader, the readers and languages
    interleaved so that each finds parts another has left."""
    return {
        (who, lang, path): _page(client, f"/{lang}{path}")
        for lang in ("en", "ru", "ko", "en")
        for path in PATHS
        for who, client in clients.items()
    }


@pytest.fixture
def readers(app):
    make_account("organizer@example.org", role="organizer")
    make_account("member@example.org")
    clients = {"anonymous": fresh_client(app)}
    for who in ("organizer", "member"):
        clients[who] = fresh_client(app)
        log_in(clients[who], f"{who}@example.org")
    return clients


def test_kept_parts_are_what_each_reader_would_see_rendered_afresh(app, readers):
    kept = _tour(app, readers)
    assert fragments(app.jinja_env).kept  # parts were kept…
    renders = fragments(app.jinja_env).renders
    assert renders < len(kept)  # …and reused
    app.jinja_env.auto_reload = True  # now nothing is kept: every part rendered afresh
    fragments(app.jinja_env).kept.clear()
    fresh = _tour(app, readers)
    assert fragments(app.jinja_env).renders == renders
    assert kept.keys() == fresh.keys()
    for key in kept:
        assert kept[key] == fresh[key], key


def test_a_reader_never_sees_another_readers_menu(app, readers):
    for _ in range(2):
        for lang in ("en", "ru"):
            organizer = _page(readers["organizer"], f"/{lang}/search")
            anonymous = _page(readers["anonymous"], f"/{lang}/search")
            member = _page(readers["member"], f"/{lang}/search")
            login, organize = f"/{lang}/account/login", f"/{lang}/organize/events/"
            assert f'href="{login}"' in anonymous and f'href="{organize}"' not in anonymous
            assert f'href="{login}"' not in organizer and f'href="{organize}"' in organizer
            assert f'href="{login}"' not in member and f'href="{organize}"' not in member
            assert "Log out" not in anonymous


def test_each_language_gets_its_own_parts(app):
    client = fresh_client(app)
    footer = "Data are open through the JSON API:"
    pages = {lang: _page(client, f"/{lang}/search") for lang in ("en", "ru", "ko", "en", "ru")}
    for lang, html in pages.items():
        with force_locale(lang):
            for text in (footer, "Festivals", "Log in", "Knowledge base"):
                assert gettext(text) in html, (lang, text)
        assert f'href="/{lang}/festivals/"' in html
        for other in {"en", "ru", "ko"} - {lang}:
            assert f'href="/{other}/festivals/"' not in html
    assert footer not in pages["ru"] and footer not in pages["ko"]


def test_a_language_switched_within_a_request_gets_its_own_parts(app):
    """A request keeps the end of its parts' keys, and works it out again when a
    language is switched within it (an e-mail rendered in its reader's language)."""
    from flask import g, render_template_string

    from kb.i18n import in_language
    from kb.services.notices import in_language as mail_language

    source = "{% cache 'switch-test' %}{{ _('Search') }}{% endcache %}"
    with app.test_request_context("/en/search"):
        g.lang = "en"
        assert render_template_string(source) == "Search"
        with in_language("ru"):
            assert render_template_string(source) == "Поиск"
        with mail_language("ko"):
            assert render_template_string(source) == "검색"
        assert render_template_string(source) == "Search"


def test_the_menu_marks_the_page_it_is_on(app):
    client = fresh_client(app)
    for _ in range(2):
        for path, current in (("/festivals/", "festivals"), ("/elements/", "elements")):
            html = _page(client, f"/en{path}")
            marked = re.findall(r'<a href="/en/([a-z-]+)/"(?: aria-current="page")?>', html)
            assert re.search(rf'<a href="/en/{current}/" aria-current="page">', html)
            assert len(re.findall(r'aria-current="page"', html)) == 1, marked


def test_parts_are_rendered_again_with_a_new_build(app, monkeypatch):
    client = fresh_client(app)
    _page(client, "/en/search")
    kept = fragments(app.jinja_env)
    before = kept.renders
    _page(client, "/en/search")
    assert kept.renders == before  # the same build: every part kept
    monkeypatch.setattr(httpcache, "_build", "another-build")
    _page(client, "/en/search")
    assert kept.renders > before


def test_parts_kept_are_bounded(app, monkeypatch):
    client = fresh_client(app)
    monkeypatch.setattr(fragments_module, "KEPT", 3)
    for path in PATHS:
        _page(client, f"/en{path}")
    assert len(fragments(app.jinja_env).kept) == 3


def test_a_results_page_is_the_same_with_its_parts_kept(seeded_app, monkeypatch):
    """The search box and the facets' heading are kept per language (templates/search.html);
    the query, its results and the chosen filters are written each time, escaped."""
    client = seeded_app.test_client()
    queries = ["silk", "Навруз", '<b>"epic', "", "festival*"]
    filters = ["", "&type=elements", "&country=kg", "&type=festivals&type=events"]

    def tour(tag: str) -> dict:
        # Each address asked once per tour (`n=`), so no kept answer is found
        # (kb/searchcache.py): every page is rendered, the second time afresh.
        return {
            (lang, q, f): _page(client, f"/{lang}/search?q={quote(q)}{f}&n={tag}").replace(
                f"n={tag}", "n="
            )
            for lang in ("en", "ru", "ko", "en")
            for q in queries
            for f in filters
        }

    kept = tour("kept")
    assert fragments(seeded_app.jinja_env).kept
    monkeypatch.setattr(seeded_app.jinja_env, "auto_reload", True)
    fresh = tour("fresh")
    assert kept == fresh
    page = kept[("ru", '<b>"epic', "")]
    assert 'value="&lt;b&gt;&#34;epic"' in page and "<b>" not in page
    assert kept[("ko", "", "&type=elements")].count(" autofocus") == 1
    assert " autofocus" not in kept[("en", "silk", "")]
    for lang in ("en", "ru", "ko"):
        with seeded_app.test_request_context(), force_locale(lang):
            heading, tips = gettext("Narrow the results"), gettext("Search")
        html = kept[(lang, "silk", "")]
        assert f'<h2 class="small-heading">{heading}</h2>' in html
        assert f'<h1 class="search-title">{tips}</h1>' in html
        assert f'action="/{lang}/search"' in html
