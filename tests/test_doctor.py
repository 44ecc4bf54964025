"""`lumyx-migrate doctor`: `run_checks` against the Lumyx stand-in, the table, and the CLI command.

The CLI tests run `python -m codemod doctor` in a subprocess, always: a missing command fails
them, it never skips them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from standin import LumyxStandin

from codemod.doctor import Check, run_checks
from codemod.report.doctor import render_checks

KEY = "nova_test_0123456789abcdef"
NAMES = ["API key set", "API key prefix", "base URL", "models endpoint", "chat completion"]
REPO = Path(__file__).resolve().parent.parent
RunDoctor = Callable[..., "subprocess.CompletedProcess[str]"]


def dead_port() -> int:
    """A loopback port nothing listens on: bound, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def checks_for(server_url: str, **overrides: object) -> list[Check]:
    kwargs: dict[str, object] = {
        "api_key": KEY,
        "base_url": server_url,
        "model": "nova_1_1",
        "key_prefix": "nova_",
        "timeout": 5.0,
        "key_env": "LUMYX_API_KEY",
    }
    kwargs.update(overrides)
    return run_checks(**kwargs)


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def assert_clean_details(checks: list[Check], key: str = KEY) -> None:
    for check in checks:
        assert "\n" not in check.detail and "Traceback" not in check.detail
        assert key not in check.detail, f"{check.name} shows the key in full: {check.detail}"


# -- run_checks against the stand-in ------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_all_pass(lumyx_server: LumyxStandin, suffix: str) -> None:
    checks = checks_for(lumyx_server.url + suffix)
    assert [c.name for c in checks] == NAMES
    assert all(c.ok for c in checks), checks
    assert_clean_details(checks)
    assert by_name(checks)["API key set"].detail.startswith("nova…cdef")
    assert by_name(checks)["base URL"].detail == lumyx_server.url

    models, chat = lumyx_server.requests
    assert (models.method, models.path, models.status) == ("GET", "/v1/models", 200)
    assert (chat.method, chat.path, chat.status) == ("POST", "/v1/chat/completions", 200)
    assert chat.body["model"] == "nova_1_1" and chat.body["max_tokens"] == 1
    assert models.authorization == chat.authorization == f"Bearer {KEY}"


def test_no_chat_skips_the_completion(lumyx_server: LumyxStandin) -> None:
    checks = checks_for(lumyx_server.url, chat=False)
    assert [c.name for c in checks] == NAMES[:-1]
    assert all(c.ok for c in checks)
    assert [r.path for r in lumyx_server.requests] == ["/v1/models"]


def test_dead_port() -> None:
    port = dead_port()
    checks = checks_for(f"http://127.0.0.1:{port}/v1")
    checks_ok = by_name(checks)
    assert checks_ok["API key set"].ok and checks_ok["base URL"].ok
    assert not checks_ok["models endpoint"].ok
    assert "connection refused" in checks_ok["models endpoint"].detail
    assert f"127.0.0.1:{port}" in checks_ok["models endpoint"].detail
    assert not checks_ok["chat completion"].ok
    assert checks_ok["chat completion"].detail.startswith("skipped:")
    assert_clean_details(checks)


def test_wrong_key_prefix_is_never_sent(lumyx_server: LumyxStandin) -> None:
    key = "sk-must-not-leak-0123456789"
    checks = by_name(checks_for(lumyx_server.url, api_key=key))
    assert checks["API key set"].ok
    assert not checks["API key prefix"].ok
    assert (
        "nova_" in checks["API key prefix"].detail
        and "sk-m…6789" in checks["API key prefix"].detail
    )
    assert not checks["models endpoint"].ok and checks["models endpoint"].detail.startswith(
        "skipped:"
    )
    assert not checks["chat completion"].ok and checks["chat completion"].detail.startswith(
        "skipped:"
    )
    assert_clean_details(list(checks.values()), key)
    assert lumyx_server.requests == []


def test_key_rejected_by_the_server() -> None:
    # This server accepts only `nova_live_...` keys: our `nova_test...` key passes the prefix
    # check but is refused by the server.
    with LumyxStandin(key_prefix="nova_live_") as server:
        checks = by_name(checks_for(server.url))
        assert checks["API key prefix"].ok
        assert not checks["models endpoint"].ok
        detail = checks["models endpoint"].detail
        assert "HTTP 401" in detail and "Incorrect API key provided" in detail
        assert checks["chat completion"].detail == "skipped: the models check failed"
        assert len(server.requests) == 1


