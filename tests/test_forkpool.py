"""The forked worker pool (codemod/forkpool.py): every task answered once, a dead worker costing
only its own task, the work done in process when no fork is to be had, and no worker left behind."""

from __future__ import annotations

import os
import pickle
import signal
import time

import pytest

from codemod import forkpool

pytestmark = pytest.mark.skipif(not forkpool.available(), reason="forked workers are used on Linux only")


def square(n: int) -> int:
    return n * n


def results(jobs: int, tasks: list[int], work: object = square) -> dict[int, object]:
    out: dict[int, object] = {}
    for index, result in forkpool.imap(work, tasks, jobs):  # type: ignore[arg-type]
        assert index not in out, "each task is answered once"
        out[index] = result
    return out


@pytest.mark.parametrize(
    ("jobs", "count"),
    [
        pytest.param(1, 5, id="one worker takes every task in turn"),
        pytest.param(2, 9, id="two workers share the tasks"),
        pytest.param(4, 2, id="more workers allowed than tasks"),
        pytest.param(2, 0, id="no task: no worker"),
    ],
)
def test_every_task_is_answered_once(jobs: int, count: int) -> None:
    assert results(jobs, list(range(count))) == {i: i * i for i in range(count)}


def test_the_work_runs_in_forked_children() -> None:
    pids = set(results(2, list(range(6)), lambda _: os.getpid()).values())
    assert os.getpid() not in pids
    assert 1 <= len(pids) <= 2


def test_a_result_bigger_than_a_pipe_comes_back_whole() -> None:
    big = results(2, [3_000_000, 5], lambda n: b"x" * n)
    assert big == {0: b"x" * 3_000_000, 1: b"xxxxx"}


@pytest.mark.parametrize(
    "die",
    [
        pytest.param(lambda: os._exit(1), id="a worker that exits"),
        pytest.param(lambda: os.kill(os.getpid(), signal.SIGKILL), id="a worker killed by a signal"),
    ],
)
def test_a_dead_worker_costs_only_its_own_task(die: object) -> None:
    def work(n: int) -> int:
        if n == 3:
            die()  # type: ignore[operator]
        return n * n

    assert results(2, list(range(8)), work) == {i: None if i == 3 else i * i for i in range(8)}


def test_without_fork_the_work_is_done_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> int:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    assert results(2, list(range(4)), lambda _: os.getpid()) == dict.fromkeys(range(4), os.getpid())


def test_a_run_stopped_early_kills_its_busy_worker_and_reaps_both(monkeypatch: pytest.MonkeyPatch) -> None:
    real_waitpid = os.waitpid
    ended: dict[int, str] = {}

    def waitpid(pid: int, options: int) -> tuple[int, int]:
        reaped, status = real_waitpid(pid, options)
        ended[reaped] = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
        return reaped, status

    def work(n: int) -> int:
        if n:
            time.sleep(60)  # busy when the run is stopped: killed, not waited for
        return os.getpid()

    monkeypatch.setattr(os, "waitpid", waitpid)
    answers = forkpool.imap(work, [0, 1, 2], 2)
    _, idle = next(answers)
    answers.close()
    assert len(ended) == 2
    assert set(ended.values()) == {f"signal {signal.SIGKILL}"}, "stopped early, every worker is killed"
    with pytest.raises(ProcessLookupError):
        os.kill(idle, 0)  # type: ignore[arg-type]


def test_a_worker_serves_until_its_tasks_end() -> None:
    """The child's loop, run in this process: what a worker reads and writes."""
    tasks_r, tasks_w = os.pipe()
    results_r, results_w = os.pipe()
    for task in (2, 7):
        forkpool._write_message(tasks_w, pickle.dumps(task))
    os.close(tasks_w)
    forkpool._serve(square, tasks_r, results_w)
    os.close(results_w)
    answers = []
    while (message := forkpool._read_message(results_r)) is not None:
        answers.append(pickle.loads(message))
    assert answers == [4, 49]
    os.close(tasks_r)
    os.close(results_r)


def test_a_stream_cut_inside_a_message_is_a_death_not_an_end() -> None:
    read, write = os.pipe()
    os.write(write, forkpool._HEADER.pack(10) + b"abc")
    os.close(write)
    assert forkpool._receive(read) is None
    with pytest.raises(EOFError):
        forkpool._read_exact(read, 1, at_start=False)
    os.close(read)
