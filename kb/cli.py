"""The `kb` command group: Flask's commands over the factory, plus the project's own."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup


def _create_app() -> Flask:
    from kb import create_app

    return create_app()


@click.command("seed")
def seed_command() -> None:
    """Load seed_data/ (idempotent: running it twice changes nothing)."""
    from kb.seed import SeedRefused, load_seed

    try:
        reports = load_seed(current_app.config["SEED_DIR"])
    except SeedRefused as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException("nothing was loaded; fix the seed files and run again") from exc
    for name, report in reports.items():
        click.echo(
            f"{name:<20} {report.created:>4} created {report.updated:>4} updated "
            f"{report.unchanged:>4} unchanged"
        )


def init_app(app: Flask) -> None:
    """Attach the project's commands to the app's CLI."""
    app.cli.add_command(seed_command)


def main() -> None:
    """Entry point of the `kb` console script."""
    cli = FlaskGroup(create_app=_create_app, help="Silk Roads ICH Network knowledge base.")
    cli.main(prog_name="kb")
