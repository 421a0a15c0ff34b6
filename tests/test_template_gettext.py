"""Templates' `_`, `gettext` and `ngettext` (kb/i18n.py) give what Flask-Babel's, through
Jinja's i18n extension, gave: in each language, a forced one included, escaped alike."""

from __future__ import annotations

from contextlib import nullcontext

from flask import g
from flask_babel import get_translations, refresh
from jinja2.ext import _make_new_gettext, _make_new_ngettext

from kb.i18n import in_language

SOURCE = """
{%- set cases = [
  (_('Search'), ref_g('Search')),
  (gettext('Search'), ref_g('Search')),
  (_('“%(query)s”: search', query=q), ref_g('“%(query)s”: search', query=q)),
  (_('Not in the catalogue %(x)s', x=q), ref_g('Not in the catalogue %(x)s', x=q)),
  (_('100%% sure'), ref_g('100%% sure')),
  (ngettext('%(num)s result', '%(num)s results', n), ref_n('%(num)s result', '%(num)s results', n)),
  (ngettext('%(num)s result', '%(num)s results', n, num='1,234'),
   ref_n('%(num)s result', '%(num)s results', n, num='1,234')),
] %}
{%- for mine, theirs in cases %}{{ mine }}|{{ theirs }}|{{ mine == theirs }}
{% endfor %}
{%- autoescape false %}{{ _('“%(query)s”: search', query=q) }}|{{ ref_g('“%(query)s”: search', query=q) }}{% endautoescape %}
"""


def _render(app, source: str, n: int) -> list[str]:
    reference = {
        "ref_g": _make_new_gettext(lambda s: get_translations().ugettext(s)),
        "ref_n": _make_new_ngettext(lambda s, p, n: get_translations().ungettext(s, p, n)),
    }
    return app.jinja_env.from_string(source).render(q='<b>"x"</b>', n=n, **reference).split("\n")


def test_template_translations_are_flask_babels(app):
    seen = {}
    for lang in ("en", "ru", "ko", "en", "ru"):
        for n in (1, 2, 5, 21):
            with app.test_request_context(f"/{lang}/search"):
                g.lang = lang
                refresh()  # the test's application context outlives the request: its locale
                lines = _render(app, SOURCE, n)
                seen[lang, n] = lines
                for line in lines[:-1]:
                    assert line.endswith("|True"), (lang, n, line)
                plain, reference = lines[-1].split("|")
                assert plain == reference and '<b>"x"</b>' in plain
                assert "&lt;b&gt;" in lines[2]  # the variable escaped into the markup
                # Another language forced inside the request (an e-mail's), then back
                with in_language("ko" if lang != "ko" else "ru"):
                    forced = _render(app, SOURCE, n)
                assert _render(app, SOURCE, n) == lines
                assert forced[0] != lines[0]
                assert all(line.endswith("|True") for line in forced[:-1])
    assert seen["ru", 2][0] != seen["en", 2][0] != seen["ko", 2][0]
    assert seen["ru", 1][5] != seen["ru", 5][5]  # Russian plural forms


def test_python_translations_are_flask_babels(app):
    """`gettext` and lazy strings in Python (kb/extensions.py: each locale's catalogue found
    once) give what a plain Flask-Babel domain gives, a forced language included."""
    from flask_babel import Domain, gettext, lazy_gettext, ngettext

    plain = Domain(domain="messages")
    label = lazy_gettext("Festivals")
    for lang in ("en", "ru", "ko", "ru"):
        with app.test_request_context(f"/{lang}/"):
            g.lang = lang
            refresh()
            for forced in (None, "ko" if lang != "ko" else "en"):
                with in_language(forced) if forced else nullcontext():
                    reference = plain.get_translations()
                    assert gettext("Search") == reference.ugettext("Search")
                    assert str(label) == reference.ugettext("Festivals")
                    for n in (1, 3, 5):
                        assert ngettext("%(num)s result", "%(num)s results", n) == (
                            reference.ungettext("%(num)s result", "%(num)s results", n) % {"num": n}
                        )
            if lang != "en":
                assert gettext("Search") != "Search"


def test_a_lazy_strings_kept_text_follows_the_language(app):
    """`kb.i18n.translated` (a lazy string's text, kept per catalogue) gives `str()`'s
    answer in each language in turn, a forced one included, and plain strings as they are."""
    from flask_babel import lazy_gettext

    from kb.i18n import translated

    labels = [lazy_gettext("Festivals"), lazy_gettext("Type"), lazy_gettext("Festivals")]
    seen = {}
    for lang in ("en", "ru", "ko", "ru", "en"):
        with app.test_request_context(f"/{lang}/"):
            g.lang = lang
            refresh()
            for forced in (None, "ko" if lang != "ko" else "ru"):
                with in_language(forced) if forced else nullcontext():
                    for label in labels:
                        assert translated(label) == str(label)
            seen[lang] = translated(labels[0])
            assert translated("as it is") == "as it is"
    assert seen["en"] == "Festivals" and seen["ru"] != seen["ko"] != seen["en"]
