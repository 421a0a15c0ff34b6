"""Whole record types out to files (CSV, JSON) and back in, through the API's schemas.

Exports hold the public records only (published; countries always are), in every
language, in the API's shape without its bookkeeping (`status`, `created_at`,
`updated_at`: a database's own, not the record's data), ordered by slug (countries by
code), so the same data always gives the same bytes.

An import loads each record with the API's schema and saves it with the same service the
API, the forms and the seed loader use (history kept, named `import`). It is all or
nothing: one refused record and nothing is written. A dry run does all of it, then rolls
back, and reports what would have happened.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from marshmallow import ValidationError

from kb.extensions import db
from kb.models import Country, Event
from kb.schemas.messages import flatten
from kb.schemas.shape import own_shape
from kb.schemas.table import (
    TableError,
    exported_fields,
    merge_languages,
    read_csv,
    write_csv,
)
from kb.services.common import Problem, ServiceError, by_slug
from kb.services.organizing import merged_with
from kb.services.records import Actor

#: Who the history names for imported changes.
IMPORT = Actor("import")
#: The file formats, by extension.
FORMATS = ("csv", "json")


def _ident(record_type, data: dict) -> str | None:
    key = "code" if record_type.model is Country else "slug"
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _existing(record_type, ident: str | None):
    if not ident:
        return None
    if record_type.model is Country:
        return db.session.scalar(sa.select(Country).where(Country.code == ident.strip().upper()))
    return by_slug(record_type.model, ident.strip().lower())


def public_records(record_type) -> list[dict]:
    """Every public record of the type in its exported shape, in a stable order."""
    model = record_type.model
    query = sa.select(model)
    if model is Country:
        query = query.order_by(Country.code)
    else:
        query = query.where(model.status == "published").order_by(model.slug)
    schema = record_type.schema()
    keep = exported_fields(schema)
    out = []
    for record in db.session.scalars(query):
        dumped = schema.dump(record)
        row = {}
        for key, value in dumped.items():
            if key not in keep:
                continue
            if keep[key].metadata.get("unordered") and isinstance(value, list):
                value = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
            row[key] = value
        out.append(row)
    return out


def export_bytes(record_type, fmt: str) -> bytes:
    """The public records of the type as a file in `fmt` ("csv" or "json")."""
    records = public_records(record_type)
    if fmt == "csv":
        return write_csv(record_type.schema(), records)
    return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@dataclass
class Report:
    """What an import did (or, in a dry run, would do) with one file's records."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)


class ImportRefused(Exception):
    """Nothing was imported; the reports say what was refused, and why."""

    def __init__(self, reports: dict[str, Report]):
        problems = [p for r in reports.values() for p in r.refused]
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.reports = reports
        self.problems = problems


@dataclass
class Batch:
    """One file's records, read, with the record type they are."""

    name: str
    record_type: object
    fmt: str
    records: list = field(default_factory=list)
    problem: Problem | None = None


def read_batch(record_type, name: str, raw: bytes) -> Batch:
    """The records of file `name` (CSV or JSON, by its extension); a problem if unreadable."""
    fmt = Path(name).suffix.lower().lstrip(".")
    batch = Batch(name, record_type, fmt)
    if fmt == "csv":
        try:
            batch.records = read_csv(record_type.schema(), raw)
        except TableError as exc:
            batch.problem = Problem(name, exc.message, field=exc.field)
    elif fmt == "json":
        try:
            records = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            batch.problem = Problem(name, f"not valid JSON: {exc}")
            return batch
        if not isinstance(records, list):
            batch.problem = Problem(name, "the file must hold a list of records")
        else:
            batch.records = records
    else:
        batch.problem = Problem(name, "give a .csv or a .json file")
    return batch


def _load_one(batch: Batch, raw) -> dict:
    rt = batch.record_type
    if not isinstance(raw, dict):
        raise ValidationError({"_schema": ["A record is an object of fields."]})
    current = _existing(rt, _ident(rt, raw))
    if batch.fmt == "json":
        # What the API answered (read-only keys included) is taken back, as by the API.
        answer = rt.detail_schema().dump(current) if current else None
        raw = own_shape(raw, rt.detail_schema(), answer)
    else:
        raw = merge_languages(rt.schema(), raw, rt.schema().dump(current) if current else None)
    data = rt.schema().load(raw)
    if isinstance(current, Event):
        # A file never carries joining links (they are private): an event's sessions
        # keep theirs, as a PATCH through the API does; the links' version is unchanged,
        # so nobody is sent them again.
        data = merged_with(current, data)
    return data


def import_batches(
    batches: list[Batch],
    *,
    actor: Actor = IMPORT,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Report]:
    """Load and save every record of `batches`, in order, in one transaction.

    Commits when every record was accepted and this is no dry run; otherwise rolls back.
    Raises ImportRefused (after the rollback) when any record was refused.
    """
    reports: dict[str, Report] = {}
    for batch in batches:
        report = reports[batch.name] = Report()
        if batch.problem is not None:
            report.refused.append(batch.problem)
            continue
        seen: set[str] = set()
        for i, raw in enumerate(batch.records):
            ident = _ident(batch.record_type, raw)
            if progress is not None:
                progress(1)
            if ident is not None and ident in seen:
                report.refused.append(Problem(batch.name, "appears twice in the file", i, ident))
                continue
            seen.add(ident)
            try:
                data = _load_one(batch, raw)
                _record, changes = batch.record_type.save(data, actor)
            except ValidationError as exc:
                report.refused += [
                    Problem(batch.name, str(m), i, ident, f or None)
                    for f, m in flatten(exc.messages)
                ]
                continue
            except ServiceError as exc:
                report.refused.append(Problem(batch.name, str(exc.message), i, ident, exc.field))
                continue
            if not changes:
                report.unchanged.append(ident)
            elif changes.created:
                report.created.append(ident)
            else:
                report.updated.append(ident)
    if any(r.refused for r in reports.values()):
        db.session.rollback()
        raise ImportRefused(reports)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return reports
