"""Worker processes forked from this one and fed through pipes, where `fork` is safe (Linux).

Why not `concurrent.futures`: its imports (multiprocessing, socket, logging, subprocess,
threading) and its two threads cost the parent about 2.5 MB of resident memory, more than a run
holds for 10,000 clean files (issue 11), and a worker that dies breaks the whole pool. Here a
forked worker inherits what the parent has loaded (libcst for a diff, the options), takes one
task at a time, and a worker that dies (a crash in native code, the OOM killer, a signal) costs
only its own task, reported as None; a fresh worker takes its place.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_HEADER = struct.Struct("<Q")
_READ_MAX = 1 << 20


def available() -> bool:
    """Forking a process that holds no threads is safe on Linux; elsewhere (macOS frameworks,
    Windows) the caller uses `concurrent.futures` with the platform's own start method."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


@dataclass
class _Worker:
    pid: int
    tasks: int  # the parent's end of the pipe the worker reads tasks from
    results: int  # the parent's end of the pipe the worker writes results to


def imap(work: Callable[[T], R], tasks: Sequence[T], jobs: int) -> Iterator[tuple[int, R | None]]:
    """`(index, work(tasks[index]))` for every task, in the order workers finish them; None as
    the result of a task whose worker died. At most `jobs` workers; with none to be had (fork
    refused), the tasks run in this process."""
    queue = iter(range(len(tasks)))
    workers: list[_Worker] = []
    busy: dict[int, tuple[_Worker, int]] = {}  # results fd -> (worker, task index)
    finished = False
    try:
        for index in queue:
            worker = _spawn(work, workers) if len(workers) < jobs else None
            if worker is None:
                queue = _chain(index, queue)
                break
            _send(worker, busy, tasks, index)
        while busy:
            waiting = select.poll()  # no FD_SETSIZE limit, unlike select.select
            for fd in busy:
                waiting.register(fd, select.POLLIN)
            for fd, _ in waiting.poll():
                done, index = busy.pop(fd)
                result = _receive(fd)
                worker = done
                if result is None:  # the worker died: its task is lost, a new one takes its place
                    _reap(done, workers, kill=True)
                    worker = _spawn(work, workers)
                yield index, None if result is None else pickle.loads(result)
                following = next(queue, None)
                if following is not None and worker is not None:
                    _send(worker, busy, tasks, following)
                elif following is not None:
                    queue = _chain(following, queue)
        for index in queue:  # no worker could be forked: this process does the rest
            yield index, work(tasks[index])
        finished = True
    finally:
        for each in list(workers):
            _reap(each, workers, kill=not finished)


def _chain(first: int, rest: Iterator[int]) -> Iterator[int]:
    yield first
    yield from rest


def _send(worker: _Worker, busy: dict[int, tuple[_Worker, int]], tasks: Sequence[T], index: int) -> None:
    # A worker that is gone (killed while idle) fails the write; its results pipe then ends, and
    # the task is reported lost like any other of a dead worker.
    with contextlib.suppress(BrokenPipeError):
        _write_message(worker.tasks, pickle.dumps(tasks[index], pickle.HIGHEST_PROTOCOL))
    busy[worker.results] = (worker, index)


def _spawn(work: Callable[[T], R], workers: list[_Worker]) -> _Worker | None:
    """A new worker serving `work`, added to `workers`; None when the system refuses a fork."""
    try:
        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        for fd in (task_r, task_w, result_r, result_w):
            os.close(fd)
        return None
    if pid == 0:  # pragma: no cover - the child (forked workers are not measured); _serve is tested in process
        code = 1
        try:
            # Ctrl-C reaches the whole process group: a worker ends quietly, the parent reports it.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            for fd in (task_w, result_r, *(fd for w in workers for fd in (w.tasks, w.results))):
                os.close(fd)
            _serve(work, task_r, result_w)
            code = 0
        finally:
            os._exit(code)
    os.close(task_r)
    os.close(result_w)
    worker = _Worker(pid, task_w, result_r)
    workers.append(worker)
    return worker


def _serve(work: Callable[[T], R], tasks: int, results: int) -> None:
    """A worker's life: each task read from `tasks`, its result written to `results`, until the
    parent closes `tasks`."""
    while (message := _read_message(tasks)) is not None:
        _write_message(results, pickle.dumps(work(pickle.loads(message)), pickle.HIGHEST_PROTOCOL))


def _reap(worker: _Worker, workers: list[_Worker], *, kill: bool) -> None:
    """Close the worker's pipes (an idle worker then ends) and wait for it; `kill` first when it
    may be busy (the run was interrupted) or is already gone."""
    workers.remove(worker)
    if kill:  # an unreaped worker exists (as a zombie at worst): the signal cannot miss
        os.kill(worker.pid, signal.SIGKILL)
    for fd in (worker.tasks, worker.results):
        os.close(fd)
    os.waitpid(worker.pid, 0)


def _receive(fd: int) -> bytearray | None:
    """One result; None when the worker died before it had written all of it."""
    try:
        return _read_message(fd)
    except EOFError:
        return None


def _read_message(fd: int) -> bytearray | None:
    """One length-prefixed message; None at a clean end of the stream (between messages)."""
    header = _read_exact(fd, _HEADER.size, at_start=True)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    body = _read_exact(fd, size, at_start=False)
    assert body is not None
    return body


def _read_exact(fd: int, size: int, *, at_start: bool) -> bytearray | None:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = os.readv(fd, [view[got : got + _READ_MAX]])
        if count == 0:
            if got == 0 and at_start:
                return None
            raise EOFError("the stream ended inside a message")
        got += count
    return buffer


def _write_message(fd: int, data: bytes) -> None:
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]
