"""Many files: the two phases of a run, spread over processes when there is enough work.

Phase 1 takes the Python modules and notebooks, phase 2 the environment templates and
deployment files, told whether any module reads the provider's key variable once migrated
(`Options.project_reads_lumyx`). `scan` keeps memory flat in the clean files: the parent
prefilters, a clean file is only counted, and a pool gets the candidates when they are enough
work. A clean file holding a connector word (`source.connector_words`) leaves its path behind:
once the candidates are known, it is read again and analysed when it names what one of them
exports (`_reach`: a module that only wires clients between others). Results come back sorted
by display path, whatever `--jobs` is."""

from __future__ import annotations

import dataclasses
import io
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from codemod import runner
from codemod.deploy.kinds import is_deployment_file
from codemod.options import Options
from codemod.prefilter import builds_clients
from codemod.types import FileResult

if TYPE_CHECKING:
    from codemod.analysis.facts import ClientRecord
    from codemod.analysis.project import ProjectView

# Below this much candidate source (each file counted with a fixed cost) a pool costs more than it saves.
POOL_MIN_BYTES, FILE_COST_BYTES = 512 * 1024, 4096

_WORKER_OPTS: Options | None = None


def _init_worker(opts: Options) -> None:
    global _WORKER_OPTS
    _WORKER_OPTS = opts


def _chunk_worker(chunk: list[tuple[str, str]]) -> list[FileResult]:
    assert _WORKER_OPTS is not None
    return [runner.process_file(Path(p), d, _WORKER_OPTS) for p, d in chunk]


def _bare_worker(chunk: list[tuple[str, str]]) -> list[FileResult]:
    """`_chunk_worker` for the second look of `scan`, which keeps no summary: none comes back."""
    return [dataclasses.replace(r, summary=None) for r in _chunk_worker(chunk)]


def _packed_worker(chunk: list[tuple[str, str]]) -> list[FileResult]:
    """`_chunk_worker` for `scan`: each summary that can matter comes back pickled (bytes), the
    others not at all. The parent holds bytes, not thousands of small objects, until the project
    view needs them (`_unpack`): what a big tree's candidates cost its peak memory."""
    return [
        dataclasses.replace(r, summary=pickle.dumps(r.summary) if _worth_keeping(r.summary) else None)
        for r in _chunk_worker(chunk)
    ]


def _shared(value: object, table: dict[object, object]) -> object:
    """`value` with each immutable value in it (strings, numbers, tuples, frozensets, nested
    frozen dataclasses) replaced by the equal one `table` already holds: equal values, so nothing
    reads differently, but held once each (summaries repeat their references, paths and models)."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        return table.setdefault(value, value)
    if isinstance(value, tuple | frozenset):
        rebuilt = type(value)(_shared(item, table) for item in value)
        return table.setdefault((type(value), rebuilt), rebuilt)
    if isinstance(value, dict):
        return {_shared(k, table): _shared(v, table) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        old = {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.init}
        new = {name: _shared(item, table) for name, item in old.items()}
        changed = {name: item for name, item in new.items() if item is not old[name]}
        return dataclasses.replace(value, **changed) if changed else value
    return value


def run(
    files: Sequence[tuple[Path, str]],
    opts: Options,
    *,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[FileResult]:
    """Process `files` ((path, display path) pairs), every result kept; sorted by display path.

    Python modules and notebooks first; then the deployment files, told whether any module
    reads the provider's key variable once migrated (`Options.project_reads_lumyx`)."""
    code = [pair for pair in files if not is_deployment_file(pair[1])]
    deployment = [pair for pair in files if is_deployment_file(pair[1])]
    results = list(iter_results(code, opts, jobs=jobs, progress=progress))
    where = {display: str(path) for path, display in code}
    wired = _reach([r.summary for r in results], [(where[r.path], r.path) for r in results if r.connector], opts)
    results = [wired.get(r.path, (r, ""))[0] for r in results]
    view = _view([r.summary for r in results], opts)
    if view is not None:
        redone = _redo(view, code, opts, jobs)
        results = [redone.get(r.path, r) for r in results]
    if deployment:
        reads = opts.project_reads_lumyx or any(r.reads_provider_env for r in results)
        phase2 = dataclasses.replace(opts, project_reads_lumyx=reads)
        results += iter_results(deployment, phase2, jobs=jobs, progress=progress)
    results.sort(key=lambda r: r.path)
    return results