def test_unknown_model(lumyx_server: LumyxStandin) -> None:
    checks = checks_for(lumyx_server.url, model="nova_9_9")
    named = by_name(checks)
    assert not named["models endpoint"].ok
    assert (
        "nova_9_9" in named["models endpoint"].detail
        and "nova_1_1" in named["models endpoint"].detail
    )
    assert not named["chat completion"].ok and named["chat completion"].detail.startswith(
        "skipped:"
    )
    assert [r.path for r in lumyx_server.requests] == ["/v1/models"]  # no chat was attempted


@pytest.mark.parametrize("key", [None, ""])
def test_key_missing(lumyx_server: LumyxStandin, key: str | None) -> None:
    checks = checks_for(lumyx_server.url, api_key=key)
    named = by_name(checks)
    assert not named["API key set"].ok
    assert named["API key set"].detail == "LUMYX_API_KEY is not set"
    assert [c.ok for c in checks] == [False, False, True, False, False]
    assert all(c.detail.startswith("skipped:") for c in checks if c.name in NAMES[3:])
    assert lumyx_server.requests == []


def test_key_missing_without_env_name(lumyx_server: LumyxStandin) -> None:
    checks = checks_for(lumyx_server.url, api_key=None, key_env=None)
    assert checks[0] == Check("API key set", False, "no API key given")


def test_key_with_surrounding_newline(lumyx_server: LumyxStandin) -> None:
    checks = checks_for(lumyx_server.url, api_key=KEY + "\n")
    assert not checks[0].ok and "newline" in checks[0].detail
    assert_clean_details(checks)
    assert lumyx_server.requests == []


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/v1", "127.0.0.1:8080/v1", "http:///v1", "", "http://127.0.0.1/v1?a=1"]
)
def test_unusable_base_url(url: str) -> None:
    named = by_name(checks_for(url))
    assert not named["base URL"].ok
    assert named["models endpoint"].detail == "skipped: no usable base URL"


def test_base_url_without_v1_gets_a_hint(lumyx_server: LumyxStandin) -> None:
    named = by_name(checks_for(f"http://127.0.0.1:{lumyx_server.port}"))
    assert "HTTP 404" in named["models endpoint"].detail
    assert "check the base URL" in named["models endpoint"].detail


def test_plain_http_to_a_remote_host_is_flagged_but_passes() -> None:
    named = by_name(checks_for("http://lumyx.example/v1", api_key=None))  # no key: nothing is sent
    assert named["base URL"].ok and "unencrypted" in named["base URL"].detail


# -- misbehaving servers --------------------------------------------------------------------------


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run `handler` on a loopback port; yield its `/v1` base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_server_echoing_the_key_is_redacted() -> None:
    class Echo(_Quiet):
        def do_GET(self) -> None:
            key = self.headers.get("Authorization", "")[len("Bearer ") :]
            self.answer(403, json.dumps({"error": {"message": f"key {key} is revoked"}}).encode())

    with serve(Echo) as url:
        named = by_name(checks_for(url))
    assert "HTTP 403" in named["models endpoint"].detail
    assert "nova…cdef is revoked" in named["models endpoint"].detail
    assert_clean_details(list(named.values()))


def test_answer_that_is_not_json() -> None:
    class Html(_Quiet):
        def do_GET(self) -> None:
            self.answer(200, b"<html><body>Welcome\n to nginx</body></html>", "text/html")

    with serve(Html) as url:
        named = by_name(checks_for(url))
    assert not named["models endpoint"].ok
    assert "not with JSON" in named["models endpoint"].detail
    assert_clean_details(list(named.values()))


def test_json_that_is_not_a_models_list() -> None:
    class Odd(_Quiet):
        def do_GET(self) -> None:
            self.answer(200, b'{"models": ["nova_1_1"]}')

    with serve(Odd) as url:
        named = by_name(checks_for(url))
    assert (
        not named["models endpoint"].ok
        and "without a list of models" in named["models endpoint"].detail
    )


def test_http_error_without_json_body() -> None:
    class Broken(_Quiet):
        def do_GET(self) -> None:
            self.answer(502, b"Bad Gateway\n\n", "text/plain")

    with serve(Broken) as url:
        named = by_name(checks_for(url))
    assert named["models endpoint"].detail.endswith("answered HTTP 502: Bad Gateway")


