"""Relevance of search on the seed data, on two sets of queries. Not a test.

    .venv/bin/python bench/relevance.py [--variants]

- **Tuning set** (`tests/relevance_cases.py`: the cases the analysis and matching were
  tuned on, and issue 15's examples): how many queries find their record in the top
  ten (issue 15's names: in the top two); and, for its `MORE` cases (intent, other
  scripts, synonyms, typos), the share of the records meant in the top ten, per
  language and per kind, as the held-out set is scored. `--show` prints the tuning
  queries that miss, with what came first (tuning set only).
- **Held-out set** (`tests/relevance_heldout.py`: written from the seed by someone who
  never saw the search code, and never tuned on): per language, the share of each
  query's expected records found in the top ten, averaged over the queries. This is
  the figure the README quotes. Only aggregates are printed, on purpose: do not tune on
  its queries (see that file's docstring).

`--variants` also scores analyser variants on the tuning set (how the analysis in
README "Search" was chosen). Loads the seed into a scratch database, builds each
index through kb.search's own rebuild and queries it through kb.search's engine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Not bench/ itself: its http.py would stand for the standard library's http package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

VARIANTS = {
    "chosen: lemma+stem ru, bigram ko, stem en": {},
    "ru Snowball stem only": {"russian": "stem"},
    "ru pymorphy3 lemma only": {"russian": "lemma"},
    "ru no stemming (ё→е only)": {"russian": "plain"},
    "ko whole words (no bigrams)": {"korean": "word"},
    "en no stemming (folding only)": {"english": False},
}
LANGS = ("en", "ru", "ko")


def top(holder, query: str, lang: str, n: int = 10) -> list[str]:
    from kb.search.engine import run

    return [f"{h.type}/{h.slug}" for h in run(holder, query, per_page=n, lang=lang).items]


def tuning(holder, show: bool = False) -> dict[str, tuple[int, int]]:
    """Per language (and for the issue's names), (found, queries) on the tuning set;
    `show`: print each query that misses."""
    from tests.relevance_cases import CASES, ISSUE_TOP2, ISSUE_TOP10

    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    cases = [(lang, lang, q, e, 10) for lang, cs in CASES.items() for q, e in cs]
    cases += [(lang, lang, q, e, 10) for lang, q, e in ISSUE_TOP10]
    cases += [("issue top 2", lang, q, e, 2) for lang, q, e in ISSUE_TOP2]
    for group, lang, query, expected, n in cases:
        hits = top(holder, query, lang, n)
        ok = any(e in hits for e in expected.split())
        found[group][0] += ok
        found[group][1] += 1
        if show and not ok:
            print(f"  miss [{group}] {query!r}: {expected}; first: {' '.join(hits[:3])}")
    return {k: (v[0], v[1]) for k, v in found.items()}


def more(holder, show: bool = False) -> tuple[dict[str, float], dict[str, float]]:
    """Per language and per kind, the mean share of the records meant in the top ten,
    on the tuning set's `MORE` cases; `show`: print each case that misses."""
    from tests.relevance_cases import MORE

    by_lang, by_kind = defaultdict(list), defaultdict(list)
    for lang, kind, query, expected in MORE:
        meant = expected.split()
        found = top(holder, query, lang)
        share = len(set(found) & set(meant)) / len(meant)
        by_lang[lang].append(share)
        by_kind[kind].append(share)
        if show and share < 1:
            print(f"  miss [{lang} {kind}] {query!r}: {share:.2f}; not found:")
            print("    " + " ".join(m for m in meant if m not in found) + "; first:")
            print("    " + " ".join(found[:3]))
    mean = {k: sum(v) / len(v) for k, v in by_lang.items()}
    return mean, {k: sum(v) / len(v) for k, v in sorted(by_kind.items())}


def heldout(holder) -> tuple[dict[str, float], dict[str, float], dict[str, int]]:
    """Per language and per kind, the mean share of expected records in the top ten."""
    from tests.relevance_heldout import HELDOUT

    by_lang, by_kind = defaultdict(list), defaultdict(list)
    for case in HELDOUT:
        found = set(top(holder, case["query"], case["lang"]))
        share = len(found & set(case["expected"])) / len(case["expected"])
        by_lang[case["lang"]].append(share)
        by_kind[case["kind"]].append(share)
    mean = {k: sum(v) / len(v) for k, v in by_lang.items()}
    kinds = {k: sum(v) / len(v) for k, v in sorted(by_kind.items())}
    return mean, kinds, {k: len(v) for k, v in by_lang.items()}


def main() -> None:
    from flask_migrate import upgrade

    from kb import create_app
    from kb.search import queue, store
    from kb.search.analysis import ScriptTokenizer
    from kb.search.schema import make_schema
    from kb.search.store import Holder
    from kb.seed import load_seed

    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--variants", action="store_true", help="score analyser variants too")
    args.add_argument("--show", action="store_true", help="print the tuning cases that miss")
    options = args.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "INSTANCE_PATH": tmp,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/kb.db",
                "BASE_URL": "http://127.0.0.1:5000",  # no mail leaves a bench
            }
        )
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            load_seed(ROOT / "seed_data")
            variants = VARIANTS if options.variants else dict(list(VARIANTS.items())[:1])
            print("Tuning set (tests/relevance_cases.py + issue 15): found in the top ten")
            print(f"{'variant':<44} " + " ".join(f"{lang:>7}" for lang in LANGS) + "  top 2")
            chosen = None
            for name, kwargs in variants.items():
                analyzer = ScriptTokenizer(**kwargs)
                store.make_schema = lambda analyzer=analyzer: make_schema(analyzer)
                holder = Holder(f"{tmp}/{abs(hash(name))}")
                app.extensions["kb_search"] = holder
                queue.reindex()
                scores = tuning(holder)
                cells = [f"{scores[lang][0]:>3}/{scores[lang][1]:<3}" for lang in LANGS]
                issue = scores["issue top 2"]
                print(f"{name:<44} " + " ".join(cells) + f"  {issue[0]}/{issue[1]}")
                if chosen is None:
                    chosen = holder
                else:
                    holder.close()
            app.extensions["kb_search"] = chosen
            store.make_schema = make_schema
            if options.show:
                tuning(chosen, show=True)
            mean, kinds = more(chosen, options.show)
            print("\nTuning set, MORE cases: share of the records meant in the top ten")
            print("  " + ", ".join(f"{lang} {mean[lang]:.3f}" for lang in LANGS))
            print("  by kind: " + ", ".join(f"{k} {v:.2f}" for k, v in kinds.items()))
            mean, kinds, counts = heldout(chosen)
            print("\nHeld-out set (tests/relevance_heldout.py): share of expected records")
            print("in the top ten, averaged per language (the README's figure)")
            for lang in LANGS:
                print(f"  {lang}: {mean[lang]:.3f}  ({counts[lang]} queries)")
            print("  by kind: " + ", ".join(f"{k} {v:.2f}" for k, v in kinds.items()))
            chosen.close()


if __name__ == "__main__":
    main()
