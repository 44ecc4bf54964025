"""The finding codes: one registry of stable codes, names, messages and documentation.

Pure data plus small helpers, no import side effects. `docs/codes.md` is generated from this
module (`codes_markdown()`); regenerate it with

    .venv/bin/python -c "from codemod.codes import write_docs; write_docs()"

Codes are never renumbered; a retired code stays reserved.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DOCS_URL = "https://github.com/lumyx-ai/lumyx-migrate/blob/main/docs/codes.md"
HOMEPAGE = "https://github.com/lumyx-ai/lumyx-migrate"
DOCS_PATH = Path(__file__).resolve().parents[1] / "docs" / "codes.md"

FIX_AVAILABILITY = ("always", "sometimes", "never")
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class CodeInfo:
    """Everything known about one finding code.

    `severity` is "error" when the code left as it is fails, leaks or is not checked on Lumyx,
    and "warning" when it needs a person's judgement and may be right as it is. Reports that
    have levels (SARIF, GitHub annotations) use it.
    """

    code: str
    name: str
    summary: str
    fix: str
    fix_title: str | None
    what: str
    why: str
    example: str
    use_instead: str
    severity: str = "error"


def _text(s: str) -> str:
    return textwrap.dedent(s).strip()


def _join(*parts: str) -> str:
    return "\n\n".join(_text(part) for part in parts)


def _code(
    code: str,
    name: str,
    summary: str,
    *,
    fix: str,
    fix_title: str | None = None,
    severity: str = "error",
    what: str,
    why: str,
    example: str,
    use_instead: str,
) -> CodeInfo:
    return CodeInfo(
        code=code,
        name=name,
        summary=summary,
        fix=fix,
        fix_title=fix_title,
        what=_text(what),
        why=_text(why),
        example=_text(example),
        use_instead=_text(use_instead),
        severity=severity,
    )


_OS_OPENAI_IMPORTS = """
    import os

    from openai import OpenAI
"""
_LUMYX_CLIENT = """
    client = OpenAI(
        api_key=os.environ["LUMYX_API_KEY"],
        base_url=os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1"),
    )
