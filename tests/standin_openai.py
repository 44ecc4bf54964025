"""An OpenAI stand-in beside the Lumyx one: serves every endpoint a migrated program may keep on
OpenAI, refuses what belongs to Lumyx (keys starting `nova_`, the model `nova_1_1`).

    with OpenAIStandin() as openai_server:
        client = OpenAI(api_key="sk-test", base_url=openai_server.url)
        client.embeddings.create(model="text-embedding-3-small", input="x")

Answers are the smallest JSON the `openai` SDK parses for each endpoint; every request is
recorded like the Lumyx stand-in's. Binds 127.0.0.1 on a free port; stdlib only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from standin import CREATED, LumyxStandin, _error, _Handler

OPENAI_MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4", "gpt-4-turbo", "gpt-3.5-turbo", "text-embedding-3-small")
LUMYX_KEY_PREFIX = "nova_"
LUMYX_MODEL = "nova_1_1"


def _embedding(body: dict[str, Any]) -> dict[str, Any]:
    inputs = body.get("input")
    count = len(inputs) if isinstance(inputs, list) else 1
    data = [{"object": "embedding", "index": i, "embedding": [0.1, 0.2, 0.3]} for i in range(count)]
    return {"object": "list", "data": data, "model": body.get("model"), "usage": {"prompt_tokens": 1, "total_tokens": 1}}


def _image(body: dict[str, Any]) -> dict[str, Any]:
    return {"created": CREATED, "data": [{"url": "http://127.0.0.1/image.png", "revised_prompt": body.get("prompt")}]}


def _response(body: dict[str, Any]) -> dict[str, Any]:
    content = [{"type": "output_text", "text": "Hello from the OpenAI stand-in.", "annotations": []}]
    message = {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed", "content": content}
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": CREATED,
        "model": body.get("model"),
        "status": "completed",
        "output": [message],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
    }


def _moderation(body: dict[str, Any]) -> dict[str, Any]:
    return {"id": "modr_1", "model": body.get("model") or "omni-moderation-latest", "results": [{"flagged": False, "categories": {}, "category_scores": {}}]}


def _completion(body: dict[str, Any]) -> dict[str, Any]:
    choice = {"index": 0, "text": "Hello.", "logprobs": None, "finish_reason": "stop"}
    return {"id": "cmpl_1", "object": "text_completion", "created": CREATED, "model": body.get("model"), "choices": [choice]}


_JSON_ENDPOINTS = {
    "/v1/embeddings": _embedding,
    "/v1/images/generations": _image,
    "/v1/responses": _response,
    "/v1/moderations": _moderation,
    "/v1/completions": _completion,
}


class _OpenAIHandler(_Handler):
    server_version = "OpenAIStandin/1.0"

    def _route(self, body: Any, raw: bytes, headers: dict[str, str]) -> None:
        auth = headers.get("authorization", "")
        key = auth[len("Bearer ") :] if auth.startswith("Bearer ") else ""
        if not key or key.startswith(LUMYX_KEY_PREFIX):
            self._send_json(401, _error("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"))
            return
        model = body.get("model") if isinstance(body, dict) else None
        if model == LUMYX_MODEL:
            self._send_json(404, self._model_not_found(model))
            return
        path = self.path.split("?", 1)[0]
        answer = _JSON_ENDPOINTS.get(path)
        if answer is not None and self.command == "POST" and isinstance(body, dict):
            self._send_json(200, answer(body))
            return
        super()._route(body, raw, {**headers, "authorization": "Bearer " + self.standin.key_prefix})


@dataclass
class OpenAIStandin(LumyxStandin):
    """OpenAI's side: keys must not start `nova_`; chat and models as the Lumyx stand-in answers
    them (with OpenAI's model names), plus embeddings, images, responses, moderations and legacy
    completions."""

    models: tuple[str, ...] = OPENAI_MODELS
    key_prefix: str = "sk-"
    reply: str = "Hello from the OpenAI stand-in."

    def _handler_class(self) -> type[_Handler]:
        return _OpenAIHandler