def iter_results(
    files: Sequence[tuple[Path, str]],
    opts: Options,
    *,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    worker: Callable[[list[tuple[str, str]]], list[FileResult]] = _chunk_worker,
) -> Iterator[FileResult]:
    """Results as they finish (unordered when parallel). `progress(n)` after each n files.
    `worker` processes a chunk in a worker process: for `scan`, one that sends back each summary
    pickled (`_packed_worker`) or none (`_bare_worker`)."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(files) < 2:
        for path, display in files:
            yield runner.process_file(path, display, opts)
            if progress:
                progress(1)
        return
    from codemod import forkpool  # imported here: a run without a pool costs nothing

    size = max(1, min(64, len(files) // (jobs * 8) or 1))
    chunks = [[(str(p), d) for p, d in files[i : i + size]] for i in range(0, len(files), size)]
    batches = _forked(chunks, opts, jobs, worker) if forkpool.available() else _executor(chunks, opts, jobs, worker)
    for batch in batches:
        yield from batch
        if progress:
            progress(len(batch))


def _forked(
    chunks: list[list[tuple[str, str]]], opts: Options, jobs: int, worker: Callable[[list[tuple[str, str]]], list[FileResult]]
) -> Iterator[list[FileResult]]:
    """Each chunk's results from workers forked from this process (they inherit the options)."""
    from codemod import forkpool

    global _WORKER_OPTS
    _WORKER_OPTS = opts
    try:
        for index, batch in forkpool.imap(worker, chunks, jobs):
            yield batch if batch is not None else [_worker_died(display) for _, display in chunks[index]]
    finally:
        _WORKER_OPTS = None


def _executor(
    chunks: list[list[tuple[str, str]]], opts: Options, jobs: int, worker: Callable[[list[tuple[str, str]]], list[FileResult]]
) -> Iterator[list[FileResult]]:
    """Each chunk's results from a `concurrent.futures` pool, where forking is not safe."""
    # Imported here: they cost a run without a pool nothing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), initializer=_init_worker, initargs=(opts,)) as pool:
        futures = {pool.submit(worker, chunk): chunk for chunk in chunks}
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                # A worker died (a crash in native code, the OOM killer): every file it had not
                # finished is an internal error, reported as such; the run still ends normally.
                yield [_worker_died(display) for _, display in futures[future]]


def _worker_died(display: str) -> FileResult:
    message = "internal error: the worker process handling this file (or one next to it) died; run with --jobs 1 to find which file"
    return FileResult(display, error=message, internal_error=True)


@dataclass
class Scan:
    """The files with something to say, by display path; clean ones counted (paths kept on request)."""

    results: list[FileResult] = field(default_factory=list)
    clean: int = 0
    clean_paths: list[str] | None = None
    reads_provider_env: bool = False  # some module (clean ones too) reads the provider's key variable
    # What candidate modules tell the project view, and where they are (for the second look)
    summaries: list[object] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)  # display -> path of each kept result
    clients: list[ClientRecord] = field(default_factory=list)  # one decision a constructor, by place
    # Clean modules holding a connector word, read again by `_reach`: "path NUL display NUL" each,
    # in one buffer (a tuple of two strings a file would cost more than the run's memory goal allows)
    connectors: io.StringIO = field(default_factory=io.StringIO)

    def add(self, result: FileResult, path: str = "") -> None:
        self.reads_provider_env = self.reads_provider_env or result.reads_provider_env
        if result.connector:
            self.connectors.write(f"{path}\0{result.path}\0")
        if isinstance(result.summary, bytes) or _worth_keeping(result.summary):
            self.summaries.append(result.summary)
            self.paths[result.path] = path
        if result.findings or result.error is not None or result.skipped is not None or result.changed:
            self.results.append(result)
            self.where[result.path] = path or self.paths.get(result.path, "")
            return
        self.clean += 1
        if self.clean_paths is not None:
            self.clean_paths.append(result.path)


def _worth_keeping(summary: object) -> bool:
    """A summary that can matter to the project view: it builds, uses, passes or exports, defines
    model constants (which a call that stays on OpenAI may pass) or relies on model names (a price
    table, an Enum of models)."""
    return any(getattr(summary, name, None) for name in ("ctors", "uses", "passes", "exports", "models", "names"))


def scan(
    files: Iterable[tuple[str, str]],
    opts: Options,
    *,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    keep_clean: bool = False,
) -> Scan:
    """`files` ((path, display) pairs) in the two phases of `run`, keeping no result for a clean
    file. Deployment files (few) are held back until every module has been seen."""
    out, tick = Scan(clean_paths=[] if keep_clean else None), progress or (lambda n: None)
    jobs = jobs or os.cpu_count() or 1
    deployment: list[tuple[str, str]] = []
    _phase(_held_back(files, deployment), opts, out, jobs, tick)
    _reach_scan(out, opts)
    _second_look(out, opts, jobs)
    if deployment:
        reads = opts.project_reads_lumyx or out.reads_provider_env
        _phase(deployment, dataclasses.replace(opts, project_reads_lumyx=reads), out, jobs, tick)
    out.results.sort(key=lambda r: r.path)
    out.clean_paths = None if out.clean_paths is None else sorted(out.clean_paths)
    return out