"""

_ALL: tuple[CodeInfo, ...] = (
    _code(
        "LMX101",
        "client-not-migrated",
        "OpenAI client not pointed at Lumyx",
        fix="always",
        fix_title="Point the client at Lumyx",
        what="""
            Checks for constructions of `openai.OpenAI` and `openai.AsyncOpenAI` (and their
            aliases `openai.Client` and `openai.AsyncClient`), however they are imported, whose
            API key and base URL do not come from the Lumyx environment variables.
        """,
        why="""
            Without `base_url=` the SDK sends every request to OpenAI (or wherever
            `OPENAI_BASE_URL` points), and without `api_key=` it falls back to `OPENAI_API_KEY`.

            The fix sets `api_key=os.environ["LUMYX_API_KEY"]` and
            `base_url=os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1")`, adding
            `import os` when missing. The key is read with `os.environ[...]` on purpose: a missing
            key fails loudly with a `KeyError` instead of letting the SDK fall back to
            `OPENAI_API_KEY` and send an OpenAI key to another company's host. An `api_key=` that
            is a literal or a read of an OpenAI variable (`OPENAI_API_KEY`, ...) is replaced, as is
            a `base_url=` that is OpenAI's URL or a read of `OPENAI_BASE_URL` / `OPENAI_API_BASE`;
            other arguments stay as they are.
        """,
        example="""
            from openai import OpenAI

            client = OpenAI()
        """,
        use_instead=_join(_OS_OPENAI_IMPORTS, _LUMYX_CLIENT),
    ),
    _code(
        "LMX102",
        "base-url-elsewhere",
        "client `base_url` points at another host",
        fix="never",
        severity="warning",
        what="""
            Checks for OpenAI clients whose `base_url=` points at a host that is neither OpenAI
            nor Lumyx: a local server, a proxy, another provider.
        """,
        why="""
            Such a URL may be deliberate (a gateway that forwards to Lumyx, a test server), so the
            tool does not change it. Left as it is, the client does not talk to Lumyx. Point it at
            Lumyx through `LUMYX_BASE_URL` (default `https://api.lumyx-ai.site/v1`), or, when the
            other host is intended, suppress the finding with `# lumyx: ignore[LMX102]`.
        """,
        example="""
            client = OpenAI(
                api_key=os.environ["LUMYX_API_KEY"],
                base_url="http://localhost:8080/v1",
            )
        """,
        use_instead=_LUMYX_CLIENT,
    ),
    _code(
        "LMX103",
        "opaque-api-key",
        "client `api_key` from an expression the tool cannot see",
        fix="never",
        severity="warning",
        what="""
            Checks for OpenAI clients whose `api_key=` is an expression the tool cannot see into:
            an attribute of a settings object, a function call, a variable passed in from
            elsewhere.
        """,
        why="""
            The tool only replaces a key that is a literal or a read of an OpenAI environment
            variable (`OPENAI_API_KEY`, `OPENAI_KEY`, ...). Any other expression may still yield
            the OpenAI key, which would then be sent to Lumyx's host, where it does not work
            (Lumyx keys start with `nova_`) and where it does not belong. Make sure the expression
            yields the Lumyx key, e.g. by reading `LUMYX_API_KEY`.
        """,
        example="""
            client = OpenAI(api_key=settings.openai_api_key)
        """,
        use_instead="""
            client = OpenAI(
                api_key=settings.lumyx_api_key,  # read from LUMYX_API_KEY, a nova_ key
                base_url=os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1"),
            )
        """,
    ),
    _code(
        "LMX104",
        "azure-client",
        "Azure OpenAI client",
        fix="never",
        severity="warning",
        what="""
            Checks for constructions of `openai.AzureOpenAI` and `openai.AsyncAzureOpenAI`.
        """,
        why="""
            An Azure client addresses a deployment (`azure_endpoint=`, `api_version=`,
            `azure_deployment=`) rather than a base URL and a model, so it cannot be re-pointed
            by changing two arguments. Moving it to Lumyx means replacing it with a plain `OpenAI`
            client reading `LUMYX_API_KEY` and `LUMYX_BASE_URL`, and the deployment with a Lumyx
            model (`nova_1_1`): a person's decision.
        """,
        example="""
            from openai import AzureOpenAI

            client = AzureOpenAI(
                azure_endpoint="https://contoso.openai.azure.com",
                api_version="2024-06-01",
            )
        """,
        use_instead=_join(_OS_OPENAI_IMPORTS, _LUMYX_CLIENT),
    ),
    _code(
        "LMX105",
        "module-config-not-migrated",
        "module-level OpenAI configuration not pointed at Lumyx",
        fix="always",
        fix_title="Point the module-level configuration at Lumyx",
        what="""
            Checks for configuration of the `openai` module's own client that does not point at
            Lumyx: `openai.api_key = ...` and `openai.api_base = ...` (SDK < 1.0),
            `openai.base_url = ...` (SDK >= 1.0), and a module that calls the module-level client
            without configuring it at all.
        """,
        why="""
            Unconfigured, the module-level client reads `OPENAI_API_KEY` and `OPENAI_BASE_URL`, so
            its calls go to OpenAI with an OpenAI key. The fix assigns the same environment reads
            as for clients: the key from `os.environ["LUMYX_API_KEY"]` (a missing key fails
            loudly) and the base URL from `LUMYX_BASE_URL`, defaulting to
            `https://api.lumyx-ai.site/v1`. A module that uses the module-level client with no
            configuration gets it added after its imports.
        """,
        example="""
            import os

            import openai

            openai.api_key = os.getenv("OPENAI_API_KEY")
        """,
        use_instead="""
            import os

            import openai

            openai.api_key = os.environ["LUMYX_API_KEY"]
            openai.base_url = os.environ.get("LUMYX_BASE_URL", "https://api.lumyx-ai.site/v1")
        """,
    ),
    _code(
        "LMX201",
        "openai-model-name",
        "OpenAI model name",
        fix="sometimes",
        fix_title="Replace the model name with its Lumyx model",
        what="""
            Checks for string literals naming an OpenAI model (`gpt-4`, `gpt-4-turbo`,
            `gpt-3.5-turbo`, `gpt-4o`, ...) that reach a model parameter: `model=`,
            `model_name=` or `engine=` of an OpenAI or wrapper call (e.g. LangChain's
            `ChatOpenAI`), a `"model"` key of a dict passed as `**kwargs`, a module or class
            constant used as such an argument, a function parameter's default, or the default of
            `os.getenv("..._MODEL", "gpt-4")`.
        """,
        why="""
            Lumyx serves its own model, `nova_1_1`. The rules file's model map says which OpenAI
            name becomes which Lumyx model: by default `gpt-4`, `gpt-4-turbo`, `gpt-3.5-turbo` and
            every other `gpt-*` chat model become `nova_1_1`, while image, speech, transcription and
            realtime models are kept (the endpoint check reports their calls). The fix rewrites the
            literal and keeps its quote style. A gpt-like literal the tool cannot tie to a model
            parameter is reported without a fix.
        """,
        example="""
            response = client.chat.completions.create(
                model="gpt-4",
                messages=[{"role": "user", "content": "Hello!"}],
            )
        """,
        use_instead="""
            response = client.chat.completions.create(
                model="nova_1_1",
                messages=[{"role": "user", "content": "Hello!"}],
            )
        """,
    ),
    _code(
        "LMX202",
        "unmapped-model",
        "model with no mapping in the rules",
        fix="never",
        what="""
            Checks for model names given to a model parameter that the rules file's model map
            does not map to a Lumyx model, such as `o1-mini` or `text-davinci-003`.
        """,
        why="""
            Lumyx serves `nova_1_1`; a request naming a model it does not know fails. The tool
            rewrites only the names its model map covers and does not guess. Choose the Lumyx
            model yourself, or add the name to the model map of your rules file (`--rules`) so
            that the next run rewrites it.
        """,
        example="""
            response = client.chat.completions.create(model="o1-mini", messages=messages)
        """,
        use_instead="""
            response = client.chat.completions.create(model="nova_1_1", messages=messages)
        """,
    ),
    _code(
        "LMX203",
        "unresolved-model",
        "model given by an expression the tool cannot resolve",
        fix="never",
        severity="warning",
        what="""
            Checks for model arguments of OpenAI calls whose value is an expression the tool
            cannot resolve to a string literal: a function call, a formatted string, an
            environment variable read without a default. A name, attribute or subscript the tool
            cannot follow (a function's parameter, `settings.model`, `config["model"]`) is not
            reported: a parameter's callers are checked where they pass a literal, and a settings
            field is checked where it is given its value.
        """,
        why="""
            The model name is only known at run time, so the tool cannot tell whether it is an
            OpenAI model that Lumyx will not serve. Follow the value to where it is set (a
            configuration file, an environment variable, a database) and make sure it names a
            Lumyx model such as `nova_1_1`.
        """,
        example="""
            response = client.chat.completions.create(model=pick_model(user), messages=messages)
        """,
        use_instead="""
            MODEL = "nova_1_1"

            response = client.chat.completions.create(model=MODEL, messages=messages)
        """,
    ),
    _code(
        "LMX301",
        "unserved-endpoint",
        "endpoint Lumyx does not serve",
        fix="never",
        what="""
            Checks for calls of OpenAI endpoints that Lumyx does not serve, on clients and on the
            module-level client. Embeddings, audio and images are coming soon on Lumyx; responses,
            legacy completions, assistants and threads (`beta.*`), files, uploads, batches,
            fine-tuning, moderations, vector stores and realtime are not served. The lists come
            from the rules file.
        """,
        why="""
            Lumyx serves chat completions (with SSE streaming), the models list and model
            details, plus its own agents chat and personas endpoints. Any other call fails at run
            time once its client points at Lumyx. Port it to chat completions where that makes
            sense; otherwise keep it on a separate client for a provider that serves it, and
            suppress the finding on that line with `# lumyx: ignore[LMX301]`.
        """,
        example="""
            response = client.responses.create(model="gpt-4", input="Hello!")
            print(response.output_text)
        """,
        use_instead="""
            response = client.chat.completions.create(
                model="nova_1_1",
                messages=[{"role": "user", "content": "Hello!"}],
            )
            print(response.choices[0].message.content)
        """,
    ),
    _code(
        "LMX302",
        "unserved-chat-parameter",
        "chat parameter Lumyx does not serve",
        fix="never",
        what="""
            Checks for arguments of chat completion calls that are not in the rules file's list
            of served parameters (`tools`, `tool_choice`, `functions`, `response_format`, `n`,
            `logprobs`, `logit_bias`, `user`, `stream_options`, `max_completion_tokens`,
            `reasoning_effort`, ...), also when they come as keys of a dict literal passed as
            `**kwargs`. The SDK's own request options (`extra_headers`, `extra_query`,
            `extra_body`, `timeout`) are not flagged.
        """,
        why="""
            Lumyx serves `model`, `messages`, `temperature`, `max_tokens`, `stream`, `top_p`,
            `stop`, `presence_penalty`, `frequency_penalty` and `seed`. Code that relies on any
            other parameter (function calling, JSON mode, several choices) will not get that
            behaviour from Lumyx. Remove the argument or rework the feature; for
            `max_completion_tokens`, use `max_tokens`.
        """,
        example="""
            response = client.chat.completions.create(
                model="nova_1_1",
                messages=messages,
                max_completion_tokens=500,
                response_format={"type": "json_object"},
            )
        """,
        use_instead="""
            response = client.chat.completions.create(
                model="nova_1_1",
                messages=messages,
                max_tokens=500,
            )
        """,
    ),
    _code(
        "LMX303",
        "unserved-message-role",
        "message role Lumyx does not serve",
        fix="never",
        what="""
            Checks for messages in literal message lists of chat completion calls (given
            directly or through a name assigned one) whose `role` is not served by Lumyx, such
            as `developer`, `tool` or `function`.
        """,
        why="""
            Lumyx serves the `system`, `user` and `assistant` roles. A `developer` message
            (OpenAI's newer name for instructions) can usually become a `system` message; `tool`
            and `function` messages belong to function calling, which Lumyx does not serve
            (see LMX302).
        """,
        example="""
            response = client.chat.completions.create(
                model="nova_1_1",
                messages=[
                    {"role": "developer", "content": "Answer in French."},
                    {"role": "user", "content": "Hello!"},
                ],
            )
        """,
        use_instead="""
            response = client.chat.completions.create(
                model="nova_1_1",
                messages=[
                    {"role": "system", "content": "Answer in French."},
                    {"role": "user", "content": "Hello!"},
                ],
            )
        """,
    ),
    _code(
        "LMX304",
        "too-many-stop-sequences",
        "more than 4 stop sequences",
        fix="never",
        what="""
            Checks for chat completion calls whose `stop=` argument is a list or tuple display
            (given directly or through a name assigned one) of more than 4 stop sequences.
        """,
        why="""
            Lumyx accepts up to 4 stop sequences (`max_stop` in the rules file). Keep the 4 that
            matter, or cut the output after the fact.
        """,
        example="""
            response = client.chat.completions.create(
                model="nova_1_1",
                messages=messages,
                stop=["END", "###", "Human:", "User:", "Q:"],
            )
        """,
        use_instead="""
            response = client.chat.completions.create(
                model="nova_1_1",
                messages=messages,
                stop=["END", "###", "Human:", "User:"],
            )
        """,
    ),
    _code(
        "LMX305",
        "unaccepted-chat-parameter-value",
        "chat parameter value Lumyx does not accept",
        fix="never",
        what="""
            Checks for literal values of served chat parameters that are outside the range Lumyx
            accepts, such as a `temperature` outside [0, 2].
        """,
        why="""
            Lumyx documents `temperature` as a sampling temperature between 0 and 2. A request
            with a value outside the range will not behave as written; such a value is often a
            slip (a percentage, a misplaced decimal point).
        """,
        example="""
            response = client.chat.completions.create(
                model="nova_1_1",
                messages=messages,
                temperature=7,
            )
        """,
        use_instead="""
            response = client.chat.completions.create(
                model="nova_1_1",
                messages=messages,
                temperature=0.7,
            )
        """,
    ),
    _code(
        "LMX401",
        "legacy-sdk-call",
        "SDK < 1.0 call",
        fix="sometimes",
        fix_title="Point the module-level configuration at Lumyx",
        severity="warning",
        what="""
            Checks for calls of the `openai` package's interface from before 1.0:
            `openai.ChatCompletion.create`, `openai.Completion.create`,
            `openai.Embedding.create` and the like.
        """,
        why="""
            These interfaces were removed in `openai` 1.0 and work only while the project pins an
            older SDK. The tool points the module-level configuration they use
            (`openai.api_key`, `openai.api_base`) at Lumyx, but does not rewrite the calls: their
            results are read differently in 1.x (attributes instead of dict keys), so porting
            them to a 1.x client needs a person.
        """,
        example="""
            import openai

            response = openai.ChatCompletion.create(model="gpt-4", messages=messages)
            text = response["choices"][0]["message"]["content"]
        """,
        use_instead=_join(
            _OS_OPENAI_IMPORTS,
            _LUMYX_CLIENT,
            """
            response = client.chat.completions.create(model="nova_1_1", messages=messages)
            text = response.choices[0].message.content
            """,
        ),
    ),
    _code(
        "LMX501",
        "hardcoded-api-key",
        "hardcoded API key in source",
        fix="sometimes",
        fix_title="Read the key from LUMYX_API_KEY",
        what="""
            Checks for string literals anywhere in the source that look like API keys: OpenAI
            keys (`sk-...`, `sk-proj-...`) and Lumyx keys (`nova_...`).
        """,
        why="""
            A key in source code ends up in version control, in every clone and in logs; anyone
            who reads it can spend on the account. Where the key is the `api_key=` of a client,
            the fix replaces it with `os.environ["LUMYX_API_KEY"]`, and the finding is reported
            all the same: the key has been exposed and must be rotated (revoked and replaced) in
            the provider's dashboard. Reports never print a key in full, only its first and last
            4 characters.
        """,
        example="""
            client = OpenAI(
                api_key="nova_...",
                base_url="https://api.lumyx-ai.site/v1",
            )
        """,
        use_instead=_LUMYX_CLIENT,
    ),
    _code(
        "LMX900",
        "syntax-error",
        "file could not be parsed",
        fix="never",
        what="""
            Reports a file that the Python running the tool could not parse. The file is never
            touched; the run goes on with the other files, and the exit code says so (`check`
            never exits 0).
        """,
        why="""
            A file the tool cannot parse can be neither checked nor migrated, so it may still
            talk to OpenAI. Analysis uses the grammar of the Python running the tool, as
            pyupgrade does: a file using newer syntax (a `type` statement under Python 3.11,
            a t-string under 3.13) does not parse. The message says which Python version parsed
            the file; run the tool under the project's own Python, or fix the syntax error.
        """,
        example="""
            def greet(name)
                return f"Hello, {name}!"
        """,
        use_instead="""
            def greet(name):
                return f"Hello, {name}!"
        """,
    ),
    _code(
        "LMX901",
        "decode-error",
        "file could not be decoded",
        fix="never",
        what="""
            Reports a file whose bytes are not valid in its encoding: the one its coding cookie
            (PEP 263) or byte order mark declares, else UTF-8. The file is never touched; the run
            goes on with the other files, and the exit code says so.
        """,
        why="""
            The tool decodes each file in its own encoding and writes it back the same way, so
            that a rewrite changes nothing else; a file it cannot decode can be neither checked
            nor rewritten safely, and may still talk to OpenAI. Declare the encoding the file
            really uses, or save it as UTF-8.
        """,
        example="""
            # -*- coding: utf-8 -*-
            # ...but the file was saved as Latin-1, so the byte of "á" is not UTF-8.
            GREETING = "Olá"
        """,
        use_instead="""
            # -*- coding: latin-1 -*-
            GREETING = "Olá"
        """,
    ),
)

CODES: dict[str, CodeInfo] = {info.code: info for info in sorted(_ALL, key=lambda i: i.code)}


def get(code: str) -> CodeInfo:
    """The registry entry of `code` (case-insensitive); KeyError when there is none."""
    return CODES[code.strip().upper()]


def known_selector(selector: str) -> bool:
    """Whether `selector` ("ALL", a code or a prefix of one, e.g. "LMX3") selects any code."""
    sel = selector.strip().upper()
    return sel == "ALL" or (bool(sel) and any(code.startswith(sel) for code in CODES))


def _specificity(code: str, selectors: Sequence[str]) -> int:
    """Length of the longest selector matching `code` ("ALL" counts 0); -1 when none does."""
    best = -1
    for selector in selectors:
        sel = selector.strip().upper()
        if sel == "ALL":
            best = max(best, 0)
        elif sel and code.startswith(sel):
            best = max(best, len(sel))
    return best


def select(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """Whether `code` is reported under `--select` / `--ignore`, with ruff's semantics.

    Selectors are codes or prefixes ("LMX3", "LMX") or "ALL". The most specific matching
    selector wins; on a tie, ignore wins. An empty `select` selects every code.
    """
    code = code.strip().upper()
    selected = _specificity(code, select) if select else 0
    if selected < 0:
        return False
    return _specificity(code, ignore) < selected


_FIX_SENTENCE = {
    "always": "Fix is always available.",
    "sometimes": "Fix is sometimes available.",
}


def _doc(info: CodeInfo, level: int) -> str:
    h = "#" * level
    parts = [f"{h} {info.code} ({info.name})", info.summary[:1].upper() + info.summary[1:] + "."]
    if info.fix in _FIX_SENTENCE:
        parts.append(_FIX_SENTENCE[info.fix])
    parts += [
        f"{h}# What it does\n{info.what}",
        f"{h}# Why is this bad?\n{info.why}",
        f"{h}# Example\n```python\n{info.example}\n```",
        f"{h}# Use instead\n```python\n{info.use_instead}\n```",
    ]
    return "\n\n".join(parts) + "\n"


def doc_markdown(code: str) -> str:
    """The documentation page of one code (what `explain` prints), in Markdown."""
    return _doc(get(code), 1)


def doc_url(code: str) -> str:
    """The URL of the code's section in docs/codes.md."""
    return f"{DOCS_URL}#{code.strip().lower()}"


_FIX_COLUMN = {"always": "yes", "sometimes": "sometimes", "never": "no"}


def codes_markdown() -> str:
    """The content of docs/codes.md: an index table, then every code's documentation."""
    lines = [
        "# Finding codes",
        "",
        "<!-- Generated from codemod/codes.py by codes_markdown(); do not edit by hand. -->",
        "",
        "Every finding of `lumyx-migrate` has a stable code. Select or ignore codes and prefixes",
        "with `--select` / `--ignore` (e.g. `--ignore LMX3`); silence one line with",
        "`# lumyx: ignore` or `# lumyx: ignore[LMX302,LMX303]`; print one page with",
        "`lumyx-migrate explain CODE`.",
        "",
        "Level is the severity in SARIF and GitHub annotations: *error* when the code, left as",
        "it is, fails, leaks or is not checked on Lumyx; *warning* when it needs a person's",
        "judgement and may be right as it is. `check` fails on both.",
        "",
        "| Code | Name | Meaning | Auto-fix | Level |",
        "|---|---|---|---|---|",
    ]
    for info in CODES.values():
        lines.append(
            f"| [{info.code}](#{info.code.lower()}) | {info.name} | {info.summary}"
            f" | {_FIX_COLUMN[info.fix]} | {info.severity} |"
        )
    out = "\n".join(lines) + "\n"
    for info in CODES.values():
        out += f'\n<a id="{info.code.lower()}"></a>\n\n' + _doc(info, 2)
    return out


def write_docs(path: Path = DOCS_PATH) -> None:
    """Regenerate docs/codes.md from this registry."""
    path.write_text(codes_markdown(), encoding="utf-8", newline="\n")
