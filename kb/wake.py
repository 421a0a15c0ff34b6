"""Waking this host's worker when a commit leaves it work: one datagram, never a wait.

The worker listens on a Unix datagram socket in Linux's abstract namespace (no file to
clean up, no path-length limit), named after the instance folder, so the web processes
and the worker of one installation find each other and other installations on the same
machine do not. Sending never blocks and never fails the sender: with no worker
listening, or its buffer full, the datagram is dropped and the worker's next poll
(`KB_WORKER_*_SECONDS`) finds the work anyway. Where abstract sockets do not exist
(not Linux) there is no waking, only polling.
"""

from __future__ import annotations

import hashlib
import logging
import socket

from flask import current_app

log = logging.getLogger(__name__)
#: What a datagram can ask for: a task group of the worker.
TOPICS = ("mail", "search")
_sender: socket.socket | None = None


def address(instance_path: str) -> str:
    """The abstract socket address of the worker of the installation at `instance_path`."""
    digest = hashlib.sha256(instance_path.encode()).hexdigest()[:24]
    return f"\0kb-worker-{digest}"


def send(topic: str, instance_path: str | None = None) -> bool:
    """Ask the local worker to run `topic` now; False if nobody listens (that is fine)."""
    global _sender
    target = address(instance_path or current_app.config["INSTANCE_PATH"])
    try:
        if _sender is None:
            _sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            _sender.setblocking(False)
        _sender.sendto(topic.encode(), target)
        return True
    except OSError:  # no worker, a full buffer, or no abstract namespace here
        return False


def waker(topic: str):
    """An after-commit operation (see `kb.uow`) that wakes the worker for `topic`."""
    instance_path = current_app.config["INSTANCE_PATH"]
    return lambda: send(topic, instance_path)


def listen(instance_path: str) -> socket.socket | None:
    """The worker's receiving socket, or None if another worker of this installation has it."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        sock.bind(address(instance_path))
    except OSError as exc:
        sock.close()
        log.warning("worker: cannot listen for wake-ups (%s); polling only", exc)
        return None
    sock.setblocking(False)
    return sock


def drain(sock: socket.socket) -> set[str]:
    """Every topic waiting on the socket."""
    topics = set()
    while True:
        try:
            data = sock.recv(64)
        except (BlockingIOError, InterruptedError):
            return topics
        topics.add(data.decode(errors="replace"))