def test_chat_failure_is_reported() -> None:
    class NoChat(_Quiet):
        def do_GET(self) -> None:
            self.answer(200, b'{"object": "list", "data": [{"id": "nova_1_1", "object": "model"}]}')

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.answer(500, b'{"error": {"message": "The server had an error", "code": null}}')

    with serve(NoChat) as url:
        checks = checks_for(url)
    assert [c.ok for c in checks] == [True, True, True, True, False]
    assert checks[-1].detail.endswith("answered HTTP 500: The server had an error")


def test_redirect_is_not_followed(lumyx_server: LumyxStandin) -> None:
    target = lumyx_server.url

    class Redirect(_Quiet):
        def do_GET(self) -> None:
            self.send_response(307)
            self.send_header("Location", target + "/models")
            self.send_header("Content-Length", "0")
            self.end_headers()

    with serve(Redirect) as url:
        named = by_name(checks_for(url))
    assert not named["models endpoint"].ok
    assert (
        "redirect" in named["models endpoint"].detail
        and "not followed" in named["models endpoint"].detail
    )
    assert lumyx_server.requests == []  # the key did not follow the redirect


def test_timeout() -> None:
    with socket.socket() as listener:  # accepts connections (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        port = listener.getsockname()[1]
        named = by_name(checks_for(f"http://127.0.0.1:{port}/v1", timeout=0.3))
    assert not named["models endpoint"].ok
    assert (
        "no answer" in named["models endpoint"].detail
        and "0.3 s" in named["models endpoint"].detail
    )


@pytest.mark.parametrize(
    ("status", "body", "detail"),
    [
        pytest.param(401, b'{"error": "invalid key"}', "GET {url}/models answered HTTP 401: invalid key",
                     id="an error given as a string"),
        pytest.param(500, b'{"message": "overloaded"}', "GET {url}/models answered HTTP 500: overloaded",
                     id="a message at the top level"),
        pytest.param(503, b"", "GET {url}/models answered HTTP 503: Service Unavailable",
                     id="no body: the reason phrase"),
        pytest.param(302, b"", "GET {url}/models answered HTTP 302: a redirect, not followed (check the base URL)",
                     id="a redirect without a Location"),
        pytest.param(None, b"", "cannot reach {where}: Remote end closed connection without response",
                     id="the connection closed without an answer"),
    ],
)  # fmt: skip
def test_models_endpoint_failure_detail(status: int | None, body: bytes, detail: str) -> None:
    class Failing(_Quiet):
        def do_GET(self) -> None:
            if status is None:
                self.close_connection = True
                return
            self.answer(status, body)

    with serve(Failing) as url:
        named = by_name(checks_for(url))
    where = url.split("/")[2]
    assert named["models endpoint"].detail == detail.format(url=url, where=where)
    assert not named["models endpoint"].ok
    assert named["chat completion"].detail == "skipped: the models check failed"


def test_chat_answer_without_choices() -> None:
    class NoChoices(_Quiet):
        def do_GET(self) -> None:
            self.answer(200, b'{"object": "list", "data": [{"id": "nova_1_1", "object": "model"}]}')

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.answer(200, b'{"id": "chatcmpl-1", "choices": []}')

    with serve(NoChoices) as url:
        checks = checks_for(url)
    assert [c.ok for c in checks] == [True, True, True, True, False]
    assert checks[-1].detail == f"POST {url}/chat/completions answered JSON without choices"


# -- pieces ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        pytest.param("nova_0123456789abcdef", "nova…cdef", id="long: first and last 4"),
        pytest.param("nova_01234567", "nova…4567", id="13 characters: first and last 4"),
        pytest.param("nova_0123456", "nova…", id="12 characters: only the first 4"),
        pytest.param("nova_012", "nova…", id="8 characters: only the first 4"),
        pytest.param("nova_01", "…", id="7 characters: nothing"),
    ],
)
def test_the_key_is_shown_by_the_one_masking_rule(key: str, shown: str) -> None:
    """Doctor shows a key as every report does (`codemod.redact.mask`); no network is asked."""
    (set_check, *_) = run_checks(api_key=key, base_url="ftp://nowhere", model="m", key_prefix="nova_")
    assert set_check == Check("API key set", True, f"{shown} ({len(key)} characters)")


