"""Benchmark (not a test): pages per second under gunicorn, against the static floor.

    .venv/bin/python bench/http.py                 # 10 s per page type
    .venv/bin/python bench/http.py --short         # CI's smoke run: 1 s each
    .venv/bin/python bench/http.py --rows "search page, new" "api: search, new"

Sets up a throw-away instance (SQLite, migrated, seeded, indexed) in a temporary
directory, starts gunicorn over it with gunicorn.conf.py (`--workers`, 2 by default, as
production does), and drives each page type in turn with `--connections` concurrent
clients for `--duration` seconds. Prints per page type: requests per second, p50 and
p99 latency, and the ratio of its rate to the static file's rate measured in the same
run (the floor: what the stack itself costs, gunicorn and Flask with no page work);
then each worker's RSS and USS (unique memory, what a worker would give back if it
stopped) read from /proc after the run. The floor is measured again after every page
type (`--floor each`, the default) and each page's ratio is to the mean of the two
floors around it: on a shared machine the load changes during a run, and a floor
measured only first made the rows' ratios differ by the load of their moment more than
by their pages (`--floor start` measures it once, first, in half the time). Each row
also gives the workers' CPU time per request (/proc/PID/stat) and the floor's over it
(`cpu /floor`): a loaded machine slows requests but hardly changes the CPU each uses,
so that ratio is what the rate's would be on a quiet machine, and steadier.

The load generator is wrk when it is installed (`apt-get install wrk`): written in C
and event-driven, it takes little of the CPUs it shares with the server, so the floor
is the server's. Without it, a Python generator (one process per connection, a new
connection per request as gunicorn's sync workers close them) is used instead; it
needs a good part of a CPU itself, which lowers every rate, the floor most of all, so
its ratios flatter the pages. The table says which one ran. Every run finishes:
requests time out, gunicorn is stopped at the end whatever happened.
"""

from __future__ import annotations

import os
import sys

# This file is named http.py: run as a script, its folder comes first on the path and
# would hide the standard library's http package from everything imported below.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import contextlib  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import multiprocessing as mp  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KB = str(Path(sys.executable).with_name("kb"))
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]

#: (label, path); the static file's address (with its hash) is found on the home page.
PAGES = [
    ("home", "/en/"),
    ("list: elements", "/en/elements/"),
    ("element", "/en/elements/nowruz"),
    ("element, 304", "/en/elements/nowruz"),
    ("event", "/en/events/2020-silk-roads-ich-webinar"),
    ("search page", "/en/search?q=festival"),
    ("search page, new", "/en/search?q={query}"),
    ("api: search", "/api/v1/search?q=silk"),
    ("api: search, new", "/api/v1/search?q={query}"),
    ("api: element", "/api/v1/elements/nowruz"),
    ("api: elements", "/api/v1/elements"),
]

#: Rows whose path has `{query}` ask a new address every request: the queries of
#: bench/relevance.py's tuning cases in turn, each with a request number, so that no
#: request finds an answer kept by an earlier one (kb/searchcache.py) and the row shows
#: what rendering a search costs.
WRK_CYCLE = """
local paths = {%s}
local threads = 0
local i = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end
request = function()
  i = i + 1
  return wrk.format(nil, paths[i %% #paths + 1] .. "&n=" .. id .. "-" .. i)
end
"""


def queries() -> list[str]:
    """The tuning cases' queries, every language in turn, URL-quoted."""
    from urllib.parse import quote

    sys.path.insert(0, str(ROOT))
    from tests.relevance_cases import CASES

    lists = [[quote(q) for q, _ in cases] for cases in CASES.values()]
    return [q for group in zip(*lists, strict=False) for q in group]


