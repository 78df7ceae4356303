"""Time the test suite as the README runs it, and without the slow tests, and write the figures.

    python benchmarks/test_time.py [--repeats 3] [--label after] [--checkout DIR] [--render]

The README's test command is read from the README itself (the block after "to run the tests"), so what is
timed is what users and ``.ci/run`` run. Each command runs as a whole process, wall time from spawn to exit;
the two commands alternate run by run, so a drift of the machine falls on both, and the median is kept.
``--checkout`` times another copy of the repository (e.g. a clone of an earlier commit, for a "before"
figure) with this one's ``.venv``-relative command run there. Results go to ``benchmarks/results.json``
under ``tests``, keyed by ``--label``, and into the "Test suite" section of ``benchmarks/README.md``.

The machine is shared: other people's work running at the same time slows a run down, so the load average
before each run is recorded beside it, and a figure is only as good as its quietest runs. Run it from a
shell that does not ignore SIGHUP (not under ``nohup``): the serve tests send SIGHUP to ``cacdata serve``,
which inherits an ignored SIGHUP and then does not stop (see the section in ``README.md``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import RESULTS, machine  # noqa: E402  (run.py is a script beside this one, not a package)

REPO = HERE.parent
README = HERE / "README.md"
START, END = "<!-- tests:start -->", "<!-- tests:end -->"
SUMMARY = re.compile(r"=+ (?P<counts>.*?) in (?P<seconds>[\d.]+)s")


def readme_test_command(readme: Path) -> list[str]:
    """The command the README gives to run the tests: the first code block after "to run the tests"."""
    text = readme.read_text(encoding="utf-8")
    after = text.split("to run the tests", 1)[1]
    block = re.search(r"```sh\n(?P<command>.+?)\n```", after, re.DOTALL)
    assert block is not None, "no test command in the README"
    return shlex.split(block["command"])


def git_commit(checkout: Path) -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=checkout, capture_output=True, text=True)
    return result.stdout.strip() or "?"


def time_once(command: list[str], checkout: Path) -> dict[str, Any]:
    """One run of ``command`` in ``checkout``: wall seconds, exit code, pytest's own summary line."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=checkout, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    summary = list(SUMMARY.finditer(result.stdout))
    counts = summary[-1]["counts"] if summary else " ".join(result.stdout.strip().splitlines()[-1:])
    failed = [line for line in result.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))]
    return {
        "seconds": round(seconds, 1),
        "code": result.returncode,
        "counts": counts,
        "failed": failed,
        "load_before": round(load, 2),
    }


def measure(checkout: Path, repeats: int) -> dict[str, Any]:
    """Both commands ``repeats`` times each, alternating; the median and every run."""
    readme = readme_test_command(checkout / "README.md")
    commands = {"README": readme, "not slow": [*readme, "-m", "not slow"]}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in commands}
    for round_number in range(repeats):
        for name, command in commands.items():
            runs[name].append(time_once(command, checkout))
            print(f"round {round_number + 1} {name}: {runs[name][-1]}", flush=True)
    return {
        "commit": git_commit(checkout),
        "commands": {name: shlex.join(command) for name, command in commands.items()},
        "results": {
            name: {
                "median_s": round(statistics.median(r["seconds"] for r in results), 1),
                "min_s": min(r["seconds"] for r in results),
                "runs": results,
            }
            for name, results in runs.items()
        },
    }


def render(tests: dict[str, Any]) -> str:
    """The README's table: one row per label and command."""
    out = ["| label | commit | command | median s | min s | runs | load before each run | tests (last run) |"]
    out.append("| --- | --- | --- | ---: | ---: | ---: | --- | --- |")
    for label, entry in tests.items():
        for name, result in entry["results"].items():
            loads = ", ".join(str(r["load_before"]) for r in result["runs"])
            codes = {r["code"] for r in result["runs"]}
            counts = result["runs"][-1]["counts"] + ("" if codes == {0} else f" (exit codes {sorted(codes)})")
            out.append(
                f"| {label} | {entry['commit']} | `{entry['commands'][name]}` | {result['median_s']} | "
                f"{result['min_s']} | {len(result['runs'])} | {loads} | {counts} |"
            )
    some = next(iter(tests.values()))
    out += ["", f"Machine: `{some['machine']['uname']}`, {some['machine']['cpus']} CPUs ({some['machine']['cpu']})."]
    return "\n".join(out)


def write_readme(tests: dict[str, Any]) -> None:
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{render(tests)}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command")
    parser.add_argument("--label", default="now", help="name of this measurement in the results (e.g. before)")
    parser.add_argument("--checkout", type=Path, default=REPO, help="the copy of the repository to time")
    parser.add_argument("--render", action="store_true", help="only rewrite README.md from results.json")
    args = parser.parse_args()
    results: dict[str, Any] = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    tests = results.setdefault("tests", {})
    if not args.render:
        entry = measure(args.checkout.resolve(), args.repeats)
        tests[args.label] = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), **entry}
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_readme(tests)


if __name__ == "__main__":
    main()
