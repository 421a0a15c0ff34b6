"""Loading `seed_data/`: every file through the API's schemas, all or nothing, idempotent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from marshmallow import Schema, ValidationError

from kb.catalog import LOAD_ORDER
from kb.extensions import db
from kb.schemas.messages import flatten
from kb.services.common import Problem, ServiceError
from kb.services.records import SEED

#: The seed files, in the order they load (later ones refer to earlier ones): one per
#: record type (`Kind.seed_file`), loaded through its schema and its `save`.
FILES: list[tuple[str, type[Schema], Callable]] = [
    (rt.kind.seed_file, rt.schema, rt.save) for rt in LOAD_ORDER
]


class SeedRefused(Exception):
    """The seed was not loaded; `problems` says why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the seed data")
        self.problems = problems


@dataclass
class FileReport:
    """What loading one file did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    slugs: list[str] = field(default_factory=list)


def _read(path: Path, problems: list[Problem]) -> list | None:
    try:
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, f"not valid YAML: {exc}"))
        return None
    if records is None:
        return []
    if not isinstance(records, list):
        problems.append(Problem(path.name, "the file must be a list of records"))
        return None
    return records


def load_seed(directory: str | Path) -> dict[str, FileReport]:
    """Load every seed file in `directory` in one transaction and commit it.

    Raises SeedRefused (after rolling back) if any record of any file is invalid.
    """
    directory = Path(directory)
    known = {name for name, _, _ in FILES}
    problems = [
        Problem(p.name, "unknown seed file (expected one of: " + ", ".join(sorted(known)) + ")")
        for p in sorted(directory.glob("*.y*ml"))
        if p.name not in known
    ]
    reports: dict[str, FileReport] = {}
    for name, schema_class, save in FILES:
        path = directory / name
        if not path.exists():
            continue
        records = _read(path, problems)
        if records is None:
            continue
        report = reports[name] = FileReport()
        schema, seen = schema_class(), set()
        for i, raw in enumerate(records):
            ident = (raw.get("slug") or raw.get("code")) if isinstance(raw, dict) else None
            if ident in seen:
                problems.append(Problem(name, "appears twice in the file", i, ident, "slug"))
                continue
            seen.add(ident)
            try:
                data = schema.load(raw)
                record, changes = save(data, SEED)
            except ValidationError as exc:
                problems += [
                    Problem(name, m, i, ident, f or None) for f, m in flatten(exc.messages)
                ]
                continue
            except ServiceError as exc:
                problems.append(Problem(name, exc.message, i, ident, exc.field))
                continue
            report.slugs.append(ident)
            if not changes:
                report.unchanged += 1
            elif changes.created:
                report.created += 1
            else:
                report.updated += 1
    if problems:
        db.session.rollback()
        raise SeedRefused(problems)
    db.session.commit()
    return reports