def _held_back(files: Iterable[tuple[str, str]], deployment: list[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """The modules and notebooks of `files`; the deployment files go to `deployment`."""
    for pair in files:
        if is_deployment_file(pair[1]):
            deployment.append(pair)
        else:
            yield pair


def _phase(files: Iterable[tuple[str, str]], opts: Options, out: Scan, jobs: int, tick: Callable[[int], None]) -> None:
    """One phase of `scan`: the parent reads each file once; a pool (whose workers read them
    again) gets the candidates when they are enough work."""
    candidates: list[tuple[Path, str]] = []
    size = 0
    for path, display in files:
        first = runner.process_file(path, display, opts) if jobs <= 1 else runner.prefiltered(path, display, opts)
        if isinstance(first, int):
            candidates.append((Path(path), display))
            size += first + FILE_COST_BYTES
            continue
        out.add(first, path)
        tick(1)
    if jobs > 1 and len(candidates) >= 2 and size >= POOL_MIN_BYTES:
        if opts.fix:
            import libcst  # noqa: F401 - imported once here, inherited by the forked workers
        where = {display: str(path_) for path_, display in candidates}
        for result in iter_results(candidates, opts, jobs=jobs, progress=tick, worker=_packed_worker):
            out.add(result, where.get(result.path, ""))
    else:
        for path_, display in candidates:
            out.add(runner.process_file(path_, display, opts), str(path_))
            tick(1)


def _reach(
    summaries: Sequence[object], connectors: Iterable[tuple[str, str]], opts: Options
) -> dict[str, tuple[FileResult, str]]:
    """The second stage: the connector modules (clean, holding a connector word) that name what a
    candidate exports, analysed like candidates, by display path with their path. No candidate
    building a client, or no connector: nothing is read again."""
    from codemod.prefilter import Wiring

    wiring = Wiring.from_summaries(summaries)
    if wiring is None:
        return {}
    found = ((runner.process_connector(path, display, opts, wiring), path) for path, display in connectors)
    return {result.path: (result, path) for result, path in found if result is not None}


def _reach_scan(out: Scan, opts: Options) -> None:
    """`_reach` for `scan`: a connector module it analyses stops being counted clean, and joins
    the project view (its summary) and the results (when it has something to say)."""
    _unpack(out.summaries)
    text = out.connectors.getvalue()
    out.connectors = io.StringIO()
    wired = _reach(out.summaries, _pairs(text), opts)
    if not wired:
        return
    out.clean -= len(wired)
    if out.clean_paths is not None:
        out.clean_paths = [p for p in out.clean_paths if p not in wired]
    for result, path in wired.values():
        out.add(result, path)


def _unpack(summaries: list[object]) -> None:
    """Our workers' pickled summaries (`_packed_worker`) as objects, in place, one at a time, each
    equal value shared across them all (`_shared`): modules repeat each other's names, models and
    references, and the parent holds every candidate's summary until the project view is built."""
    table: dict[object, object] = {}
    for index, summary in enumerate(summaries):
        if isinstance(summary, bytes):
            summaries[index] = _shared(pickle.loads(summary), table)


def _pairs(text: str) -> Iterator[tuple[str, str]]:
    """The (path, display) pairs of `Scan.connectors`, one at a time (a list of them all would
    cost what the buffer saves)."""
    start = 0
    while start < len(text):
        middle = text.index("\0", start)
        end = text.index("\0", middle + 1)
        yield text[start:middle], text[middle + 1 : end]
        start = end + 1


def _second_look(out: Scan, opts: Options, jobs: int) -> None:
    """Decide every client from the whole project; process again the modules whose result
    that changes (a client kept or split, calls on clients built in other modules)."""
    view = _view(out.summaries, opts)
    if view is None:
        return
    out.clients = view.records(opts.rules.module_config.module)
    out.summaries.clear()
    again = [(Path(path), display) for display, path in out.paths.items()]
    redone = _redo(view, again, opts, jobs, worker=_bare_worker)  # their summaries: not kept
    kept = [r for r in out.results if r.path not in redone]
    out.clean -= len(redone) - (len(out.results) - len(kept))  # the redone were clean or listed
    if out.clean_paths is not None:
        out.clean_paths = [p for p in out.clean_paths if p not in redone]
    out.results = kept
    for result in redone.values():
        out.add(dataclasses.replace(result, summary=None))


def _redo(
    view: ProjectView,
    files: Sequence[tuple[Path, str]],
    opts: Options,
    jobs: int | None,
    worker: Callable[[list[tuple[str, str]]], list[FileResult]] = _chunk_worker,
) -> dict[str, FileResult]:
    """The files whose result the project view changes, processed again with it, by path."""
    again = [(path, display) for path, display in files if view.needs_second_look(display)]
    results = iter_results(again, dataclasses.replace(opts, project=view), jobs=jobs, worker=worker)
    return {r.path: r for r in results}


def _view(summaries: list[object], opts: Options) -> ProjectView | None:
    from codemod.analysis.project import ProjectView
    from codemod.analysis.summary import Summary

    known = [s for s in summaries if isinstance(s, Summary)]
    if opts.project is not None or not builds_clients(known):
        return None
    return ProjectView(known, opts.rules, split=opts.split_clients)
