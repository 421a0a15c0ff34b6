"""A record type's JSON shape as a table: one row per record, one column per field and language.

The columns follow the schema (the API's shape), so the CSV and JSON exports say the same:

- text in several languages (`name`) → one column per language: `name_en`, `name_ru`,
  `name_ko`, then a community language's (`name_uz`) when some record has one;
- a link to a record → its slug; to a country → its ISO code;
- a list of plain values (`countries`, `domains`, `sources`, `organizers`) → one cell, the
  values joined by `LIST_SEPARATOR` (none of them can hold it: codes, slugs and URLs
  have no spaces);
- a nested structure (`alt_names`, `editions`, `sessions`, `days`, `topics`, …) → one cell
  holding it as compact JSON, exactly as the API has it;
- numbers as written in JSON, `true`/`false`, dates and times in ISO 8601; empty = none.

A file may leave columns out: a field without a column is left as it is, and so is a
language without one (`merge_languages`). Text cells go through `kb.spreadsheet.protect`
(a formula start gets a leading `'`); reading takes it off again (`unprotect`), so a round
trip gives back what was written.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from marshmallow import Schema, fields

from kb.i18n import LANGUAGES, TEXT_LANGUAGES
from kb.schemas.fields import CountryRef, LangText, Ref
from kb.spreadsheet import protect, unprotect

#: Between the values of a list cell.
LIST_SEPARATOR = " | "
#: Opens every CSV file, so spreadsheets read Cyrillic and Hangul as UTF-8.
BOM = "\ufeff"

#: Kinds of column.
TEXT, NUMBER, LINK, LIST, JSON = "text", "number", "link", "list", "json"


@dataclass(frozen=True)
class Column:
    """One column: its header, the field it comes from, how it is written, its language."""

    header: str
    field: str
    kind: str
    lang: str | None = None
    #: Whether the field is a list (an empty cell is then an empty list, not none).
    many: bool = False


def exported_fields(schema: Schema) -> dict[str, fields.Field]:
    """The fields a record's data is made of: not bookkeeping (read-only), not private."""
    return {
        name: field
        for name, field in schema.fields.items()
        if not field.dump_only and not field.load_only
    }


def _kind(field: fields.Field) -> str:
    if isinstance(field, Ref | CountryRef):
        return LINK
    if isinstance(field, fields.Number | fields.Boolean):
        return NUMBER
    if isinstance(field, fields.List):
        inner = field.inner
        if isinstance(inner, Ref | CountryRef | fields.Number) or (
            isinstance(inner, fields.String) and not isinstance(inner, LangText)
        ):
            return LIST
        return JSON
    if isinstance(field, fields.Nested | fields.Dict | LangText):
        return JSON  # LangText is split into languages before it comes here
    return TEXT


def _column(name: str, field: fields.Field) -> Column:
    return Column(name, name, _kind(field), many=isinstance(field, fields.List))


def columns(schema: Schema, records: list[dict]) -> list[Column]:
    """The columns of `records` (dumped by `schema`): the same data gives the same columns."""
    out = []
    for name, field in exported_fields(schema).items():
        if isinstance(field, LangText):
            used = {code for record in records for code in (record.get(name) or {})}
            out += [
                Column(f"{name}_{code}", name, TEXT, code)
                for code in TEXT_LANGUAGES
                if code in LANGUAGES or code in used
            ]
        else:
            out.append(_column(name, field))
    return out


def _link(value) -> str:
    if isinstance(value, dict):
        return value.get("code") or value.get("slug") or ""
    return str(value)


def _plain(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, int | float) else str(value)


def cell(column: Column, record: dict) -> str:
    """What `record` (dumped) holds for `column`, as the text of a CSV cell."""
    value = record.get(column.field)
    if column.lang:
        value = (value or {}).get(column.lang)
    if value is None or value == []:
        return ""
    if column.kind == JSON:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if column.kind == NUMBER:
        return _plain(value)
    if column.kind == LINK:
        return protect(_link(value))
    if column.kind == LIST:
        return protect(
            LIST_SEPARATOR.join(_link(v) if isinstance(v, dict) else _plain(v) for v in value)
        )
    return protect(str(value))


def write_csv(schema: Schema, records: list[dict]) -> bytes:
    """`records` (dumped by `schema`) as CSV: UTF-8 with a byte-order mark, CRLF rows."""
    cols = columns(schema, records)
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([c.header for c in cols])
    for record in records:
        writer.writerow([cell(c, record) for c in cols])
    return out.getvalue().encode("utf-8")


class TableError(ValueError):
    """A table that cannot be read: `field` names the column (or None), `message` says why."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def header_columns(schema: Schema, header: list[str]) -> list[Column | None]:
    """The column each header names (None for one that names nothing: refused by the caller)."""
    known = {}
    for name, field in exported_fields(schema).items():
        if isinstance(field, LangText):
            for code in TEXT_LANGUAGES:
                known[f"{name}_{code}"] = Column(f"{name}_{code}", name, TEXT, code)
        else:
            known[name] = _column(name, field)
    return [known.get(h) for h in header]


def read_row(cols: list[Column], row: list[str]) -> dict:
    """One CSV row as the JSON shape the schema loads (numbers and flags stay text for it)."""
    data: dict = {}
    for column, text in zip(cols, row, strict=False):
        if column.lang:
            # An empty cell says "no text in this language" (None until `merge_languages`).
            data.setdefault(column.field, {})[column.lang] = unprotect(text) if text else None
        elif column.kind == JSON:
            try:
                data[column.field] = json.loads(text) if text else ([] if column.many else None)
            except ValueError as exc:
                raise TableError(f"not valid JSON: {exc}", column.field) from None
        elif column.kind == LIST:
            text = unprotect(text)
            data[column.field] = text.split(LIST_SEPARATOR) if text else []
        elif column.kind in (LINK, TEXT):
            data[column.field] = unprotect(text) if text else None
        else:
            data[column.field] = text or None
    return data


def merge_languages(schema: Schema, row: dict, current: dict | None) -> dict:
    """`row` (from `read_row`) with each text completed from `current` (the record dumped).

    A language whose column the file has is set, or removed when its cell is empty; a
    language the file has no column for keeps the text the record has. So a spreadsheet
    with only `name_en` corrects the English names and leaves the Russian ones alone.
    """
    out = dict(row)
    for name, field in exported_fields(schema).items():
        if not isinstance(field, LangText) or name not in row:
            continue
        merged = dict((current or {}).get(name) or {})
        for code, text in (row[name] or {}).items():
            if text is None:
                merged.pop(code, None)
            else:
                merged[code] = text
        out[name] = merged or None
    return out


def read_csv(schema: Schema, raw: bytes) -> list[dict]:
    """The records of a CSV file (with or without a byte-order mark), in the JSON shape.

    Raises TableError for a file that is not UTF-8, or whose header names an unknown column
    or a column twice.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(f"not UTF-8 text: {exc}") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return []
    header, *body = rows
    cols = header_columns(schema, header)
    unknown = [h for h, c in zip(header, cols, strict=True) if c is None]
    if unknown:
        raise TableError("unknown column(s): " + ", ".join(unknown), unknown[0])
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise TableError("column(s) given twice: " + ", ".join(twice), twice[0])
    records = []
    for row in body:
        if not any(row):
            continue  # a blank line, as spreadsheets leave at the end
        if len(row) > len(cols):
            raise TableError(f"row {len(records) + 2} has more cells than the header")
        try:
            records.append(read_row(cols, row))
        except TableError as exc:
            raise TableError(f"row {len(records) + 2}: {exc.message}", exc.field) from None
    return records
