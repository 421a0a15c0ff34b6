"""What a web server's master process loads before it forks its workers.

With gunicorn's `preload_app` (gunicorn.conf.py), the app is created once in the master
and the workers are forked from it, so what the master has loaded is shared between
them copy-on-write instead of being loaded again by each: the Russian morphological
dictionary (pymorphy3, the largest), the compiled templates, the imported modules. It
must not leave open what a worker cannot share: database connections are closed here
(each worker opens its own), and the search index is opened by each worker on first
use, never in the master.
"""

from __future__ import annotations

import gc

from flask import Flask


def warm(app: Flask, freeze: bool = True) -> None:
    """Load what every worker needs and can share, then (`freeze`) keep it for the forks."""
    from kb.extensions import db
    from kb.search import analysis

    analysis.load_dictionaries()
    env = app.jinja_env
    for name in env.list_templates(filter_func=lambda n: n.endswith((".html", ".txt", ".xml"))):
        env.get_template(name)
    with app.app_context():
        db.engine.dispose()
    # Objects that exist now live as long as the process: keep the collector from
    # writing to them (which would copy their pages into every worker).
    if freeze:
        gc.collect()
        gc.freeze()
