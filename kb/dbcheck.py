"""`python -m kb.dbcheck URL`: exit 0 if a database answers at URL within 3 seconds."""

from __future__ import annotations

import sys

import sqlalchemy as sa


def answers(url: str) -> bool:
    """Whether a database answers at `url`."""
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception:  # any failure means "not available"
        return False
    return True


if __name__ == "__main__":
    sys.exit(0 if answers(sys.argv[1]) else 1)
