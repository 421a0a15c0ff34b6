"""Silk Roads ICH Network knowledge base: the application factory."""

from __future__ import annotations

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Create the app. `config` overrides settings (tests pass paths and URLs here)."""
    from kb import (
        api,
        auth,
        cli,
        compress,
        edge,
        errors,
        i18n,
        resilience,
        search,
        security,
        uow,
        views,
    )
    from kb.config import load_config
    from kb.extensions import csrf, db, limiter, migrate

    settings = load_config(config)
    app = Flask(
        "kb",
        instance_path=settings["INSTANCE_PATH"],
        template_folder=settings["TEMPLATES_DIR"],
        static_folder=settings["STATIC_DIR"],
        static_url_path="/static",
    )
    app.config.update(settings)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind n proxies the client's address and scheme are the n-th from the right in
        # X-Forwarded-For/-Proto (rate limits count per client, cookies and HSTS follow
        # https). X-Forwarded-Host and -Prefix stay untrusted: links come from KB_BASE_URL.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_prefix=0)

    db.init_app(app)
    migrate.init_app(
        app, db, directory=app.config["MIGRATIONS_DIR"], render_as_batch=True, compare_type=True
    )
    edge.init_app(app)  # before any route: it bounds <int:…> and checks every request
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    uow.install()  # what commits set in motion: see kb/uow.py
    search.init_app(app)
    views.init_app(app)
    api.init_app(app)
    errors.init_app(app)
    resilience.init_app(app)
    security.init_app(app)
    compress.init_app(app)
    cli.init_app(app)
    return app
