"""What `kb worker` runs. Each task does one round in an app context and says what it did.

- `mail` delivers due outbox messages (`kb.mail.deliver_due`), every
  `WORKER_MAIL_SECONDS` (10 s), and at once when a commit queued an e-mail;
- `search` applies the changes this host's index has not seen, every
  `WORKER_SEARCH_SECONDS` (1 s), and at once when a commit changed a searchable record;
- `merge` merges the index's small segments, every `WORKER_MERGE_SECONDS` (60 s);
- `links` queues the joining-links e-mails due (`kb events send-links`), every
  `WORKER_LINKS_SECONDS` (1 hour);
- `notices` queues the batched e-mails that tell moderators and coordinators what waits
  for them (at most one an hour each), every `WORKER_NOTICES_SECONDS` (5 minutes).

Tasks in one lane run one after the other in one thread: `search` and `merge` share a
lane (both write this host's index), `mail` has its own (a mail server that never
answers holds only it), and so does `links`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Task:
    """A named round of work, its lane (thread), and the setting of its interval."""

    name: str
    lane: str
    every: str
    run: Callable[[], str]


def deliver_mail() -> str:
    """Deliver the due outbox messages, a batch at a time."""
    from kb.mail import deliver_due

    sent, waiting = deliver_due(limit=current_app.config["WORKER_MAIL_BATCH"])
    return f"{sent} sent, {waiting} not sent"


def apply_search() -> str:
    """Bring this host's index up to the database, then merge if segments piled up."""
    from kb.search.queue import catch_up

    return catch_up()


def merge_index() -> str:
    """Merge the small segments of this host's index."""
    from kb.search.queue import merge

    return merge()


def send_links() -> str:
    """Queue the joining-links e-mails due: events starting within the window, changed links."""
    from kb.services.links import queue_links

    report = queue_links()
    return (
        f"{report.queued} queued ({report.replaced} replacing earlier links) "
        f"for {len(report.events)} events"
    )


def send_notices() -> str:
    """Queue the notices to moderators and coordinators that something waits for them."""
    from kb.services.waiting import send_notices as send

    return f"{send()} notices queued"


TASKS = (
    Task("mail", "mail", "WORKER_MAIL_SECONDS", deliver_mail),
    Task("search", "search", "WORKER_SEARCH_SECONDS", apply_search),
    Task("merge", "search", "WORKER_MERGE_SECONDS", merge_index),
    Task("links", "links", "WORKER_LINKS_SECONDS", send_links),
    Task("notices", "links", "WORKER_NOTICES_SECONDS", send_notices),
)
