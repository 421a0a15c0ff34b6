"""`kb search status | reindex | sync`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

search_group = AppGroup("search", help="The search index.")


@search_group.command("status")
def status_command():
    """Index and database counts per record type, and the queue."""
    from kb.search import status

    info = status()
    click.echo(f"index: {info['directory']} (generation {info['generation']})")
    click.echo(f"{'type':<14} {'index':>7} {'database':>9}")
    for collection, count in info["database"].items():
        mark = "" if info["index"][collection] == count else "  (differs)"
        click.echo(f"{collection:<14} {info['index'][collection]:>7} {count:>9}{mark}")
    oldest = f", oldest {info['oldest']:%Y-%m-%d %H:%M:%S} UTC" if info["oldest"] else ""
    click.echo(f"queue: {info['queue']} waiting{oldest}")
    if info["rebuilding"]:
        click.echo("a rebuild is running (or was killed: run `kb search reindex` again)")


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

    from kb.search import IndexBusy, holder, process
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
    click.echo(f"{applied} applied, {waiting} waiting; {merged} small segments merged")
