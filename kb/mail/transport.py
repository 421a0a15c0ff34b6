"""Where e-mails go: `.eml` files in the instance's outbox/ folder, or an SMTP server."""

from __future__ import annotations

import os
import smtplib
import tempfile
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit


def send_file(message: EmailMessage, folder: str, name: str) -> None:
    """Write the message as `<name>.eml`, atomically (a reader never sees half a file)."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target, prefix=".tmp-", suffix=".eml")
    with os.fdopen(fd, "wb") as f:
        f.write(bytes(message))
    os.replace(tmp, target / f"{name}.eml")


def send_smtp(message: EmailMessage, url: str, timeout: float = 15) -> None:
    """Send through `smtp://[user:password@]host:port` (or `smtps://` for TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(f"KB_MAIL_URL must start with smtp:// or smtps://, not {parts.scheme}://")
    client_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    default_port = 465 if parts.scheme == "smtps" else 25
    with client_class(parts.hostname, parts.port or default_port, timeout=timeout) as client:
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
