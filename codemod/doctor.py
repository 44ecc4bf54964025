"""`lumyx-migrate doctor`: is this machine set up to talk to the provider?

Checks, in order: the API key is set; it has the provider's prefix; the base URL is usable; `GET
{base_url}/models` answers and lists the configured model; a one-token chat completion succeeds.
A check that an earlier failure makes impossible is reported as skipped, with the reason (it
neither passes nor counts as a failure: the earlier check already failed). Every error (refused connection, timeout, HTTP error, bad JSON) becomes a failed `Check`
with a one-line detail; nothing here raises. The key is never shown in full, not even when a
server echoes it back in an error message.

The key is sent only when it has the provider's prefix: a key that does not (say an OpenAI
`sk-...` key) is never sent to the provider's host. Redirects are not followed, so the key never
travels to a host other than the one in the base URL.

Stdlib only (urllib, json), and `codemod.redact` for the key: no provider fact lives here,
the caller passes them from the rules.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codemod import __version__
from codemod.redact import mask

MAX_BODY = 4 * 1024 * 1024  # bytes read from any answer
DETAIL_WIDTH = 200  # characters of a server's message kept in a detail


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report."""

    name: str
    ok: bool
    detail: str
    skipped: bool = False  # not run because an earlier check failed: neither passed nor failed


class _CheckFailed(Exception):
    """A failed request, with the one-line detail to report."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: it would carry the Authorization header to another URL."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _one_line(text: str, width: int = DETAIL_WIDTH) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


class _Client:
    """Authorised JSON requests under one base URL; every failure becomes a `_CheckFailed`."""

    def __init__(self, base_url: str, api_key: str, timeout: float) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.timeout = timeout
        self.opener = urllib.request.build_opener(_NoRedirect)

    def redact(self, text: str) -> str:
        return text.replace(self.api_key, mask(self.api_key)) if self.api_key else text

    def request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        """Send one request; return its parsed JSON answer (a 2xx with a JSON body)."""
        url = f"{self.base_url}/{path}"
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.api_key}")
        request.add_header("Accept", "application/json")
        request.add_header("User-Agent", f"lumyx-migrate-doctor/{__version__}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status: int = response.status
                body: bytes = response.read(MAX_BODY)
        except urllib.error.HTTPError as err:
            raise _CheckFailed(self.redact(self._http_error(method, url, err))) from None
        except urllib.error.URLError as err:
            raise _CheckFailed(self.redact(self._connection_error(url, err.reason))) from None
        except TimeoutError:
            raise _CheckFailed(f"no answer from {url} within {self.timeout:g} s") from None
        except (OSError, ValueError, http.client.HTTPException) as err:
            raise _CheckFailed(self.redact(self._connection_error(url, err))) from None
        try:
            return json.loads(body)
        except ValueError:
            snippet = _one_line(body.decode("utf-8", "replace"), 60)
            raise _CheckFailed(
                self.redact(f"{method} {url} answered {status} but not with JSON: {snippet!r}")
            ) from None

    def _http_error(self, method: str, url: str, err: urllib.error.HTTPError) -> str:
        prefix = f"{method} {url} answered HTTP {err.code}"
        if 300 <= err.code < 400:
            target = err.headers.get("Location") if err.headers else None
            where = f" to {target}" if target else ""
            return f"{prefix}: a redirect{where}, not followed (check the base URL)"
        try:
            raw = err.read(MAX_BODY)
        except Exception:
            raw = b""
        message = ""
        code: object = None
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            error = parsed.get("error")
            if isinstance(error, dict) and isinstance(error.get("message"), str):
                message = error["message"]
                code = error.get("code")
            elif isinstance(error, str):
                message = error
            elif isinstance(parsed.get("message"), str):
                message = parsed["message"]
        if not message:
            message = raw.decode("utf-8", "replace") or (
                err.reason if isinstance(err.reason, str) else ""
            )
        # A 404 that is not about a model usually means a wrong base URL (e.g. without `/v1`).
        hint = (
            " (check the base URL)" if err.code in (404, 405) and code != "model_not_found" else ""
        )
        return _one_line(f"{prefix}: {message}" if message.strip() else prefix) + hint

    def _connection_error(self, url: str, reason: object) -> str:
        parts = urllib.parse.urlsplit(url)
        where = parts.netloc or url
        if isinstance(reason, TimeoutError):
            return f"no answer from {where} within {self.timeout:g} s"
        if isinstance(reason, ConnectionRefusedError):
            return f"cannot connect to {where}: connection refused (is the server running?)"
        if isinstance(reason, socket.gaierror):
            return f"cannot resolve {parts.hostname or where}: {reason.strerror or reason}"
        if isinstance(reason, ssl.SSLCertVerificationError):
            return _one_line(
                f"TLS certificate of {where} not trusted: {reason.verify_message or reason}"
            )
        if isinstance(reason, BaseException):
            text = str(reason) or type(reason).__name__
            return _one_line(f"cannot reach {where}: {text}")
        return _one_line(f"cannot reach {where}: {reason}")


def _base_url_problem(base_url: str) -> str | None:
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("http", "https"):
        return f"{base_url!r} is not an http(s) URL"
    if not parts.hostname:
        return f"{base_url!r} has no host"
    if parts.query or parts.fragment:
        return f"{base_url!r} has a query or fragment; a base URL is a plain path"
    return None


def _is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def run_checks(
    *,
    api_key: str | None,
    base_url: str,
    model: str,
    key_prefix: str,
    chat: bool = True,
    timeout: float = 10.0,
    key_env: str | None = None,
) -> list[Check]:
    """Run every check in order and return them all; never raises.

    `key_env` (e.g. "LUMYX_API_KEY") names where the key came from, for the messages only.
    """
    key = api_key or ""
    checks = [_key_set(key, key_env)]
    checks.append(_key_prefix(key, key_prefix) if checks[0].ok else _skipped("API key prefix"))
    key_ok = checks[0].ok and checks[1].ok
    base = base_url.strip().rstrip("/")
    checks.append(_base_url(base))
    if not key_ok or not checks[-1].ok:
        why = "no usable key" if not key_ok else "no usable base URL"
        checks.append(_skipped("models endpoint", why))
        if chat:
            checks.append(_skipped("chat completion", why))
        return checks
    client = _Client(base, key, timeout)
    checks.append(_guarded("models endpoint", client, lambda: _models(client, base, model)))
    if not chat:
        return checks
    if not checks[-1].ok:
        checks.append(_skipped("chat completion", "the models check failed"))
    else:
        checks.append(_guarded("chat completion", client, lambda: _chat(client, base, model)))
    return checks


def _skipped(name: str, why: str = "no usable key") -> Check:
    return Check(name, False, f"skipped: {why}", skipped=True)


def _key_set(key: str, key_env: str | None) -> Check:
    """1. The key is set, with nothing around it."""
    name = "API key set"
    if not key:
        return Check(name, False, f"{key_env} is not set" if key_env else "no API key given")
    if key != key.strip():
        return Check(name, False, f"{mask(key.strip())} has spaces or a newline around it")
    return Check(name, True, f"{mask(key)} ({len(key)} characters)")


def _key_prefix(key: str, key_prefix: str) -> Check:
    """2. The key has the provider's prefix (else it is never sent)."""
    name = "API key prefix"
    if not key.startswith(key_prefix):
        detail = f"{mask(key)} does not start with {key_prefix!r}; it was not sent to the server"
        return Check(name, False, detail)
    return Check(name, True, f"starts with {key_prefix!r}")


