"""deploy/: the systemd units pass systemd's own check, and the nginx site runs as described.

nginx serves the checkout's static files (a year's cache for hashed addresses, an hour
for others, gzip) and passes the rest to the app with X-Forwarded-*; each test is
skipped, saying why, where nginx or systemd-analyze is not installed.
"""

from __future__ import annotations

import gzip
import http.server
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from kb.config import ROOT

DEPLOY = ROOT / "deploy"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("unit", ["kb-web.service", "kb-worker.service"])
def test_systemd_units_pass_systemd_analyze(tmp_path, unit):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    text = (DEPLOY / unit).read_text()
    env = tmp_path / "kb.env"
    env.write_text((DEPLOY / "kb.env.example").read_text())
    # This checkout stands for /srv/kb, and the running user for kb.
    local = (
        text.replace("/srv/kb", str(ROOT))
        .replace("/etc/kb/kb.env", str(env))
        .replace("User=kb", f"User={os.getuid()}")
        .replace("Group=kb", f"Group={os.getgid()}")
    )
    assert local != text
    (tmp_path / unit).write_text(local)
    result = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / unit)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    # The commands they run exist in a checkout after `make install-runtime`.
    for line in re.findall(r"^Exec\w+=(\S+)", local, re.M):
        assert Path(line).exists() or line.startswith("/bin/"), line


def test_the_units_read_the_same_settings_and_the_example_names_the_required_ones():
    web = (DEPLOY / "kb-web.service").read_text()
    worker = (DEPLOY / "kb-worker.service").read_text()
    env_line = "EnvironmentFile=/etc/kb/kb.env"
    assert env_line in web and env_line in worker  # one instance folder, one database
    example = (DEPLOY / "kb.env.example").read_text()
    for name in ("KB_SECRET_KEY", "KB_BASE_URL", "KB_DATABASE_URL", "KB_TRUSTED_PROXIES"):
        assert re.search(rf"^{name}=", example, re.M), name
    # The wake-up socket is per network namespace: the two must share the host's.
    assert not re.search(r"^PrivateNetwork=", web + worker, re.M)


class _Echo(http.server.BaseHTTPRequestHandler):
    """Stands for gunicorn: answers with the headers it was sent."""

    seen: list[dict] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        _Echo.seen.append(dict(self.headers))
        body = b"from the app"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nginx(tmp_path):
    """deploy/nginx-kb.conf running on free ports, with a self-signed certificate."""
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if not binary:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed (needed for a test certificate)")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=kb.example.org", "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    http_port, https_port = _free_port(), _free_port()
    site = (DEPLOY / "nginx-kb.conf").read_text()
    local = (
        site.replace("127.0.0.1:8000", f"127.0.0.1:{app.server_address[1]}")
        .replace("/etc/letsencrypt/live/kb.example.org/fullchain.pem", str(tmp_path / "cert.pem"))
        .replace("/etc/letsencrypt/live/kb.example.org/privkey.pem", str(tmp_path / "key.pem"))
        .replace("/srv/kb/static/", f"{ROOT / 'static'}/")
        .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    )
    local = "\n".join(line for line in local.splitlines() if "listen [::]" not in line)
    (tmp_path / "site.conf").write_text(local)
    mime = "/etc/nginx/mime.types" if Path("/etc/nginx/mime.types").exists() else None
    (tmp_path / "nginx.conf").write_text(
        ("user root;\n" if os.getuid() == 0 else "")
        + f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        + "events {}\nhttp {\n"
        + (f"  include {mime};\n" if mime else "")
        + f"  access_log {tmp_path}/access.log;\n"
        + "".join(
            f"  {name}_temp_path {tmp_path}/{name};\n"
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {tmp_path}/site.conf;\n}}\n"
    )
    command = [binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    proc = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    _Echo.seen = []
    yield http_port, https_port
    proc.terminate()
    proc.wait(10)
    app.shutdown()


def _get(url: str, headers: dict | None = None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url, headers=headers or {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect())
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, exc.read()


def test_nginx_serves_static_files_with_long_cache_and_gzip(nginx):
    _, https_port = nginx
    base = f"https://127.0.0.1:{https_port}"
    css = (ROOT / "static" / "css" / "site.css").read_bytes()

    status, headers, body = _get(f"{base}/static/css/site.css?v=0123456789ab")
    assert status == 200 and body == css
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    status, headers, _ = _get(f"{base}/static/css/site.css")
    assert headers["Cache-Control"] == "public, max-age=3600"  # no hash: not for long

    status, headers, body = _get(
        f"{base}/static/css/site.css?v=0123456789ab", {"Accept-Encoding": "gzip"}
    )
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == css
    assert _get(f"{base}/static/nothing-here.css")[0] == 404
    assert _Echo.seen == []  # none of it reached the app


def test_nginx_redirects_to_https_and_passes_forwarded_headers(nginx):
    http_port, https_port = nginx
    status, headers, _ = _get(f"http://127.0.0.1:{http_port}/en/events/?page=2")
    assert status == 301
    assert headers["Location"] == "https://127.0.0.1/en/events/?page=2"

    status, _, body = _get(
        f"https://127.0.0.1:{https_port}/en/", {"X-Forwarded-For": "203.0.113.9"}
    )
    assert status == 200 and body == b"from the app"
    sent = {k.lower(): v for k, v in _Echo.seen[-1].items()}
    assert sent["x-forwarded-proto"] == "https"
    assert sent["x-forwarded-for"] == "127.0.0.1"  # what nginx saw, not what was claimed
    assert sent["x-forwarded-host"] == "127.0.0.1"
    assert sent["host"] == "127.0.0.1"