def test_render_checks_table() -> None:
    checks = [
        Check("API key set", True, "nova…cdef (26 characters)"),
        Check("models endpoint", False, "cannot connect to 127.0.0.1:9: connection refused"),
        Check("chat completion", False, "skipped: the models check failed", skipped=True),
    ]
    assert render_checks(checks) == (
        "✓  API key set      nova…cdef (26 characters)\n"
        "✗  models endpoint  cannot connect to 127.0.0.1:9: connection refused\n"
        "-  chat completion  skipped: the models check failed\n"
        "1 of 2 checks failed, 1 skipped\n"
    )


def test_render_checks_all_passed() -> None:
    text = render_checks([Check("a", True, "fine"), Check("longer", True, "")])
    assert text == "✓  a       fine\n✓  longer\nall 2 checks passed\n"


def test_render_checks_keeps_one_line_per_check() -> None:
    text = render_checks([Check("x", False, "two\nlines")])
    assert text == "✗  x  two lines\n1 of 1 checks failed\n"
    assert render_checks([]) == "no checks ran\n"


# -- the CLI command (turns on once `doctor` is wired) ---------------------------------------------


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("OPENAI_", "LUMYX_"))}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra)
    return env


@pytest.fixture
def cli() -> RunDoctor:
    def run(*args: str, key: str | None = KEY, base_url: str) -> subprocess.CompletedProcess[str]:
        extra = {"LUMYX_BASE_URL": base_url}
        if key is not None:
            extra["LUMYX_API_KEY"] = key
        result = subprocess.run(
            [sys.executable, "-m", "codemod", "doctor", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=clean_env(**extra, PYTHONIOENCODING="utf-8"),
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        assert "Traceback" not in result.stdout + result.stderr
        return result

    return run


def test_cli_all_pass(cli: RunDoctor, lumyx_server: LumyxStandin) -> None:
    result = cli(base_url=lumyx_server.url)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout + result.stderr
    for name in NAMES:
        assert name in out
    assert "✗" not in out and KEY not in out
    assert [r.path for r in lumyx_server.requests] == ["/v1/models", "/v1/chat/completions"]
    assert lumyx_server.requests[0].authorization == f"Bearer {KEY}"


def test_cli_no_chat(cli: RunDoctor, lumyx_server: LumyxStandin) -> None:
    result = cli("--no-chat", base_url=lumyx_server.url + "/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [r.path for r in lumyx_server.requests] == ["/v1/models"]


def test_cli_dead_port(cli: RunDoctor) -> None:
    result = cli("--timeout", "5", base_url=f"http://127.0.0.1:{dead_port()}/v1")
    assert result.returncode == 1
    assert "connection refused" in result.stdout + result.stderr


def test_cli_wrong_key(cli: RunDoctor, lumyx_server: LumyxStandin) -> None:
    key = "sk-must-not-leak-0123456789"
    result = cli(key=key, base_url=lumyx_server.url)
    assert result.returncode == 1
    assert key not in result.stdout + result.stderr
    assert lumyx_server.requests == []


def test_cli_unknown_model(cli: RunDoctor, lumyx_server: LumyxStandin) -> None:
    result = cli("--model", "nova_9_9", base_url=lumyx_server.url)
    assert result.returncode == 1
    assert "nova_9_9" in result.stdout + result.stderr


def test_cli_key_missing(cli: RunDoctor, lumyx_server: LumyxStandin) -> None:
    result = cli(key=None, base_url=lumyx_server.url)
    assert result.returncode == 1
    assert "LUMYX_API_KEY" in result.stdout + result.stderr
    assert lumyx_server.requests == []


def test_cli_counts_skipped_checks_as_skipped(cli: RunDoctor, lumyx_server: LumyxStandin) -> None:
    """Five checks print; the three a missing key makes impossible are skipped, not failed."""
    result = cli(key=None, base_url=lumyx_server.url)
    lines = result.stdout.splitlines()
    assert [line[0] for line in lines[:-1]] == ["✗", "-", "✓", "-", "-"]
    assert lines[-1] == "1 of 2 checks failed, 3 skipped"


def test_skipped_checks_are_marked_skipped() -> None:
    checks = run_checks(api_key=None, base_url="https://x/v1", model="m", key_prefix="nova_")
    assert [(c.name, c.ok, c.skipped) for c in checks] == [
        ("API key set", False, False),
        ("API key prefix", False, True),
        ("base URL", True, False),
        ("models endpoint", False, True),
        ("chat completion", False, True),
    ]
