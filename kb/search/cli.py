"""`kb search status | reindex | sync`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

search_group = AppGroup("search", help="The search index.")

#: What each state of `kb.search.integrity` means, for `kb search status`.
STATES = {
    "ok": "it mirrors this database; the worker applies new changes",
    "missing": "no index: the worker rebuilds it from the database",
    "unmarked": "no marker says what it mirrors: the worker rebuilds it",
    "foreign": "it was built from another database: the worker rebuilds it",
    "stale": "changes it lacks were pruned from the log: the worker rebuilds it",
}


@search_group.command("status")
def status_command():
    """Whether the index mirrors this database; counts per type; what waits; the indexes."""
    from kb.search import status

    info = status()
    click.echo(f"index: {info['directory']} (generation {info['generation']})")
    click.echo(f"state: {info['state']} ({STATES[info['state']]})")
    click.echo(f"database: {info['database']}")
    if info["applied"] is not None:
        click.echo(
            f"log: applied through {info['applied']} (last {info['last']}, {info['gaps']} gaps);"
            f" newest {info['high']}, pruned through {info['pruned_through']}"
        )
    click.echo(f"{'type':<14} {'index':>7} {'database':>9}")
    for collection, count in info["records"].items():
        held = info["index"][collection]
        mark = "" if held == count else "  (differs)"
        click.echo(f"{collection:<14} {'-' if held is None else held:>7} {count:>9}{mark}")
    if info["queue"] is not None:
        oldest = f", oldest {info['oldest']:%Y-%m-%d %H:%M:%S} UTC" if info["oldest"] else ""
        click.echo(f"waiting: {info['queue']} changes{oldest}")
    for row in info["indexes"]:
        click.echo(
            f"registered: {row['host']} {row['directory']} applied {row['applied']},"
            f" seen {row['seen_at']:%Y-%m-%d %H:%M:%S} UTC"
        )
    if info["rebuilding"]:
        click.echo("a rebuild is running (or was killed: run `kb search reindex` again)")
    if info["state"] != "ok":
        raise SystemExit(1)


@search_group.command("reindex")
@click.option("--procs", default=1, show_default=True, help="Writer processes.")
def reindex_command(procs):
    """Rebuild the index from the database beside the old one, then swap it in."""
    from kb.search import reindex
    from kb.search.queue import count_records

    total = count_records()
    with click.progressbar(length=total, label="Indexing", show_pos=True) as bar:
        try:
            name = reindex(progress=bar, procs=procs)
        except BlockingIOError as exc:
            raise click.ClickException("another reindex is running") from exc
    click.echo(f"{total} records read; now serving {name}")


@search_group.command("sync")
def sync_command():
    """Apply waiting changes, then merge small segments (schedule it, like `kb mail deliver`)."""
    from flask import current_app

    from kb.search import IndexBusy, SearchUnavailable, holder, process
    from kb.search.writing import merge_small

    applied = waiting = 0
    try:
        while True:
            done, waiting = process()
            applied += done
            if not done or not waiting:
                break
        merged = merge_small(holder(), timeout=current_app.config["SEARCH_LOCK_TIMEOUT"])
    except IndexBusy as exc:
        raise click.ClickException(f"the index is busy ({exc}); {waiting} waiting") from exc
    except SearchUnavailable as exc:
        raise click.ClickException(f"{exc}: run `kb search reindex`, or let the worker") from exc
    click.echo(f"{applied} applied, {waiting} waiting; {merged} small segments merged")
