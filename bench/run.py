"""`make bench`: time lumyx-migrate against its floors on two generated corpora.

Generates corpus A (ordinary code, no OpenAI use) and corpus B (OpenAI use in every file)
under a temporary directory (see bench/corpus.py), then runs every measurement as its own
subprocess, `--runs` times, interleaved, and prints medians, minimums, peak RSS and the goals
of issue 5. See bench/README.md for what each number means.

Each measured command is started by a small wrapper process (written to the temp dir) that
times it with a monotonic clock and then reads its own RUSAGE_CHILDREN ru_maxrss: the largest
RSS of any process of that command (worker processes included, as they are waited for), with a
fresh wrapper per command so that nothing accumulates across commands.

Usage: .venv/bin/python bench/run.py [--runs N] [--quick] [--only-baselines] [--keep]
                                     [--corpus DIR] [--timeout S]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # bench/ is not a package: imported from this directory
import scale

BIG_MODULE = "diff one 5 MB module"

RSS_GOAL_MB = 250.0

WRAPPER = r'''
"""Run one command; report its wall time, exit code and the peak RSS of its processes."""
import json, os, resource, signal, subprocess, sys, time

err_path, timeout, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
with open(err_path, "wb") as err:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=err, start_new_session=True)
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        rc = "timeout"
    wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "maxrss_kb": ru.ru_maxrss}))
'''

FLOOR = r'''
"""The floor: read every .py file of a tree and search its bytes for a few substrings."""
import os, sys

NEEDLES = (b"openai", b"OpenAI", b"gpt-")
files = size = hits = 0
for root, _dirs, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith(".py"):
            with open(os.path.join(root, name), "rb") as fh:
                data = fh.read()
            files += 1
            size += len(data)
            if any(n in data for n in NEEDLES):
                hits += 1
print(files, size, hits)
'''

BARE_LIBCST = r'''
"""Bare libcst: parse_module + .code of every .py file of a tree, with N worker processes."""
import os, sys
from concurrent.futures import ProcessPoolExecutor

import libcst


def work(paths):
    bad = 0
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        if libcst.parse_module(text).code != text:
            bad += 1
    return bad


def main():
    root, jobs = sys.argv[1], int(sys.argv[2])
    paths = sorted(os.path.join(r, n) for r, _d, ns in os.walk(root) for n in ns if n.endswith(".py"))
    if jobs <= 1:
        bad = work(paths)
    else:
        chunks = [paths[i:i + 16] for i in range(0, len(paths), 16)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            bad = sum(pool.map(work, chunks))
    print(len(paths), "files,", bad, "round-trip mismatches")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
'''


@dataclass
class Measurement:
    name: str
    jobs: int
    argv: list[str]
    tool: bool  # a lumyx-migrate command (its exit codes 0/1 are normal)
    walls: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    failure: str | None = None
    rss_goal: bool = True  # counts for the peak RSS goal (tool commands on the corpora)

    @property
    def ok(self) -> bool:
        return self.failure is None and bool(self.walls)

    def median(self) -> float | None:
        return statistics.median(self.walls) if self.ok else None

    def peak_mb(self) -> float | None:
        return max(self.rss_kb) / 1024 if self.ok else None


def tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip("\n").split("\n")[-lines:])


def run_once(m: Measurement, work: Path, root: Path, timeout: float,
             env: dict[str, str]) -> None:
    err = work / "stderr.txt"
    proc = subprocess.run(
        [sys.executable, str(work / "wrapper.py"), str(err), str(timeout), *m.argv],
        cwd=root, env=env, capture_output=True, text=True, check=False,
    )
    try:
        res = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        m.failure = f"wrapper failed (exit {proc.returncode}): {proc.stderr.strip()[-400:]}"
        print(f"  FAILED {m.name} --jobs {m.jobs}: {m.failure}", flush=True)
        return
    rc = res["rc"]
    good = {0, 1} if m.tool else {0}
    if rc not in good:
        why = "timed out" if rc == "timeout" else f"exit code {rc}"
        m.failure = why
        print(f"  FAILED {m.name} --jobs {m.jobs}: {why}; command: {' '.join(m.argv)}", flush=True)
        text = tail(err)
        if text:
            print("  stderr (last lines):\n" + "\n".join("    " + ln for ln in text.split("\n")),
                  flush=True)
        return
    m.walls.append(res["wall"])
    m.rss_kb.append(res["maxrss_kb"])


def tool_problem(env: dict[str, str]) -> str | None:
    """Why `python -m codemod check/diff` cannot run, or None when both answer --help."""
    for cmd in ("check", "diff"):
        proc = subprocess.run([sys.executable, "-m", "codemod", cmd, "--help"],
                              capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).strip().splitlines()
            return f"`{cmd} --help`: " + (lines[-1] if lines else f"exit code {proc.returncode}")
    return None


def measurements(work: Path, with_tool: bool) -> list[Measurement]:
    py = sys.executable
    a, b = "a", "b"  # relative to the corpus root, the commands' working directory
    ms = [
        Measurement("python start-up (-c pass)", 1, [py, "-c", "pass"], False),
        Measurement("floor: read A + search bytes", 1, [py, str(work / "floor.py"), a], False),
        Measurement("bare libcst parse+code B", 1, [py, str(work / "bare_libcst.py"), b, "1"], False),
        Measurement("bare libcst parse+code B", 2, [py, str(work / "bare_libcst.py"), b, "2"], False),
    ]
    if with_tool:
        for cmd in ("check", "diff"):
            for tree in (a, b):
                for jobs in (1, 2):
                    ms.append(Measurement(
                        f"{cmd} {tree.upper()}", jobs,
                        [py, "-m", "codemod", cmd, tree, "--jobs", str(jobs), "--quiet"], True))
        # One huge file holds a huge syntax tree: shown, but not held to the RSS goal.
        big = str(work / "big" / "big.py")
        ms.append(Measurement(BIG_MODULE, 1, [py, "-m", "codemod", "diff", big, "--quiet"], True,
                              rss_goal=False))
    return ms


def fmt(x: float | None, spec: str = ".3f") -> str:
    return "-" if x is None else format(x, spec)


def table(headers: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    sep = "  ".join("-" * w for w in widths).rstrip()
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


def find(ms: list[Measurement], name: str, jobs: int) -> Measurement | None:
    return next((m for m in ms if m.name == name and m.jobs == jobs), None)


def goals(ms: list[Measurement]) -> list[list[str]]:
    rows: list[list[str]] = []
    floor = find(ms, "floor: read A + search bytes", 1)

    def ratio_row(label: str, num: Measurement | None, den: Measurement | None,
                  target: float) -> None:
        if num is None:
            return
        if not num.ok or den is None or not den.ok:
            who = num if not num.ok else den
            why = f"{who.name} --jobs {who.jobs} FAILED" if who else "no baseline"
            rows.append([label, why, f"<= {target}x", "FAIL"])
            return
        r = num.median() / den.median()  # type: ignore[operator]
        rows.append([label, f"{r:.2f}x", f"<= {target}x", "PASS" if r <= target else "FAIL"])

    for jobs in (1, 2):
        ratio_row(f"check A / floor (jobs {jobs} vs floor)", find(ms, "check A", jobs), floor, 2.5)
    for jobs in (1, 2):
        ratio_row(f"check B / bare libcst B (jobs {jobs})", find(ms, "check B", jobs),
                  find(ms, "bare libcst parse+code B", jobs), 0.5)
    for jobs in (1, 2):
        ratio_row(f"diff B / bare libcst B (jobs {jobs})", find(ms, "diff B", jobs),
                  find(ms, "bare libcst parse+code B", jobs), 2.0)
    big = find(ms, BIG_MODULE, 1)
    if big is not None:
        target = f"<= {scale.BIG_MODULE_GOAL_S:.0f} s"
        if big.ok:
            r = big.median() or 0.0
            verdict = "PASS" if r <= scale.BIG_MODULE_GOAL_S else "FAIL"
            rows.append([BIG_MODULE, f"{r:.2f} s median", target, verdict])
        else:
            rows.append([BIG_MODULE, f"FAILED ({big.failure})", target, "FAIL"])
    tools = [m for m in ms if m.tool and m.rss_goal]
    if tools:
        done = [m for m in tools if m.ok]
        failed = [m for m in tools if not m.ok]
        if done:
            top = max(done, key=lambda m: m.peak_mb() or 0.0)
            peak = top.peak_mb() or 0.0
            verdict = "PASS" if peak <= RSS_GOAL_MB and not failed else "FAIL"
            measured = f"{peak:.1f} MB ({top.name}, jobs {top.jobs})"
            if failed:
                measured += f"; {len(failed)} command(s) FAILED"
        else:
            verdict, measured = "FAIL", "all commands FAILED"
        rows.append(["peak RSS of any lumyx-migrate process", measured,
                     f"<= {RSS_GOAL_MB:.0f} MB", verdict])
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark lumyx-migrate (issue 5).")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median; >= 1)")
    ap.add_argument("--quick", action="store_true",
                    help=f"smaller corpora ({corpus.QUICK_A_FILES} + {corpus.QUICK_B_FILES} files)")
    ap.add_argument("--only-baselines", action="store_true",
                    help="skip the lumyx-migrate commands (floor, libcst and start-up only)")
    ap.add_argument("--corpus", type=Path, help="use the corpora already in DIR/a and DIR/b")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir and print its path")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per command")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be >= 1")

    t_start = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="lumyx-bench-"))
    env = dict(os.environ, NO_COLOR="1", CI="1")
    for var in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE"):
        env.pop(var, None)
    root = args.corpus.resolve() if args.corpus else work
    try:
        if args.corpus:
            if not ((root / "a").is_dir() and (root / "b").is_dir()):
                ap.error(f"{root} holds no a/ and b/ corpora")
            print(f"corpora: reusing {root}")
        else:
            a_n = corpus.QUICK_A_FILES if args.quick else corpus.DEFAULT_A_FILES
            b_n = corpus.QUICK_B_FILES if args.quick else corpus.DEFAULT_B_FILES
            t0 = time.perf_counter()
            sa, sb = corpus.generate(work, a_n, b_n)
            print(sa.line("corpus A (no OpenAI use)"))
            print(sb.line("corpus B (OpenAI use)   "))
            print(f"corpora generated in {time.perf_counter() - t0:.1f} s under {work}")
        (work / "wrapper.py").write_text(WRAPPER, encoding="utf-8")
        (work / "floor.py").write_text(FLOOR, encoding="utf-8")
        (work / "bare_libcst.py").write_text(BARE_LIBCST, encoding="utf-8")

        with_tool = not args.only_baselines
        problem = tool_problem(env) if with_tool else None
        if problem:
            print(f"lumyx-migrate is not usable ({problem}): its commands are marked FAILED")
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"{args.runs} run(s) per measurement, load average {os.getloadavg()[0]:.2f} "
              "(other work on the machine inflates the medians)\n", flush=True)

        ms = measurements(work, with_tool)
        if with_tool:
            scale.write_big_module(work / "big" / "big.py")
        if problem:
            for m in ms:
                if m.tool:
                    m.failure = "command not available"
        # Untimed warm-up: byte-code caches and the page cache of both trees.
        for warm in ([sys.executable, "-c", "import libcst"],
                     [sys.executable, str(work / "floor.py"), "b"],
                     [sys.executable, str(work / "floor.py"), "a"]):
            subprocess.run(warm, cwd=root, env=env, capture_output=True, check=False)
        for i in range(args.runs):
            t_run = time.perf_counter()
            for m in ms:
                if m.failure is None:
                    run_once(m, work, root, args.timeout, env)
            print(f"run {i + 1}/{args.runs} done in {time.perf_counter() - t_run:.1f} s",
                  flush=True)

        rows = []
        for m in ms:
            status = "" if m.ok else f"FAILED ({m.failure})"
            rows.append([m.name, str(m.jobs), fmt(m.median()),
                         fmt(min(m.walls) if m.ok else None), fmt(m.peak_mb(), ".1f"), status])
        headers = ["measurement", "jobs", "median s", "min s", "peak RSS MB", "status"]
        if all(not r[-1] for r in rows):
            headers, rows = headers[:-1], [r[:-1] for r in rows]
        print()
        print(table(headers, rows, {1, 2, 3, 4}))
        grows = goals(ms)
        walk_ok = True
        if with_tool and not problem:
            walk, walk_ok = scale.walk_row(work, args.runs, env, args.timeout)
            grows.append(walk)
        if grows:
            print()
            print(table(["goal", "measured", "target", "result"], grows, set()))
        print(f"\ntotal bench time {time.perf_counter() - t_start:.1f} s, "
              f"load average now {os.getloadavg()[0]:.2f}")
        return 1 if any(not m.ok for m in ms) or not walk_ok else 0
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
