"""Imports point down: times, calendars and e-mails never reach up into the views or services."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KB = Path(__file__).resolve().parent.parent / "kb"


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("timeview.py", ("kb.views", "kb.mail", "kb.services", "kb.calendars")),
        ("programme.py", ("kb.views", "kb.mail", "kb.services")),
        ("calendars.py", ("kb.views", "kb.mail", "kb.services")),
        ("cancellation.py", ("kb.views", "kb.mail", "kb.services")),
        ("mail/events.py", ("kb.views", "kb.services")),
        ("mail/__init__.py", ("kb.views", "kb.services")),
        # What a record type is sits below everything that asks it (services, search).
        ("kinds.py", ("kb.views", "kb.services", "kb.search", "kb.api", "kb.catalog", "kb.mail")),
        ("spreadsheet.py", ("kb.views", "kb.services")),
        ("schemas/table.py", ("kb.views", "kb.services")),
    ],
)
def test_module_imports_only_downwards(module, forbidden):
    bad = sorted(
        name for name in _imports(KB / module) if name.startswith(forbidden) or name == "kb.views"
    )
    assert bad == [], f"kb/{module} imports upwards: {bad}"


def test_no_module_in_kb_imports_the_old_time_helpers():
    moved = ("kb.views.programme", "kb.views.text.in_zone", "kb.views.text.fmt_time")
    offenders = [
        str(path.relative_to(KB))
        for path in KB.rglob("*.py")
        if any(name.startswith(moved) for name in _imports(path))
    ]
    assert offenders == []


def test_registrations_and_event_mail_import_no_circle():
    """The cancellation signer lives below both; neither needs the other lazily."""
    assert not any(n.startswith("kb.services") for n in _imports(KB / "mail/events.py"))
    registrations = _imports(KB / "services/registrations.py")
    assert "kb.mail.events" in registrations  # at the top, no import inside a function
    source = (KB / "services/registrations.py").read_text()
    assert "    from kb.mail" not in source


def test_every_registry_of_record_types_is_read_from_the_kinds():
    """Search, images and the catalog name the same types as kb.kinds, from it."""
    from kb import kinds
    from kb.catalog import RECORD_TYPES
    from kb.search.documents import TYPES
    from kb.services.images import MODELS

    assert [rt.kind for rt in RECORD_TYPES] == list(kinds.KINDS)
    assert {k.model: k.name for k in kinds.KINDS} == TYPES
    assert {k.singular: k.model for k in kinds.KINDS if k.has_images} == MODELS
    assert set(kinds.LOAD_ORDER) == set(kinds.KINDS)
    from kb.schemas.search import SEARCH_TYPES
    from kb.services import notices, payloads, submissions

    assert tuple(k.name for k in kinds.KINDS) == SEARCH_TYPES
    proposable = [k for k in kinds.KINDS if k.proposals]
    assert {k.singular: k.model for k in proposable} == submissions.MODELS
    assert {k.singular: k.schema for k in proposable} == payloads.SCHEMAS
    assert set(submissions.NEW_RECORDS) == {"festival", "organization"}
    assert {k.singular: k.name for k in kinds.KINDS} == notices.RECORD_COLLECTIONS
    for module in (
        "search/documents.py",
        "services/images.py",
        "catalog.py",
        "services/submissions.py",
        "services/payloads.py",
        "services/notices.py",
        "services/common.py",
        "schemas/search.py",
    ):
        assert "kb.kinds" in _imports(KB / module) or "kb.kinds.KINDS" in _imports(KB / module)
