"""Score analyser variants on the relevance set (tests/relevance_cases.py): how many
queries per language find the intended record in the top ten. Not a test.

    .venv/bin/python bench/relevance.py

Loads the seed data into a scratch database, then builds one index per variant through
kb.search's own rebuild and queries it through kb.search's engine.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VARIANTS = {
    "chosen: lemma+stem ru, bigram ko, stem en": {},
    "ru Snowball stem only": {"russian": "stem"},
    "ru pymorphy3 lemma only": {"russian": "lemma"},
    "ru no stemming (ё→е only)": {"russian": "plain"},
    "ko whole words (no bigrams)": {"korean": "word"},
    "en no stemming (folding only)": {"english": False},
}


def main() -> None:
    from flask_migrate import upgrade

    from kb import create_app
    from kb.search import queue, store
    from kb.search.analysis import ScriptTokenizer
    from kb.search.engine import run
    from kb.search.schema import make_schema
    from kb.search.store import Holder
    from kb.seed import load_seed
    from tests.relevance_cases import CASES

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"INSTANCE_PATH": tmp, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/kb.db"}
        )
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            load_seed(ROOT / "seed_data")
            print(f"{'variant':<44} " + " ".join(f"{lang:>7}" for lang in CASES) + "   all")
            for name, options in VARIANTS.items():
                analyzer = ScriptTokenizer(**options)
                store.make_schema = lambda analyzer=analyzer: make_schema(analyzer)
                holder = Holder(f"{tmp}/{abs(hash(name))}")
                app.extensions["kb_search"] = holder
                queue.reindex()
                scores, total = [], 0
                for lang, cases in CASES.items():
                    hits = 0
                    for query, expected in cases:
                        found = run(holder, query, per_page=10, lang=lang).items
                        hits += expected in [f"{h.type}/{h.slug}" for h in found]
                    scores.append(f"{hits:>3}/{len(cases):<3}")
                    total += hits
                count = sum(len(c) for c in CASES.values())
                print(f"{name:<44} " + " ".join(scores) + f"  {total}/{count}")
                holder.close()


if __name__ == "__main__":
    main()
