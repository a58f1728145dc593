"""The compose file's nginx: static files compressed on the way, pages never (BREACH).

The server block is read from docker-compose.yml as nginx gets it. Where an nginx binary is
installed (Debian's `nginx-light` will do), it is also started on that block in front of a small
HTTP server, and the answers are read as a phone's browser would ask for them.
"""

from __future__ import annotations

import gzip
import http.client
import http.server
import os
import re
import shutil
import socket
import subprocess
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.test_settings import ROOT

PAGE = ("<!doctype html><html><body>" + "党员 张伟 " * 400 + "</body></html>").encode()


def _server_block() -> str:
    """The `content: |` of the compose file's `nginx` config, as nginx reads it."""
    compose = (ROOT / "docker-compose.yml").read_text()
    found = re.search(r"^  nginx:\n    content: \|\n((?:      .*\n|\n)+)", compose, re.M)
    assert found, "docker-compose.yml has no nginx config content"
    return textwrap.dedent(found.group(1)).replace("$$", "$")  # compose's escape of $


def _locations(block: str) -> dict[str, str]:
    """Each `location PATH { ... }` of the block by path (no nested braces in ours)."""
    return dict(re.findall(r"location\s+(\S+)\s*\{([^}]*)\}", block))


def test_static_files_are_compressed_and_pages_are_not():
    block = _server_block()
    places = _locations(block)
    assert re.search(r"^\s*gzip on;", places["/static/"], re.M)
    assert "application/javascript" in places["/static/"]
    assert "gzip" not in places["/"]
    outside = re.sub(r"location\s+\S+\s*\{[^}]*\}", "", block)
    assert "gzip" not in outside  # no server-wide compression that pages would inherit


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


def _get(port: int, path: str) -> tuple[dict, bytes]:
    """GET as a browser that takes gzip: the headers and the body as sent."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        answer = conn.getresponse()
        assert answer.status == 200, answer.status
        return dict(answer.getheaders()), answer.read()
    finally:
        conn.close()


def test_nginx_compresses_a_script_and_passes_a_page_as_it_is(tmp_path: Path):
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )
    if nginx is None:
        pytest.skip("no nginx installed")
    static = tmp_path / "static"
    (static / "vendor").mkdir(parents=True)
    script = b"/* a chart library */\n" + b"function draw(a,b){return a+b;}\n" * 2000
    (static / "vendor" / "charts.js").write_bytes(script)

    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = _free_port()
    block = (
        _server_block()
        .replace("listen 80;", f"listen 127.0.0.1:{port};")
        .replace("/srv/static/", f"{static}/")
        .replace("http://web:8000", f"http://127.0.0.1:{upstream.server_address[1]}")
    )
    mime = "/etc/nginx/mime.types"
    types = f"include {mime};" if Path(mime).exists() else "types { application/javascript js; }"
    conf = tmp_path / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""  # its workers read the test's files
    conf.write_text(
        f"{user}daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ {types} access_log off;\n"
        f"client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path};\n{block}\n}}\n"
    )
    command = [nginx, "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")]
    server = subprocess.Popen(command)  # noqa: S603
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        headers, body = _get(port, "/static/vendor/charts.js")
        assert headers.get("Content-Encoding") == "gzip"
        assert "Accept-Encoding" in headers.get("Vary", "")
        assert gzip.decompress(body) == script
        assert len(body) < len(script) / 10

        headers, body = _get(port, "/members/")
        assert "Content-Encoding" not in headers
        assert body == PAGE
    finally:
        server.terminate()
        server.wait(timeout=10)
        upstream.shutdown()
