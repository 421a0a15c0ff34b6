"""Parts of templates rendered once per process and language: `{% cache %}`.

Every page's chrome (templates/base.html: the brand, the account links of an anonymous
reader, the main menu, the footer) is the same on every page in one language, but cost
~40 translated strings and ~20 `url_for`s to render each time. A part between

    {% cache "footer" %} … {% endcache %}
    {% cache "main-nav", current %} … {% endcache %}

is rendered the first time and then sent as it was while its key is the same. The key
is the part's name, the values after it (whatever else the part shows: they must name
*all* of it, and be few: the menu's current item, not the address), the language of the
text and of the translations (`current_language()` and Babel's locale, which
`kb.i18n.in_language` can set apart), the build of the code, templates and translations
(`kb.httpcache.build`) and the application's root (`request.script_root`, which every
link starts with). Nothing that depends on the reader may be inside such a part, nor in
its key: the account links of a signed-in reader, a CSRF token, a time zone are rendered
outside of it, each time.

At most `KEPT` parts per process, the least recently used leaving first. With templates
reloaded when they change (`TEMPLATES_AUTO_RELOAD`, debug runs) nothing is kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import g, has_request_context, request
from flask_babel import get_locale
from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

from kb.httpcache import build
from kb.i18n import current_language

#: Parts kept per process (each a few KB): every part in every language many times over.
KEPT = 256
#: Where a request keeps the end of its parts' keys (`FragmentCache.key`).
_KEY_END = "kb.fragment-key-end"


class FragmentCache(Extension):
    """`{% cache name, key… %}…{% endcache %}`: the block rendered once per key."""

    tags = {"cache"}

    def __init__(self, environment):
        super().__init__(environment)
        self.kept: OrderedDict[tuple, Markup] = OrderedDict()
        self._lock = threading.Lock()
        self.renders = 0  # how many times a part was rendered (for tests)

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        keys = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        call = self.call_method("_cached", [nodes.List(keys)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def key(self, parts: list) -> tuple | None:
        """The whole key of a part, or None where nothing may be kept."""
        if self.environment.auto_reload or not has_request_context():
            return None
        # What every part's key ends with, worked out once a request (a page has ten
        # parts) and again whenever the language is switched within it (`in_language`
        # sets `g.forced_lang`; an e-mail's language sets `g.lang`).
        switched = (g.get("forced_lang"), g.get("lang"))
        environ = request.environ
        known = environ.get(_KEY_END)
        if known is None or known[0] != switched:
            end = (current_language(), str(get_locale()), build(), request.script_root)
            known = environ[_KEY_END] = (switched, end)
        return (*parts, *known[1])

    def _cached(self, parts: list, caller) -> Markup:
        key = self.key(parts)
        if key is None:
            return caller()
        with self._lock:
            found = self.kept.get(key)
            if found is not None:
                self.kept.move_to_end(key)
                return found
        rendered = caller()
        with self._lock:
            self.renders += 1
            self.kept[key] = rendered
            while len(self.kept) > KEPT:
                self.kept.popitem(last=False)
        return rendered


def fragments(environment) -> FragmentCache:
    """The environment's fragment cache."""
    return environment.extensions[FragmentCache.identifier]
