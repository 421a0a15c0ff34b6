"""The web master preloads the app and warms what workers share (gunicorn.conf.py)."""

from __future__ import annotations

from kb.config import ROOT
from kb.search import analysis
from kb.warm import warm


def test_gunicorn_preloads_the_app_unless_told_not_to(monkeypatch):
    settings: dict = {}
    monkeypatch.delenv("KB_WEB_PRELOAD", raising=False)
    exec((ROOT / "gunicorn.conf.py").read_text(), settings)
    assert settings["preload_app"] is True
    monkeypatch.setenv("KB_WEB_PRELOAD", "0")
    exec((ROOT / "gunicorn.conf.py").read_text(), settings)
    assert settings["preload_app"] is False


def test_warming_loads_the_dictionaries_and_templates_and_keeps_no_connection(app):
    from kb.extensions import db

    warm(app, freeze=False)
    assert analysis._morph is not None
    assert "records/event.html" in {key[1] for key in app.jinja_env.cache}
    assert db.engine.pool.checkedout() == 0
