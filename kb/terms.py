"""The network's terms (`translations/terms.yaml`): one form per working language.

The same file drives the glossary page, the check that catalogues and seed texts use
the chosen forms (`violations`), and it is the natural synonym table for search: the
forms of one term name the same thing in three languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from kb.config import ROOT
from kb.i18n import LANGUAGES

TERMS_FILE = ROOT / "translations" / "terms.yaml"


@dataclass(frozen=True)
class Term:
    """One term: its form, short form, definition and sources per language."""

    id: str
    forms: dict[str, str]
    definition: dict[str, str]
    short: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    why: str | None = None
    forbidden: dict[str, tuple[re.Pattern, ...]] = field(default_factory=dict)
    exceptions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    msgids: tuple[str, ...] = ()
    filter: dict[str, str] = field(default_factory=dict)
    search: dict[str, str] = field(default_factory=dict)
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def names(self) -> list[str]:
        """Every way of writing the term: forms, short forms, readers' variants."""
        out = [*self.forms.values(), *self.short.values()]
        return out + [v for values in self.variants.values() for v in values]

    def accepts(self, lang: str, text: str) -> bool:
        """Whether `text` (a translation of one of `msgids`) carries the term's form."""
        wanted = [self.forms.get(lang), self.short.get(lang)]
        return any(w and w.casefold() in text.casefold() for w in wanted)


def _term(raw: dict) -> Term:
    term_id = raw.get("id") or "?"
    missing = [k for k in (*LANGUAGES, "definition") if not raw.get(k)]
    missing += [f"definition.{k}" for k in LANGUAGES if not (raw.get("definition") or {}).get(k)]
    if missing:
        raise ValueError(f"terms.yaml, term {term_id}: missing {', '.join(missing)}")
    return Term(
        id=term_id,
        forms={lang: raw[lang] for lang in LANGUAGES},
        definition={lang: " ".join(raw["definition"][lang].split()) for lang in LANGUAGES},
        short=dict(raw.get("short") or {}),
        sources=dict(raw.get("sources") or {}),
        why=" ".join(raw["why"].split()) if raw.get("why") else None,
        forbidden={
            lang: tuple(re.compile(p, re.IGNORECASE) for p in patterns)
            for lang, patterns in (raw.get("forbidden") or {}).items()
        },
        exceptions={lang: tuple(v) for lang, v in (raw.get("except") or {}).items()},
        msgids=tuple(raw.get("msgids") or ()),
        filter=dict(raw.get("filter") or {}),
        search=dict(raw.get("search") or {}),
        variants={lang: tuple(v) for lang, v in (raw.get("variants") or {}).items()},
    )


@lru_cache(maxsize=4)
def load(path: Path = TERMS_FILE) -> tuple[Term, ...]:
    """Every term of the file, in its order (read once per process)."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    terms = tuple(_term(item) for item in raw)
    ids = [t.id for t in terms]
    if len(ids) != len(set(ids)):
        raise ValueError("terms.yaml: a term id is used twice")
    return terms


def by_id(term_id: str) -> Term | None:
    """The term with this id, or None."""
    return next((t for t in load() if t.id == term_id), None)


def violations(text: str, lang: str, terms: tuple[Term, ...] | None = None) -> list[str]:
    """The forbidden variants `text` (in `lang`) uses, as "term: variant" strings."""
    found = []
    for term in terms if terms is not None else load():
        patterns = term.forbidden.get(lang)
        if not patterns:
            continue
        checked = text
        for name in term.exceptions.get(lang, ()):
            checked = checked.replace(name, " ")
        for pattern in patterns:
            match = pattern.search(checked)
            if match:
                found.append(f"{term.id}: {match.group(0)}")
    return found
