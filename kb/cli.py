"""The `kb` command group: Flask's commands over the factory, plus the project's own."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup

from kb.catalog import CATALOG, LOAD_ORDER
from kb.extensions import db
from kb.models import ROLES
from kb.search.cli import search_group
from kb.services.common import ServiceError


def _create_app() -> Flask:
    from kb import create_app
    from kb.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:  # a missing setting: say which, not a traceback
        raise click.ClickException(str(exc)) from None


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


users = AppGroup("users", help="Accounts and API tokens.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option(
    "--organization",
    metavar="SLUG",
    help="The organization the account acts for (granted: confirmed by you, the admin).",
)
@click.option("--name", help="The person's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(email, role, organization, name, password_stdin):
    """Create an account (the password is asked for, or read with --password-stdin)."""
    from kb.services.accounts import create_account

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        account = create_account(
            email,
            role=role,
            password=password,
            organization=organization,
            name=name,
            confirmed=True,
        )
    except ServiceError as exc:
        raise click.ClickException(f"{exc.field}: {exc.message}") from exc
    if role != "member":  # every grant is logged; an admin's command line is its author
        from kb.services.roles import log

        log(account, role, "granted", process="cli", reason="kb users create")
    db.session.commit()
    click.echo(f"created {account.email} ({role})")


@users.command("affiliate")
@click.argument("email")
@click.argument("slug")
def users_affiliate(email, slug):
    """Confirm that the account acts for the organization SLUG (an admin's grant)."""
    from kb.models import Organization
    from kb.services.accounts import find_account
    from kb.services.affiliations import grant
    from kb.services.common import by_slug

    try:
        account = find_account(email)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    if account is None:
        raise click.ClickException(f"no account has the e-mail address {email}")
    organization = by_slug(Organization, slug)
    if organization is None:
        raise click.ClickException(f"no organization has the slug {slug}")
    grant(account, organization, granted_by="admin")
    db.session.commit()
    click.echo(f"{account.email} acts for {organization.slug}")


def _account_or_fail(email: str):
    from kb.services.accounts import find_account

    try:
        account = find_account(email)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    if account is None:
        raise click.ClickException(f"no account has the e-mail address {email}")
    return account


@users.command("token")
@click.argument("email")
@click.option("--name", help="What the token is for (shown on the account page).")
@click.option(
    "--expires-in",
    "days",
    type=click.IntRange(1, 3650),
    metavar="DAYS",
    help="The token stops working after this many days (default: never).",
)
def users_token(email, name, days):
    """Print a new API token for the account (only its hash is stored)."""
    from kb.services.accounts import issue_token

    account = _account_or_fail(email)
    try:
        token = issue_token(account, name=name, expires_in_days=days)
    except ServiceError as exc:
        raise click.ClickException(f"{exc.field}: {exc.message}") from exc
    db.session.commit()
    click.echo(token)


@users.command("revoke-tokens")
@click.argument("email")
def users_revoke_tokens(email):
    """Revoke every API token of the account."""
    from kb.services.accounts import revoke_tokens

    count = revoke_tokens(_account_or_fail(email))
    db.session.commit()
    click.echo(f"{count} tokens revoked")


@users.command("deactivate")
@click.argument("email")
def users_deactivate(email):
    """The account can no longer log in; its sessions end and its tokens are revoked."""
    from kb.services.accounts import deactivate

    account = _account_or_fail(email)
    deactivate(account)
    db.session.commit()
    click.echo(f"deactivated {account.email}")


@users.command("activate")
@click.argument("email")
def users_activate(email):
    """Let a deactivated account log in again (its old sessions and tokens stay ended)."""
    from kb.services.accounts import reactivate

    account = _account_or_fail(email)
    reactivate(account)
    db.session.commit()
    click.echo(f"activated {account.email}")


mail_group = AppGroup("mail", help="The outbox.")


@mail_group.command("deliver")
def mail_deliver():
    """Deliver queued e-mails that are due (run it every minute or so)."""
    from kb.mail import deliver_due

    sent, waiting = deliver_due()
    click.echo(f"{sent} sent, {waiting} waiting for a retry")


events_group = AppGroup("events", help="Network events.")


@events_group.command("send-links")
@click.option("--event", "slug", metavar="SLUG", help="Only this event (whenever it starts).")
@click.option(
    "--within",
    type=float,
    metavar="HOURS",
    help="Events starting within this many hours (default: EVENT_LINKS_WINDOW_HOURS, 24).",
)
def events_send_links(slug, within):
    """E-mail joining links to registrants of events starting soon, and changed links.

    Each registrant gets each version of an event's links once.
    """
    from kb.mail import deliver_due
    from kb.services.links import queue_links

    try:
        report = queue_links(slug=slug, within_hours=within)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    for name in report.without_links:
        click.echo(f"{name}: no joining link set, nothing sent", err=True)
    sent, waiting = deliver_due()
    click.echo(
        f"{report.queued} links e-mails queued for {len(report.events)} events; "
        f"{sent} sent, {waiting} waiting for a retry"
        + (f"; {report.replaced} of those queued replace earlier links" if report.replaced else "")
    )


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every task once, then exit.")
@click.option(
    "--task",
    "tasks",
    multiple=True,
    type=click.Choice(["mail", "search", "merge", "links"]),
    help="Only this task (repeatable).",
)
def worker_command(once, tasks):
    """Deliver mail, keep this host's search index in step, run send-links; until stopped."""
    import logging

    from kb.worker import TASKS, Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    worker = Worker(
        current_app._get_current_object(), [t for t in TASKS if t.name in tasks or not tasks]
    )
    if once:
        for name, result in worker.step().items():
            click.echo(f"{name}: {result['error'] or result['did']}")
        return
    worker.run()


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False))
def backup_command(dest):
    """Back up the database, the secret key, pictures and mail files into DEST (a new folder)."""
    from kb.backup import BackupError, backup

    try:
        manifest = backup(dest)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(manifest["counts"].values())
    files = ", ".join(manifest["files"]) or "no files"
    click.echo(f"{manifest['database']} database ({rows} rows) and {files} written to {dest}")


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False))
def restore_command(src):
    """Restore a backup into this empty instance, then rebuild the search index from it."""
    from kb.backup import BackupError, restore

    try:
        report = restore(src)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(report["counts"].values())
    click.echo(f"{rows} rows restored and checked; search index {report['indexed']} built")


