"""`kb seed`: the real seed loads, loading twice changes nothing, bad files load nothing."""

import shutil

import pytest
import sqlalchemy as sa
import yaml

from kb.config import ROOT
from kb.extensions import db
from kb.models import Country, Event, Festival, Organization, Revision
from kb.seed import SeedRefused, load_seed

SEED = ROOT / "seed_data"


def _counts():
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Country, Organization, Festival, Event, Revision)
    }


def _stamps():
    return sorted(db.session.execute(sa.select(Festival.slug, Festival.updated_at)).all())


def test_seed_twice_changes_nothing(runner):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    counts, stamps = _counts(), _stamps()
    assert counts["Festival"] > 0 and counts["Revision"] > 0

    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    assert " 0 created    0 updated" in second.output
    assert _counts() == counts and _stamps() == stamps


def _copy_seed(tmp_path):
    target = tmp_path / "seed"
    shutil.copytree(SEED, target, ignore=shutil.ignore_patterns("*.md"))
    return target


def _edit(path, change):
    records = yaml.safe_load(path.read_text())
    change(records)
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False))


def test_a_bad_record_is_named_and_nothing_is_loaded(app, tmp_path):
    seed = _copy_seed(tmp_path)

    def break_second_festival(records):
        records[1]["editions"] = [
            {"year": 2019, "start_date": "2019-09-15", "end_date": "2019-09-10"}
        ]
        records[1]["latitude"] = 123

    _edit(seed / "festivals.yaml", break_second_festival)
    slug = yaml.safe_load((seed / "festivals.yaml").read_text())[1]["slug"]

    with pytest.raises(SeedRefused) as refused:
        load_seed(seed)
    problems = [str(p) for p in refused.value.problems]
    assert any(
        p.startswith(f"festivals.yaml, record 2 ({slug}), field editions.0.end_date")
        for p in problems
    ), problems
    assert any("field latitude" in p for p in problems), problems
    assert _counts()["Country"] == 0 and _counts()["Festival"] == 0


def test_an_unknown_reference_and_an_unknown_key_are_refused(app, tmp_path):
    seed = _copy_seed(tmp_path)

    def break_events(records):
        records[0]["organizations"][0]["organization"] = "no-such-organization"
        records[0]["colour"] = "red"

    _edit(seed / "events.yaml", break_events)
    with pytest.raises(SeedRefused) as refused:
        load_seed(seed)
    text = "\n".join(str(p) for p in refused.value.problems)
    assert "field colour: Unknown field." in text
    assert _counts()["Organization"] == 0


def test_invalid_yaml_is_refused_by_the_cli(runner, tmp_path, app):
    seed = _copy_seed(tmp_path)
    (seed / "countries.yaml").write_text("- code: UZ\n  name: {en: [unclosed\n")
    app.config["SEED_DIR"] = str(seed)
    result = runner.invoke(args=["seed"])
    assert result.exit_code != 0
    assert "countries.yaml: not valid YAML" in result.output
    assert "nothing was loaded" in result.output
    assert _counts()["Country"] == 0
