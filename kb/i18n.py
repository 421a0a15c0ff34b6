"""The working languages, locale selection and helpers for text held per language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from weakref import WeakKeyDictionary

from babel import Locale
from flask import Flask, g, has_app_context, has_request_context, request
from flask_babel import force_locale, get_locale
from jinja2 import pass_context
from markupsafe import Markup

from kb.extensions import babel

#: The working languages of the network, in the order the switcher shows them.
#: Adding a language: add its code here, `pybabel init -l CODE`, translate, compile.
LANGUAGES = ("en", "ru", "ko")
DEFAULT_LANGUAGE = "en"
#: Each language's name in itself, for the language switcher.
NATIVE_NAMES = {"en": "English", "ru": "Русский", "ko": "한국어"}
#: Languages of the network's communities that texts may carry besides the working ones
#: (ISO 639-1; each is a locale Babel knows, so its name can be shown in every language).
#: A text object keyed by any other code is refused at the edge (see README "Languages").
COMMUNITY_LANGUAGES = (
    "uz", "kk", "ky", "tg", "tk", "mn", "fa", "ps", "az", "tr", "hy", "ka",
    "ug", "tt", "ba", "ur", "hi", "zh", "ja", "ar",
)  # fmt: skip
#: Every language code a text object may be keyed by.
TEXT_LANGUAGES = LANGUAGES + COMMUNITY_LANGUAGES


@dataclass(frozen=True)
class Localized:
    """A text in one language, and whether it is in the language the reader asked for."""

    text: str
    lang: str
    requested: str

    @property
    def is_fallback(self) -> bool:
        """True when the text is shown in another language than the reader's."""
        return self.lang != self.requested

    def __str__(self) -> str:
        return self.text


def fallback_order(lang: str) -> list[str]:
    """The languages to try, in order, for a reader of `lang`."""
    return [lang] + [code for code in LANGUAGES if code != lang]


def pick(value: dict | None, lang: str | None = None) -> Localized | None:
    """The text of `value` best suited to a reader of `lang` (default: the current one).

    The reader's language first, then the other working languages, then any other
    language the text has (a community's own language, for instance).
    """
    if not value:
        return None
    lang = lang or current_language()
    for code in fallback_order(lang):
        if value.get(code):
            return Localized(value[code], code, lang)
    code = sorted(value)[0]
    return Localized(value[code], code, lang)


def language_name(code: str, in_lang: str | None = None) -> str:
    """The name of language `code`, written in `in_lang` (default: the current one)."""
    in_lang = in_lang or current_language()
    if not isinstance(code, str) or not isinstance(in_lang, str):
        return _language_name.__wrapped__(code, in_lang)
    return _language_name(code, in_lang)


@lru_cache(maxsize=2048)
def _language_name(code: str, in_lang: str) -> str:
    # Babel's data, parsed again on every call (a results page names a language per
    # name not in the reader's): kept per process.
    try:
        name = Locale.parse(code).get_display_name(in_lang)
    except Exception:  # noqa: BLE001  (a code Babel does not know, stored before it was checked)
        return str(code)
    return name or code


@contextmanager
def in_language(lang: str) -> Iterator[None]:
    """Translate and format in `lang` inside the block (an e-mail in its reader's language).

    Works in a request and in the CLI alike; the page's own language comes back after.
    """
    previous = g.get("forced_lang")
    g.forced_lang = lang
    try:
        with force_locale(lang):
            yield
    finally:
        g.forced_lang = previous


def current_language() -> str:
    """The language of the current request, or the default outside one."""
    if has_app_context() and g.get("forced_lang"):
        return g.forced_lang
    if has_request_context():
        lang = getattr(g, "lang", None)
        if lang:
            return lang
        return str(get_locale() or DEFAULT_LANGUAGE)
    return DEFAULT_LANGUAGE


#: Per catalogue (weakly: a test's replaced catalogues go with them), the text of each
#: lazy string asked for, by the string's identity (it is kept with its text, so that
#: identity is never another string's). Lazy strings are module constants: a few hundred.
_TRANSLATED: WeakKeyDictionary = WeakKeyDictionary()
TRANSLATED_KEPT = 2048


def translated(text) -> str:
    """`str(text)` of a lazy string (`lazy_gettext`), found once per catalogue: each `str()`
    of one looks up Flask-Babel's request context three times over (~15 µs), and a results
    page names a dozen record types and facet headings. Plain strings come back as they are."""
    if isinstance(text, str):
        return text
    catalogue = babel.domain_instance.get_translations()
    memo = _TRANSLATED.get(catalogue)
    if memo is None:
        memo = _TRANSLATED[catalogue] = {}
    found = memo.get(id(text))
    if found is None or found[0] is not text:
        if len(memo) >= TRANSLATED_KEPT:
            memo.clear()
        found = memo[id(text)] = (text, str(text))
    return found[1]


def negotiate() -> str:
    """The working language the browser prefers (Accept-Language), or the default."""
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def select_locale() -> str:
    """Locale for Babel: the URL's language, then `?lang=`, then the browser's.

    Outside a request (the CLI, the seed loader) it is the default language.
    """
    if not has_request_context():
        return DEFAULT_LANGUAGE
    lang = getattr(g, "lang", None)
    if lang in LANGUAGES:
        return lang
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    return negotiate()


def init_app(app: Flask) -> None:
    """Bind Babel with our locale selector and the catalogues beside the package."""
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=app.config["TRANSLATIONS_DIR"],
    )
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES, NATIVE_NAMES=NATIVE_NAMES, language_name=language_name
    )
    _install_template_gettext(app)


def _install_template_gettext(app: Flask) -> None:
    """Templates' `_`, `gettext` and `ngettext`: what Flask-Babel installs through Jinja's
    i18n extension (newstyle: the translation as markup, `%` its variables, escaped), the
    catalogue asked of our domain directly. Each `_` went through two `Context.call`s, the
    alias resolving `gettext`, and Flask-Babel's context lookups before its catalogue (~30
    µs; a page has 10 to 40). The domain keeps each locale's catalogue
    (`kb.extensions._KeptCatalogues`), so a forced locale (`in_language`) gets its own."""

    def catalogue():
        return babel.domain_instance.get_translations()

    @pass_context
    def gettext(context, string: str, /, **variables):  # positional: a `string=` may be a variable
        rv = catalogue().ugettext(string)
        if context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables  # always a format string, as Jinja's newstyle gettext

    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, /, **variables):
        variables.setdefault("num", num)
        rv = catalogue().ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
    app.jinja_env.filters["pick"] = pick
