"""What crawlers read: robots.txt, the sitemaps, icons, the manifest and each page's head."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from kb.catalog import RECORD_TYPES
from kb.extensions import db
from kb.i18n import LANGUAGES
from tests.factories import create_festival

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


class Head(HTMLParser):
    """The <link> and <meta> elements of a page."""

    def __init__(self):
        super().__init__()
        self.links: list[dict] = []
        self.metas: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "link":
            self.links.append(dict(attrs))
        elif tag == "meta":
            self.metas.append(dict(attrs))

    def meta(self, key: str, value: str) -> list[str]:
        return [m.get("content") for m in self.metas if m.get(key) == value]


def head(html: str) -> Head:
    parser = Head()
    parser.feed(html)
    return parser


def base(app) -> str:
    return app.config["BASE_URL"].rstrip("/")


def test_robots_txt_names_the_absolute_sitemap_and_keeps_crawlers_off_private_pages(
    seeded_app, seeded_client
):
    response = seeded_client.get("/robots.txt", base_url="http://evil.example")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert f"Sitemap: {base(seeded_app)}/sitemap.xml" in lines
    assert "Disallow: /*/account/" in lines
    assert not any(line == "Disallow: /" for line in lines)
    assert "evil.example" not in response.text


def _published_slugs(app, rt) -> set[str]:
    with app.app_context():
        if not rt.has_status:
            return {c.slug for c in db.session.scalars(sa.select(rt.model))}
        query = sa.select(rt.model.slug).where(rt.model.status == "published")
        return set(db.session.scalars(query))


def test_sitemap_index_has_one_sitemap_per_record_type_and_each_lists_every_public_record(
    seeded_app, seeded_client
):
    root = base(seeded_app)
    response = seeded_client.get("/sitemap.xml", base_url="http://evil.example")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    index = ET.fromstring(response.data)
    assert index.tag == f"{SM}sitemapindex"
    locs = [s.findtext(f"{SM}loc") for s in index.findall(f"{SM}sitemap")]
    assert all(loc.startswith(root + "/") for loc in locs)
    for rt in RECORD_TYPES:
        loc = f"{root}/sitemaps/{rt.name}-1.xml"
        assert loc in locs, rt.name
        sitemap = ET.fromstring(seeded_client.get(loc.removeprefix(root)).data)
        urls = sitemap.findall(f"{SM}url")
        slugs = _published_slugs(seeded_app, rt)
        assert slugs
        assert len(urls) == len(slugs) * len(LANGUAGES)
        seen = set()
        for url in urls:
            loc = url.findtext(f"{SM}loc")
            lang, collection, slug = loc.removeprefix(root + "/").split("/")
            assert (collection, lang) == (rt.name, lang) and lang in LANGUAGES
            seen.add(slug)
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", url.findtext(f"{SM}lastmod"))
            alternates = {
                link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
            }
            assert alternates == {
                **{code: f"{root}/{code}/{rt.name}/{slug}" for code in LANGUAGES},
                "x-default": f"{root}/en/{rt.name}/{slug}",
            }
        assert seen == slugs
    pages = ET.fromstring(seeded_client.get("/sitemaps/pages.xml").data)
    page_locs = {u.findtext(f"{SM}loc") for u in pages.findall(f"{SM}url")}
    assert f"{root}/ru/" in page_locs and f"{root}/ko/festivals/" in page_locs


def test_an_unpublished_record_is_in_no_sitemap_and_its_change_dates_the_sitemap(app, client):
    with app.app_context():
        shown = create_festival(slug="shown-fest")
        hidden = create_festival(slug="hidden-fest")
        hidden.status = "draft"
        db.session.commit()
        stamp = shown.updated_at
    text = client.get("/sitemaps/festivals-1.xml").text
    assert "/en/festivals/shown-fest</loc>" in text
    assert "hidden-fest" not in text
    assert client.get("/sitemaps/festivals-2.xml").status_code == 404
    index = client.get("/sitemap.xml").text
    assert stamp.strftime("%Y-%m-%dT%H:%M:%SZ") in index


def test_favicon_icons_and_a_manifest_in_the_readers_language(client):
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200
        assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    manifest = client.get("/ru/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest.mimetype == "application/manifest+json"
    data = manifest.get_json()
    assert data["lang"] == "ru" and data["start_url"] == "/ru/"
    assert "Шёлков" in data["name"] or "Шелков" in data["name"]
    for icon in data["icons"]:
        with client.get(icon["src"]) as answer:
            assert answer.status_code == 200, icon["src"]
    page = head(client.get("/en/").text)
    rels = {link.get("rel") for link in page.links}
    assert {"icon", "manifest", "canonical"} <= rels


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_record_page_names_its_canonical_address_languages_and_description(
    seeded_app, seeded_client, lang
):
    root = base(seeded_app)
    with seeded_app.app_context():
        from kb.models import Festival

        festival = db.session.scalars(
            sa.select(Festival).where(Festival.status == "published", Festival.summary.is_not(None))
        ).first()
        slug, summary = festival.slug, festival.summary
    response = seeded_client.get(f"/{lang}/festivals/{slug}?utm=x", base_url="http://evil.example")
    page = head(response.text)
    canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
    assert canonical == [f"{root}/{lang}/festivals/{slug}"]
    # The page's language versions (its feeds are alternates too, named by their type).
    alternates = {
        link["hreflang"]: link["href"]
        for link in page.links
        if link.get("rel") == "alternate" and "type" not in link
    }
    assert alternates == {
        **{code: f"{root}/{code}/festivals/{slug}" for code in LANGUAGES},
        "x-default": f"{root}/en/festivals/{slug}",
    }
    (description,) = page.meta("name", "description")
    if summary.get(lang):
        expected = " ".join(summary[lang].split())
        assert description == expected or (
            description.endswith("…") and expected.startswith(description[:-1])
        )
    assert 0 < len(description) <= 160
    assert page.meta("property", "og:url") == canonical
    assert page.meta("property", "og:type") == ["article"]
    assert page.meta("property", "og:description") == [description]
    assert page.meta("property", "og:locale") == [
        {"en": "en_GB", "ru": "ru_RU", "ko": "ko_KR"}[lang]
    ]
    assert page.meta("property", "og:image")[0].startswith(root + "/")
    assert "evil.example" not in "".join(link["href"] for link in page.links)


def test_each_list_has_its_own_description_in_each_language(seeded_client):
    for rt in RECORD_TYPES:
        descriptions = set()
        for lang in LANGUAGES:
            page = head(seeded_client.get(f"/{lang}/{rt.name}/?country=uz").text)
            (description,) = page.meta("name", "description")
            descriptions.add(description)
            canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
            assert canonical[0].endswith(f"/{lang}/{rt.name}/"), "filters are not canonical"
        assert len(descriptions) == len(LANGUAGES), rt.name


def test_an_error_page_is_not_indexed_and_names_no_canonical(client):
    response = client.get("/en/festivals/no-such-festival")
    assert response.status_code == 404
    page = head(response.text)
    assert page.meta("name", "robots") == ["noindex"]
    assert not [link for link in page.links if link.get("rel") in ("canonical", "alternate")]