#: The record types, as `--type` names them (in the order they load).
TYPE_NAMES = [rt.name for rt in LOAD_ORDER]


@click.command("export")
@click.argument("dest", type=click.Path(file_okay=False))
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(TYPE_NAMES),
    help="Only this record type (repeatable); every type by default.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["csv", "json"]),
    help="Only this format (repeatable); both by default.",
)
def export_command(dest, types, formats):
    """Write the public records to DEST/<type>.csv and DEST/<type>.json (all languages)."""
    from pathlib import Path

    from kb.services.transfer import FORMATS, export_bytes

    folder = Path(dest)
    folder.mkdir(parents=True, exist_ok=True)
    for rt in LOAD_ORDER:
        if types and rt.name not in types:
            continue
        for fmt in formats or FORMATS:
            path = folder / f"{rt.name}.{fmt}"
            body = export_bytes(rt, fmt)
            path.write_bytes(body)
            click.echo(f"{path}: {len(body)} bytes")


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--type",
    "type_name",
    type=click.Choice(TYPE_NAMES),
    help="The record type of the files (else taken from each file's name, e.g. elements.csv).",
)
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
def import_command(files, type_name, dry_run):
    """Create or update records from CSV or JSON FILES, all or nothing (see the README)."""
    from pathlib import Path

    from kb.services import transfer

    batches = []
    for name in files:
        path = Path(name)
        rt = CATALOG.get(type_name or path.stem)
        if rt is None:
            raise click.ClickException(
                f"{path.name}: name the record type with --type (or name the file <type>.csv)"
            )
        batches.append(transfer.read_batch(rt, path.name, path.read_bytes()))
    # Each type after the types its records link to, whatever order the files came in.
    batches.sort(key=lambda b: LOAD_ORDER.index(b.record_type))
    total = sum(len(b.records) for b in batches)
    try:
        with click.progressbar(length=total, label="importing", file=sys.stderr) as bar:
            reports = transfer.import_batches(batches, dry_run=dry_run, progress=bar.update)
    except transfer.ImportRefused as exc:
        _print_reports(exc.reports)
        for problem in exc.problems:
            click.echo(f"refused: {problem}", err=True)
        raise click.ClickException("nothing was imported; fix the files and run again") from exc
    _print_reports(reports)
    click.echo("dry run: nothing was written" if dry_run else "imported")


def _print_reports(reports) -> None:
    for name, report in reports.items():
        click.echo(
            f"{name:<24} {len(report.created):>5} created {len(report.updated):>5} updated "
            f"{len(report.unchanged):>5} unchanged {len(report.refused):>5} refused"
        )
        for verb, idents in (("create", report.created), ("update", report.updated)):
            if idents:
                click.echo(f"  {verb}: " + ", ".join(idents))


def init_app(app: Flask) -> None:
    """Attach the project's commands to the app's CLI."""
    app.cli.add_command(seed_command)
    app.cli.add_command(users)
    app.cli.add_command(mail_group)
    app.cli.add_command(events_group)
    app.cli.add_command(search_group)
    app.cli.add_command(worker_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)


def main() -> None:
    """Entry point of the `kb` console script."""
    cli = FlaskGroup(create_app=_create_app, help="Silk Roads ICH Network knowledge base.")
    cli.main(prog_name="kb")