WRK_SCRIPT = """
%s
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format('BENCH {"requests": %%d, "seconds": %%f, "p50": %%f, "p99": %%f, '
    .. '"errors": %%d}\\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(instance: Path, port: int) -> dict:
    """Migrate, seed and index a new instance; the environment to serve it."""
    env = {
        **os.environ,
        "KB_INSTANCE_PATH": str(instance),
        "KB_SECRET_KEY": "bench-" + "x" * 40,
        "KB_BASE_URL": f"http://127.0.0.1:{port}",
        "KB_BIND": f"127.0.0.1:{port}",
        # This checkout's kb, even when the venv's editable install points at another one
        # (a worktree sharing a venv): `kb` below and gunicorn import the code measured.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    for name in ("KB_DATABASE_URL", "KB_MAIL_URL", "KB_INDEX_DIR"):
        env.pop(name, None)
    for args in (("db", "upgrade"), ("seed",), ("search", "reindex")):
        subprocess.run([KB, *args], env=env, check=True, timeout=600, capture_output=True)
    return env


def get(port: int, path: str, headers: dict | None = None, timeout: float = 10):
    """(status, headers, body) of one request, or None if it failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except OSError:
        return None
    finally:
        conn.close()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def workers_of(master: int) -> list[int]:
    """The pids of gunicorn's workers (the master's children)."""
    found = []
    for task in Path(f"/proc/{master}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and USS of a process in MiB (/proc/PID/smaps_rollup)."""
    fields = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            match = re.match(r"(\w+):\s+(\d+) kB", line)
            if match:
                fields[match[1]] = int(match[2]) / 1024
    uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return {"rss": fields.get("Rss", 0), "pss": fields.get("Pss", 0), "uss": uss}


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used (/proc/PID/stat), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _client(args) -> tuple[list[float], int]:
    port, path, headers, until, timeout = args
    times, errors = [], 0
    cycle = queries() if "{query}" in path else []
    while time.monotonic() < until:
        start = time.perf_counter()
        at = path
        if cycle:  # a new address every request (see WRK_CYCLE)
            at = path.format(query=cycle[len(times) % len(cycle)]) + f"&n={os.getpid()}-{start}"
        result = get(port, at, headers, timeout)
        if result is None or result[0] >= 400:
            errors += 1
        else:
            times.append((time.perf_counter() - start) * 1000)
    return times, errors


def run_python(port: int, path: str, headers: dict, args) -> dict:
    until = time.monotonic() + args.duration
    jobs = [(port, path, headers, until, args.timeout)] * args.connections
    started = time.monotonic()
    with mp.get_context("fork").Pool(args.connections) as pool:
        results = pool.map(_client, jobs)
    seconds = time.monotonic() - started
    times = [t for ts, _ in results for t in ts]
    return {
        "requests": len(times),
        "seconds": seconds,
        "p50": pct(times, 50),
        "p99": pct(times, 99),
        "errors": sum(e for _, e in results),
    }


def run_wrk(port: int, path: str, headers: dict, args, scratch: Path) -> dict:
    lines = "\n".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
    script = scratch / "report.lua"
    if "{query}" in path:
        paths = ", ".join(json.dumps(path.format(query=q)) for q in queries())
        lines += WRK_CYCLE % paths
        path = path.format(query="")
    script.write_text(WRK_SCRIPT % lines)
    threads = max(1, min(2, args.connections))
    command = ["wrk", f"-t{threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    command += [f"--timeout={args.timeout}s", "-s", str(script), f"http://127.0.0.1:{port}{path}"]
    try:
        out = subprocess.run(
            command, capture_output=True, text=True, timeout=args.duration + args.timeout + 30
        ).stdout
    except subprocess.TimeoutExpired:
        out = ""
    match = re.search(r"^BENCH (\{.*\})$", out, re.M)
    if not match:
        return {"requests": 0, "seconds": args.duration, "p50": 0, "p99": 0, "errors": 1}
    return json.loads(match[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page type")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--timeout", type=float, default=10, help="seconds per request")
    parser.add_argument(
        "--generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="wrk when installed (auto), or the Python one",
    )
    parser.add_argument(
        "--short", action="store_true", help="CI's smoke run: 1 s per page type, 2 clients"
    )
    parser.add_argument(
        "--floor",
        choices=("each", "start"),
        default="each",
        help="measure the static file again after every page type (each; a page's ratio is "
        "to the mean of the floors around it) or once, first (start)",
    )
    parser.add_argument(
        "--start-timeout", type=float, default=120, help="seconds gunicorn may take to start"
    )
    parser.add_argument(
        "--rows",
        nargs="+",
        metavar="LABEL",
        choices=[label for label, _ in PAGES],
        help="only these page types (their labels, quoted), besides the floor; all by default",
    )
    args = parser.parse_args()
    if args.short:
        args.duration, args.connections = 1, 2
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"

    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        print("preparing an instance (migrate, seed, index)…", flush=True)
        env = prepare(Path(tmp) / "instance", port)
        env["KB_WEB_WORKERS"] = str(args.workers)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        server = subprocess.Popen([*GUNICORN, "kb:create_app()"], env=env, cwd=ROOT, **quiet)
        rows, mem, failed = [], [], False
        floors: list[dict] = []
        try:
            deadline = time.monotonic() + args.start_timeout
            while (home := get(port, "/en/")) is None or home[0] != 200:
                if time.monotonic() > deadline or server.poll() is not None:
                    print(f"gunicorn did not serve /en/ within {args.start_timeout:.0f} s")
                    return 1
                time.sleep(0.3)
            static = re.search(rb'"(/static/css/site\.css\?v=[0-9a-f]+)"', home[2])
            pages = [("static (floor)", static[1].decode() if static else "/static/css/site.css")]
            pages += [(label, path) for label, path in PAGES if label in (args.rows or [label])]
            start_mem = [memory(pid) for pid in workers_of(server.pid)]

            def drive(label: str, path: str) -> dict:
                headers = {}
                if label.endswith("304"):
                    first = get(port, path)
                    headers = {"If-None-Match": (first[1] if first else {}).get("ETag", "")}
                for _ in range(3):  # warm: templates compiled, searcher open, in every worker
                    get(port, path.format(query="warm"), headers)
                print(f"  {label}…", flush=True)
                pids = workers_of(server.pid)
                before = cpu_seconds(pids)
                if generator == "wrk":
                    result = run_wrk(port, path, headers, args, Path(tmp))
                else:
                    result = run_python(port, path, headers, args)
                used = cpu_seconds(pids) - before
                result["cpu_ms"] = used * 1000 / result["requests"] if result["requests"] else 0
                return result

            floor_label, floor_path = pages[0]
            for label, path in pages:
                rows.append((label, path, drive(label, path)))
                if args.floor == "each":  # the floor again after every page type
                    floors.append(drive(floor_label, floor_path))
            mem = [(pid, memory(pid)) for pid in workers_of(server.pid)]
        finally:
            stop(server)

    def rate(r: dict) -> float:
        return r["requests"] / max(r["seconds"], 1e-9)

    # Each page type's ratio is to the floor measured around it (`--floor each`: the mean
    # of the static file's rate just before and just after it), so that a change in the
    # shared machine's load during the run moves a page and its floor together.
    # The workers' CPU time per request is the other figure that the load moves little
    # (a busy machine slows a request, it does not make it use more CPU): `cpu /floor` is
    # the floor's CPU per request over the page's, what the ratio would be if the
    # workers had the CPUs to themselves.
    if args.floor == "each" and len(floors) == len(rows):
        around = [(rate(floors[i - 1]) + rate(floors[i])) / 2 for i in range(1, len(rows))]
        around.insert(0, rate(rows[0][2]))
        cpus = [(floors[i - 1]["cpu_ms"] + floors[i]["cpu_ms"]) / 2 for i in range(1, len(rows))]
        cpus.insert(0, rows[0][2]["cpu_ms"])
    else:
        around = [rate(rows[0][2])] * len(rows)
        cpus = [rows[0][2]["cpu_ms"]] * len(rows)
    print(
        f"\n{args.workers} gunicorn workers, {args.connections} connections, "
        f"{args.duration} s per row, load generator: {generator}, floor: {args.floor}"
    )
    print(
        f"{'page type':<16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
        f" {'floor':>7} {'/floor':>7} {'cpu ms':>7} {'cpu /floor':>10}"
    )
    ratios = []
    for (label, _path, r), floor, floor_cpu in zip(rows, around, cpus, strict=True):
        failed |= r["errors"] > 0 or r["requests"] == 0
        ratio = rate(r) / floor if floor else float("nan")
        by_cpu = floor_cpu / r["cpu_ms"] if r["cpu_ms"] else float("nan")
        ratios.append((ratio, label))
        print(
            f"{label:<16} {rate(r):>8.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['errors']:>7}"
            f" {floor:>7.0f} {ratio:>7.2f} {r['cpu_ms']:>7.2f} {by_cpu:>10.2f}"
        )
    for r in floors:
        failed |= r["errors"] > 0 or r["requests"] == 0
    if floors:
        rates = [rate(r) for r in [rows[0][2], *floors]]
        print(f"floor over the run: {min(rates):.0f} to {max(rates):.0f} req/s")
    if ratios[1:]:
        slowest = min(ratios[1:])
        print(f"\nslowest page type: {slowest[1]} at {slowest[0]:.2f} of the floor (goal: 0.25)")
    print(f"\n{'worker':<8} {'RSS MiB':>8} {'PSS MiB':>8} {'USS MiB':>8}   (after start: USS)")
    for n, (pid, m) in enumerate(mem):
        before = start_mem[n]["uss"] if n < len(start_mem) else float("nan")
        print(f"{pid:<8} {m['rss']:>8.1f} {m['pss']:>8.1f} {m['uss']:>8.1f}   ({before:.1f})")
    if not mem:
        print("(no worker memory or CPU read: /proc not available)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
