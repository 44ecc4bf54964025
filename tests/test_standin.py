"""The Lumyx stand-in itself, driven by the real `openai` SDK (and raw HTTP where the SDK hides bytes)."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import openai
import pytest
from standin import REPLY, LumyxStandin

MESSAGES: Any = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello!"}]


def client(server: LumyxStandin, key: str = "nova_test") -> openai.OpenAI:
    return openai.OpenAI(api_key=key, base_url=server.url, max_retries=0, timeout=10)


def raw(
    server: LumyxStandin, method: str, path: str, body: Any = None, key: str | None = "nova_test"
) -> tuple[int, bytes]:
    """One request without the SDK; `path` is relative to the host (e.g. `/v1/models`)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}{path}", data=data, method=method
    )
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if key is not None:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_url_is_loopback_v1_without_trailing_slash(lumyx_server: LumyxStandin) -> None:
    assert lumyx_server.url == f"http://127.0.0.1:{lumyx_server.port}/v1"
    assert lumyx_server.requests == []


def test_chat_completion(lumyx_server: LumyxStandin) -> None:
    response = client(lumyx_server).chat.completions.create(model="nova_1_1", messages=MESSAGES)
    assert response.object == "chat.completion"
    assert response.model == "nova_1_1"
    assert response.choices[0].message.role == "assistant"
    assert response.choices[0].message.content == REPLY
    assert response.choices[0].finish_reason == "stop"
    assert response.usage is not None and response.usage.total_tokens > 0


def test_max_tokens_truncates_the_reply(lumyx_server: LumyxStandin) -> None:
    response = client(lumyx_server).chat.completions.create(
        model="nova_1_1", messages=MESSAGES, max_tokens=1
    )
    assert response.choices[0].message.content == REPLY.split(" ")[0]
    assert response.choices[0].finish_reason == "length"


def test_streaming_delivers_deltas(lumyx_server: LumyxStandin) -> None:
    stream = client(lumyx_server).chat.completions.create(
        model="nova_1_1", messages=MESSAGES, stream=True
    )
    chunks = list(stream)
    assert all(chunk.object == "chat.completion.chunk" for chunk in chunks)
    deltas = [
        c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content
    ]
    assert len(deltas) > 1
    assert "".join(deltas) == REPLY
    assert chunks[-1].choices[0].finish_reason == "stop"
    (request,) = lumyx_server.requests
    assert request.streamed and request.stream_completed
    assert request.body["stream"] is True


def test_streaming_with_usage(lumyx_server: LumyxStandin) -> None:
    stream = client(lumyx_server).chat.completions.create(
        model="nova_1_1", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == len(
        REPLY.split(" ")
    )


def test_stream_is_sse_ending_with_done(lumyx_server: LumyxStandin) -> None:
    body = {"model": "nova_1_1", "messages": MESSAGES, "stream": True}
    status, data = raw(lumyx_server, "POST", "/v1/chat/completions", body)
    assert status == 200
    events = [e for e in data.decode().split("\n\n") if e]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]"
    payloads = [json.loads(e[len("data: ") :]) for e in events[:-1]]
    assert {p["object"] for p in payloads} == {"chat.completion.chunk"}
    assert payloads[0]["choices"][0]["delta"]["role"] == "assistant"


def test_async_streaming(lumyx_server: LumyxStandin) -> None:
    async def main() -> str:
        async with openai.AsyncOpenAI(
            api_key="nova_test", base_url=lumyx_server.url, max_retries=0
        ) as aclient:
            stream = await aclient.chat.completions.create(
                model="nova_1_1", messages=MESSAGES, stream=True
            )
            return "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])

    assert asyncio.run(main()) == REPLY


def test_models_list_and_retrieve(lumyx_server: LumyxStandin) -> None:
    sdk = client(lumyx_server)
    assert [m.id for m in sdk.models.list()] == ["nova_1_1"]
    model = sdk.models.retrieve("nova_1_1")
    assert (model.id, model.object) == ("nova_1_1", "model")


