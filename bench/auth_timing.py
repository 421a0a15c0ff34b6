"""Timing of the account pages that must not tell whether an address has an account (not a
test): sign-up, password reset and resending the confirmation, each asked for a known and an
unknown address, alternately, through the app's own request handling.

    .venv/bin/python bench/auth_timing.py --rounds 40

Prints, per flow, the median time of a known and of an unknown address and their ratio
(1.00 is the goal; the work is the same, so what is left is noise). The app runs on a
fresh SQLite database in a temporary folder, CSRF and rate limits off, mail to a file
outbox that is thrown away; tests/test_constant_work.py checks the same thing by counting
hashes and queued e-mails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "cedar boats on the amu darya"
KNOWN = "known@example.org"


def _flows(round_no: int) -> dict[str, tuple[str, dict, dict]]:
    """Per flow: the URL and the form of a known and of an unknown address."""
    unknown = f"unknown{round_no}@example.org"
    signup = {"password": PASSWORD, "password_again": PASSWORD, "locale": "en"}
    return {
        "sign-up": (
            "/en/account/signup",
            {**signup, "email": KNOWN},
            {**signup, "email": unknown},
        ),
        "reset": ("/en/account/reset", {"email": KNOWN}, {"email": unknown}),
        "resend confirmation": (
            "/en/account/confirm",
            {"email": "waiting@example.org"},
            {"email": unknown},
        ),
    }


def main() -> None:
    from flask_migrate import upgrade

    from kb import create_app
    from kb.extensions import db
    from kb.services.accounts import create_account

    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--rounds", type=int, default=30, help="requests per address and flow")
    options = args.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "INSTANCE_PATH": tmp,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/kb.db",
                "BASE_URL": "http://127.0.0.1:5000",  # no mail leaves a bench
                "OUTBOX_DIR": f"{tmp}/outbox",
                "MAIL_URL": None,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            create_account(KNOWN, password=PASSWORD, confirmed=True)
            create_account("waiting@example.org", password=PASSWORD)
            db.session.commit()
        client = app.test_client()
        times: dict[str, dict[str, list[float]]] = {}
        for round_no in range(options.rounds + 1):
            for flow, (url, known, unknown) in _flows(round_no).items():
                # alternate which goes first, so drift in the machine's load hits both
                pairs = [("known", known), ("unknown", unknown)]
                for kind, data in pairs if round_no % 2 else reversed(pairs):
                    start = time.perf_counter()
                    response = client.post(url, data=data)
                    elapsed = time.perf_counter() - start
                    if response.status_code != 200:
                        raise SystemExit(f"{flow} ({kind}): HTTP {response.status_code}")
                    if round_no:  # the first round warms caches up and is not counted
                        times.setdefault(flow, {}).setdefault(kind, []).append(elapsed)
    print(f"{'flow':<22} {'known ms':>9} {'unknown ms':>11} {'ratio':>6}   ({options.rounds} each)")
    for flow, by_kind in times.items():
        known_ms = statistics.median(by_kind["known"]) * 1000
        unknown_ms = statistics.median(by_kind["unknown"]) * 1000
        print(f"{flow:<22} {known_ms:>9.1f} {unknown_ms:>11.1f} {known_ms / unknown_ms:>6.2f}")


if __name__ == "__main__":
    main()
