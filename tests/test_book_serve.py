"""book/serve.py: the local server for tests, PDFs and the benchmark."""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path

from book import serve


def test_serves_files_and_gzips_text_on_request(tmp_path):
    (tmp_path / "index.html").write_text("<p>" + "book " * 200 + "</p>", encoding="utf-8")
    with serve.serve(tmp_path, gzip=True) as base:
        plain = urllib.request.urlopen(base).read()
        asked = urllib.request.Request(base, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(asked) as answer:
            assert answer.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(answer.read()) == plain
    assert plain.startswith(b"<p>book ")


def _error_output(capsys, error: Exception) -> str:
    httpd = serve.start(Path("."), 0)
    try:
        try:
            raise error
        except Exception:  # noqa: BLE001 - handle_error is called from inside an except block
            httpd.handle_error(None, ("127.0.0.1", 1))
    finally:
        httpd.shutdown()
        httpd.server_close()
    return capsys.readouterr().err


def test_a_client_that_hangs_up_prints_nothing_other_errors_print(capsys):
    assert _error_output(capsys, BrokenPipeError(32, "Broken pipe")) == ""
    assert _error_output(capsys, ConnectionResetError(104, "reset")) == ""
    assert "ValueError: a real fault" in _error_output(capsys, ValueError("a real fault"))
