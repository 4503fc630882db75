"""A quiet local HTTP server for a built site (tests, PDFs, benchmark), gzip on request (Lighthouse)."""

from __future__ import annotations

import contextlib
import functools
import gzip as gzip_lib
import http.server
import io
import sys
import threading
from collections.abc import Iterator
from pathlib import Path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the output clean
        pass


#: Text types sent gzip-compressed by ``_Gzip``, as a production server would.
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".mjs", ".map")


class _Gzip(_Quiet):
    """Static files, gzip-compressed when the client accepts it (text types only)."""

    def send_head(self):  # the stdlib's hook
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the stdlib's redirect to "…/"
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = _gzipped(str(path), path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    return gzip_lib.compress(Path(path).read_bytes(), compresslevel=6)


#: What a client's leaving mid-answer raises (a browser that navigates on before a file is sent).
CLIENT_LEFT = (BrokenPipeError, ConnectionResetError)


class _Server(http.server.ThreadingHTTPServer):
    """The stdlib's server, silent when a client hangs up; any other error is still printed."""

    def handle_error(self, request, client_address) -> None:  # the stdlib's hook, called in an except block
        if isinstance(sys.exc_info()[1], CLIENT_LEFT):
            return
        super().handle_error(request, client_address)


def start(site: Path, port: int = 0, gzip: bool = False) -> http.server.ThreadingHTTPServer:
    """Serve ``site`` on 127.0.0.1:``port`` (0: a free port) from a daemon thread; call ``shutdown()`` to stop.

    The folder is read at each request, so it may be built after the server starts. ``gzip``: text
    files are sent compressed to clients that accept it.
    """
    handler = functools.partial(_Gzip if gzip else _Quiet, directory=str(site))
    httpd = _Server(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@contextlib.contextmanager
def serve(site: Path, port: int = 0, gzip: bool = False) -> Iterator[str]:
    """Serve ``site`` while the block runs; yields the base URL, e.g. ``http://127.0.0.1:8765/``."""
    httpd = start(site, port, gzip)
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def free_port() -> int:
    """A TCP port of 127.0.0.1 that is free now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