@pytest.mark.parametrize("key", ["sk-must-not-leak", "NOVA_upper", "x"])
def test_wrong_key_is_401(lumyx_server: LumyxStandin, key: str) -> None:
    sdk = client(lumyx_server, key)
    with pytest.raises(openai.AuthenticationError) as info:
        sdk.chat.completions.create(model="nova_1_1", messages=MESSAGES)
    assert info.value.status_code == 401
    assert isinstance(info.value.body, dict) and info.value.body["code"] == "invalid_api_key"
    with pytest.raises(openai.AuthenticationError):
        sdk.models.list()
    with pytest.raises(openai.AuthenticationError):
        sdk.models.retrieve("nova_1_1")


def test_missing_key_is_401(lumyx_server: LumyxStandin) -> None:
    status, data = raw(lumyx_server, "GET", "/v1/models", key=None)
    assert status == 401
    assert json.loads(data)["error"]["code"] == "missing_api_key"


def test_wrong_model_is_404(lumyx_server: LumyxStandin) -> None:
    sdk = client(lumyx_server)
    with pytest.raises(openai.NotFoundError) as info:
        sdk.chat.completions.create(model="gpt-4", messages=MESSAGES)
    assert "gpt-4" in info.value.message
    with pytest.raises(openai.NotFoundError):
        sdk.chat.completions.create(model="gpt-4", messages=MESSAGES, stream=True)
    with pytest.raises(openai.NotFoundError):
        sdk.models.retrieve("gpt-4")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/chat/completions"),  # no /v1 prefix
        ("GET", "/models"),
        ("POST", "/v1/embeddings"),  # not served by Lumyx
        ("GET", "/v1/chat/completions"),  # wrong method
        ("GET", "/v1/models/"),
    ],
)
def test_anything_else_is_404(lumyx_server: LumyxStandin, method: str, path: str) -> None:
    body = {"model": "nova_1_1", "messages": MESSAGES} if method == "POST" else None
    status, data = raw(lumyx_server, method, path, body)
    assert status == 404
    assert "error" in json.loads(data)


def test_bad_chat_bodies_are_400(lumyx_server: LumyxStandin) -> None:
    assert raw(lumyx_server, "POST", "/v1/chat/completions", {"messages": MESSAGES})[0] == 400
    assert raw(lumyx_server, "POST", "/v1/chat/completions", {"model": "nova_1_1"})[0] == 400


def test_requests_are_recorded(lumyx_server: LumyxStandin) -> None:
    sdk = client(lumyx_server)
    sdk.models.list()
    sdk.chat.completions.create(model="nova_1_1", messages=MESSAGES, temperature=0.5)
    with pytest.raises(openai.AuthenticationError):
        client(lumyx_server, "sk-bad").models.list()

    models, chat, rejected = lumyx_server.requests
    assert (models.method, models.path, models.status, models.body) == (
        "GET",
        "/v1/models",
        200,
        None,
    )
    assert (chat.method, chat.path, chat.status) == ("POST", "/v1/chat/completions", 200)
    assert chat.is_chat and not models.is_chat
    assert chat.headers["authorization"] == chat.authorization == "Bearer nova_test"
    assert chat.headers["content-type"] == "application/json"
    assert chat.body == {"model": "nova_1_1", "messages": MESSAGES, "temperature": 0.5}
    assert "nova_test" in chat.text() and "temperature" in chat.text()
    assert (rejected.status, rejected.authorization) == (401, "Bearer sk-bad")
    lumyx_server.clear()
    assert lumyx_server.requests == []


def test_recording_is_thread_safe(lumyx_server: LumyxStandin) -> None:
    sdk = client(lumyx_server)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: sdk.models.retrieve("nova_1_1").id, range(40)))
    assert results == ["nova_1_1"] * 40
    assert len(lumyx_server.requests) == 40


def test_close_stops_serving() -> None:
    server = LumyxStandin()
    assert raw(server, "GET", "/v1/models")[0] == 200
    server.close()
    server.close()  # idempotent
    with pytest.raises(urllib.error.URLError):
        raw(server, "GET", "/v1/models")
