"""bench/http.py's short mode, as a smoke run: it finishes and prints its table.

Its figures are not checked here (CI's machine is shared and its timings say little);
README "Performance" has the figures of a full run and how to read them.
"""

from __future__ import annotations

import subprocess
import sys

from kb.config import ROOT


def test_the_http_bench_runs_in_short_mode():
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "http.py"),
            "--short",
            "--generator",
            "python",
            "--floor",
            "start",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    for row in ("static (floor)", "home", "element, 304", "event", "search page", "api: element"):
        assert f"\n{row} " in out
    assert "slowest page type:" in out
    assert "USS MiB" in out
