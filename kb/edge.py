"""Validation at the edge: what no request may carry, refused before any view runs.

- A path with a control character (`%00` in a slug) is 404: nothing can have that address.
- Ids in URLs (`<int:…>`) are at most 2**31 - 1, the range of the database's integers
  (a larger one is 404, like any id nothing has).
- Query arguments and form fields with control characters (NUL included, which PostgreSQL
  cannot store) are 400 for arguments and 422 for fields, naming each field.
- Bodies: at most `MAX_CONTENT_LENGTH` bytes with files (multipart), `MAX_BODY_LENGTH`
  without (413, in the API's error shape); JSON nested at most `MAX_JSON_DEPTH` levels
  (checked on the bytes, before parsing) and without control characters in any key or
  text (422, with the dotted path of each).

Refusals are in the reader's language, as JSON under /api/ and as a page elsewhere.

Werkzeug's development server (`kb run`) mangles a URL typed with raw UTF-8 (`/ru/search?
q=фестиваль` sent unencoded, as curl and some clients do): it reads the request line as
Latin-1, then encodes that text as UTF-8 again, so the query arrives as mojibake full of
C1 control characters and was refused as 400. `DevServerURL` restores the bytes as sent
(PEP 3333's Latin-1 form) before anything reads them. gunicorn passes them correctly and
is left alone; percent-encoded URLs, which browsers send, were never affected.

A query string whose raw bytes are not UTF-8 (`?q=\xff`, sent unencoded; a proxy passes
it on as it came) made Werkzeug fail to read any argument, a 500 on every page.
`QueryBytes` percent-encodes such bytes first, so the request reads as if they had been
sent encoded (`%FF`), which Werkzeug reads as text.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote_to_bytes

from flask import Flask, abort, current_app, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from kb.errors import error_json, render_error
from kb.schemas.fields import CONTROL, control_message

#: The largest id a URL may name: PostgreSQL's `integer`.
MAX_ID = 2**31 - 1
#: How deeply a JSON body may nest objects and arrays (our own shapes need four).
MAX_JSON_DEPTH = 32
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class BoundedInt(IntegerConverter):
    """`<int:…>` limited to the database's integer range: a larger number matches nothing."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def too_deep(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text nests objects and arrays more than `limit` levels (strings skipped)."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    depth = 0
    for match in _JSON_TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def control_paths(value, path: str = "") -> list[str]:
    """Dotted paths of the keys and texts in a JSON value that hold control characters."""
    if isinstance(value, str):
        return [path or "_schema"] if CONTROL.search(value) else []
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            if CONTROL.search(str(key)):
                found.append(CONTROL.sub("?", sub))
            else:
                found.extend(control_paths(item, sub))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(control_paths(item, f"{path}.{i}" if path else str(i)))
    return found


def _api() -> bool:
    return request.path.startswith("/api/")


def _refuse(status: int, fields: dict[str, list[str]], message: str):
    if _api():
        return error_json(status, "invalid", message, fields)
    details = [f"{name}: {' '.join(msgs)}" for name, msgs in fields.items()]
    return render_error(status, message, details)


def _fields_with_control(multidict) -> dict[str, list[str]]:
    bad: dict[str, list[str]] = {}
    for key, value in multidict.items(multi=True):
        if CONTROL.search(key) or CONTROL.search(value):
            bad[CONTROL.sub("?", key)] = [str(control_message())]
    return bad


def check_request():
    """Refuse what no view may see (see the module's docstring)."""
    if CONTROL.search(request.path):
        abort(404)
    bad = _fields_with_control(request.args)
    if bad:
        return _refuse(400, bad, _("Some query arguments are not valid."))
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    if request.mimetype != "multipart/form-data":
        limit = int(current_app.config["MAX_BODY_LENGTH"])
        if request.content_length is not None and request.content_length > limit:
            abort(413)
        request.max_content_length = limit
    if request.is_json:
        data = request.get_data(cache=True)
        if too_deep(data):
            return _refuse(
                400,
                {"_schema": [_("Nested more than %(max)d levels deep.", max=MAX_JSON_DEPTH)]},
                _("The request could not be understood."),
            )
        paths = control_paths(request.get_json(silent=True))
        if paths:
            fields = {path: [str(control_message())] for path in paths}
            return _refuse(422, fields, _("Some fields are not valid; nothing was saved."))
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        bad = _fields_with_control(request.form)
        if bad:
            return _refuse(422, bad, _("Some fields are not valid; nothing was saved."))
    return None


class DevServerURL:
    """Undo the development server's second encoding of raw non-ASCII URLs (see above)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        uri = environ.get("REQUEST_URI", "")
        if not uri.isascii() and environ.get("SERVER_SOFTWARE", "").startswith("Werkzeug/"):
            try:  # the server did text.encode("utf-8").decode("latin-1") on Latin-1 text
                sent = uri.encode("latin-1").decode("utf-8").encode("latin-1")
            except UnicodeError:  # not the server's doing: leave it as it came
                sent = None
            if sent is not None and sent.startswith(b"/"):
                path, _, query = sent.partition(b"?")
                environ["PATH_INFO"] = unquote_to_bytes(path).decode("latin-1")
                environ["QUERY_STRING"] = query.decode("latin-1")
                environ["REQUEST_URI"] = environ["RAW_URI"] = sent.decode("latin-1")
        return self.wsgi_app(environ, start_response)


class QueryBytes:
    """Percent-encode a query string's bytes when they are not UTF-8 (see above)."""

    #: What stays as it is: every character a query string may hold, `%` included.
    SAFE = "/?:@!$&'()*+,;=-._~%[]"

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        query = environ.get("QUERY_STRING", "")
        if not query.isascii():  # PEP 3333: the bytes as sent, each as one Latin-1 char
            raw = query.encode("latin-1")
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                environ["QUERY_STRING"] = quote(raw, safe=self.SAFE)
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    """Bound `<int:…>` (before any route is added) and check every request first."""
    app.url_map.converters["int"] = BoundedInt
    app.before_request(check_request)
    # The development server's mangling is undone first, then stray bytes encoded.
    app.wsgi_app = DevServerURL(QueryBytes(app.wsgi_app))
