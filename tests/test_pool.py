"""What the parent of a pool keeps of its candidates (codemod/pool.py): summaries come back
pickled and are unpacked with every equal value held once across them."""

from __future__ import annotations

import pickle

from codemod.analysis.summary import Ctor, Summary, Use
from codemod.pool import _unpack


def summary(path: str) -> Summary:
    ctor = Ctor(id=f"{path}:3:10", spec="openai", target="client", status="migrate", name="OpenAI")
    use = Use(refs=frozenset({"n:app.clients.client"}), path="chat.completions.create", kind="served", line=9, col=4)
    return Summary(path=path, module=path.removesuffix(".py"), ctors=(ctor,), uses=(use,), models=("gpt-4o",))


def test_unpacked_summaries_equal_their_originals_and_share_equal_values() -> None:
    originals = [summary("a.py"), summary("b.py")]
    held: list[object] = [pickle.dumps(s) for s in originals]
    _unpack(held)
    assert held == originals
    a, b = held
    assert isinstance(a, Summary) and isinstance(b, Summary)
    assert a.uses[0].refs is b.uses[0].refs, "an equal reference set is held once"
    assert a.uses[0].path is b.uses[0].path
    assert a.models is b.models
    assert a.ctors[0].id is not b.ctors[0].id and a.ctors[0].id == "a.py:3:10"


def test_summaries_of_this_process_are_left_as_they_are() -> None:
    own = summary("a.py")
    held: list[object] = [own]
    _unpack(held)
    assert held[0] is own
