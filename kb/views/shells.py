"""Pages kept with holes: rendered once per language and key, sent with each request's
own parts filled in.

A results page for a query never asked before cost Jinja more than its results: the
blocks of base.html, their contexts, ten kept parts' keys and two dozen helpers, for a
page that, to an anonymous reader, is the same in one language but for a few parts
(the query, in the title, Open Graph title and search box; the language switch's
addresses; the results, written in Python). `render` renders such a page once with a
marker in place of each of those parts (the *holes*), keeps it cut at the markers
(a *shell*), and answers each request by joining the shell's pieces with the request's
parts, escaped as the template escapes them.

What a shell may hold is what a kept part ({% cache %}, kb/fragments.py) may hold:
nothing that depends on the reader or the request but the holes. So it is for
anonymous readers with no message pending only (the caller's test), its key ends as a
kept part's does (language, Babel's locale, build, application root; nothing is kept
while templates reload), it adds `BASE_URL` (the head's absolute addresses, which
sit in kept parts keyed without it: a new `BASE_URL` takes a restart), and it
notes the static files the page names: a shell is made again when one of them changed
(their addresses carry their versions). tests/test_shells.py renders pages both ways
and compares them.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping

from flask import current_app, render_template
from markupsafe import Markup

from kb.fragments import fragments
from kb.views import assets

#: Shells kept per process (a search page's is ~10 KB: three languages, a few keys).
KEPT = 32
#: A hole's marker: private-use characters, which HTML escaping leaves as they are.
_MARK = "\ue000{}\ue001"
_SPLIT = re.compile("\ue000([a-z0-9-]+)\ue001")

_lock = threading.Lock()


def kept() -> OrderedDict[tuple, Shell]:
    """This app's shells, least recently used first."""
    return current_app.extensions.setdefault("kb-shells", OrderedDict())


def mark(name: str) -> Markup:
    """The marker of hole `name`, to put in the context the shell is rendered with."""
    return Markup(_MARK.format(name))


class Shell:
    """A page cut at its holes: `pieces[0]`, hole `names[0]`, `pieces[1]`, …"""

    __slots__ = ("pieces", "names", "statics", "versions")

    def __init__(self, pieces: list[str], names: list[str], statics: tuple, versions: tuple):
        self.pieces, self.names = pieces, names
        self.statics, self.versions = statics, versions

    def fill(self, values: Mapping[str, str]) -> str:
        out = [self.pieces[0]]
        for name, piece in zip(self.names, self.pieces[1:], strict=True):
            out.append(values[name])
            out.append(piece)
        return "".join(out)

    def current(self) -> bool:
        """Whether the static files it names are the versions it names."""
        return tuple(map(assets.version, self.statics)) == self.versions


def render(
    template: str,
    key: tuple,
    context: dict,
    marked: dict,
    values: Callable[[], Mapping[str, str]],
) -> str:
    """`render_template(template, **context)` for an anonymous reader, from its shell.

    `key`: what else the page shows besides its language (and its holes); `marked`: the
    context's entries as the shell is rendered (each hole's `mark`, or a function giving
    them); `values()`: each hole's text, as the template would write it (escaped).
    """
    env = current_app.jinja_env
    full_key = fragments(env).key([template, *key])
    if full_key is None:
        return render_template(template, **context)
    full_key = (*full_key, current_app.config["BASE_URL"])
    shells = kept()
    with _lock:
        shell = shells.get(full_key)
        if shell is not None:
            shells.move_to_end(full_key)
    if shell is None or not shell.current():
        shell = _make(template, {**context, **marked}, set(values()))
        if shell is None:  # a marker's characters in the page itself: rendered whole
            return render_template(template, **context)
        with _lock:
            shells[full_key] = shell
            while len(shells) > KEPT:
                shells.popitem(last=False)
    return shell.fill(values())


def _make(template: str, context: dict, holes: set[str]) -> Shell | None:
    with assets.naming() as named:
        page = render_template(template, **context)
    cut = _SPLIT.split(page)
    pieces, names = cut[::2], cut[1::2]
    if not set(names) <= holes or "\ue000" in "".join(pieces):
        return None
    statics = tuple(dict.fromkeys(named))
    return Shell(pieces, names, statics, tuple(map(assets.version, statics)))