def _base_url(base: str) -> Check:
    """3. The base URL is one we can call."""
    problem = _base_url_problem(base)
    if problem:
        return Check("base URL", False, problem)
    host = urllib.parse.urlsplit(base).hostname or ""
    note = ""
    if base.startswith("http://") and not _is_loopback(host):
        note = " (plain http: the key would travel unencrypted)"
    return Check("base URL", True, base + note)


def _guarded(name: str, client: _Client, check: Callable[[], Check]) -> Check:
    """A network check whose failure, even a bug of ours, is a failed `Check`, not a traceback."""
    try:
        return check()
    except _CheckFailed as err:
        return Check(name, False, str(err))
    except Exception as err:
        return Check(name, False, client.redact(_one_line(f"{type(err).__name__}: {err}")))


def _models(client: _Client, base: str, model: str) -> Check:
    """4. GET /models lists the model."""
    ids = _model_ids(client.request("GET", "models"))
    if ids is None:
        raise _CheckFailed(f"GET {base}/models answered JSON without a list of models")
    if model not in ids:
        shown = ", ".join(ids[:8]) + (", …" if len(ids) > 8 else "") if ids else "none"
        return Check(
            "models endpoint", False, _one_line(f"{model} is not among the models served: {shown}")
        )
    served = f"{len(ids)} model{'' if len(ids) == 1 else 's'} served"
    return Check("models endpoint", True, f"{model} is listed ({served})")


def _chat(client: _Client, base: str, model: str) -> Check:
    """5. A one-token chat completion."""
    payload = {"model": model, "messages": [{"role": "user", "content": "ping"}], "max_tokens": 1}
    started = time.monotonic()
    answer = client.request("POST", "chat/completions", payload)
    choices = answer.get("choices") if isinstance(answer, dict) else None
    if not isinstance(choices, list) or not choices:
        raise _CheckFailed(f"POST {base}/chat/completions answered JSON without choices")
    elapsed = (time.monotonic() - started) * 1000
    return Check("chat completion", True, f"{model} answered in {elapsed:.0f} ms")


def _model_ids(answer: Any) -> list[str] | None:
    """The ids in an OpenAI-style models list (`{"data": [{"id": ...}, ...]}`), or None."""
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, list):
        return None
    return [
        item["id"] for item in data if isinstance(item, dict) and isinstance(item.get("id"), str)
    ]
