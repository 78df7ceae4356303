"""Measure cacdata against its peers, each command as a whole process, and write the results.

    python benchmarks/run.py [--repeats 7] [--sizes 10000 100000] [--scale-repeats 3] [--work /tmp/cacdata-bench]

- (a) a cold ``cacdata.load('events')`` against a cold ``pandas.read_csv('data/events.csv')``, and the start-up
  of ``cacdata --help`` and ``cacdata tables``, on the shipped data;
- (b) ``cacdata validate`` against stock ``frictionless validate`` on the shipped data;
- (c) both validators on synthetic packages (``synth.py``, with ``--faults`` of each kind): wall time, rows
  per second, peak memory, and which injected faults each found.

Each measurement is the median of several runs; the commands of one comparison alternate run by run, so a
drift of the machine falls on both. Peak memory is the child's maximum resident set size (``wait4``).
Results go to ``benchmarks/results.json`` (merged with earlier runs, by size) and into the table of
``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results.json"
README = HERE / "README.md"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
START, END = "<!-- results:start -->", "<!-- results:end -->"


@dataclass
class Run:
    seconds: float
    peak_mb: float
    stdout: str
    code: int


def run(command: list[str], cwd: Path = REPO) -> Run:
    """One process, timed from spawn to exit; its peak memory from the kernel's own accounting."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, stdout, process.returncode)


def alternate(
    commands: dict[str, list[str]], repeats: int, cwd: Path = REPO, warm_up: bool = True
) -> dict[str, list[Run]]:
    """Every command once per round, in turn, ``repeats`` rounds; a first round, if any, only warms caches."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for round_number in range(repeats + (1 if warm_up else 0)):
        for name, command in commands.items():
            result = run(command, cwd)
            if round_number or not warm_up:
                runs[name].append(result)
    return runs


def summary(runs: list[Run]) -> dict[str, Any]:
    return {
        "median_s": round(statistics.median(r.seconds for r in runs), 3),
        "min_s": round(min(r.seconds for r in runs), 3),
        "peak_mb": round(max(r.peak_mb for r in runs), 1),
        "runs": len(runs),
    }


def python(code: str) -> list[str]:
    return [PYTHON, "-c", code]


def loading(repeats: int) -> dict[str, Any]:
    commands = {
        "pandas.read_csv": python("import pandas; pandas.read_csv('data/events.csv')"),
        "cacdata.load": python("import cacdata; cacdata.load('events')"),
        "cacdata --help": [str(BIN / "cacdata"), "--help"],
        "cacdata tables": [str(BIN / "cacdata"), "tables"],
    }
    results = {name: summary(runs) for name, runs in alternate(commands, repeats).items()}
    base = results["pandas.read_csv"]["median_s"]
    load = results["cacdata.load"]["median_s"]
    return {
        "results": results,
        "load_over_pandas": round(load / base, 3),
        "help_over_load": round(results["cacdata --help"]["median_s"] / load, 3),
        "tables_over_load": round(results["cacdata tables"]["median_s"] / load, 3),
    }


def validators(package: Path, repeats: int, warm_up: bool = True) -> dict[str, list[Run]]:
    commands = {
        "cacdata validate": [str(BIN / "cacdata"), "validate", str(package), "--format", "json"],
        "frictionless validate": [str(BIN / "frictionless"), "validate", "--json", str(package / DESCRIPTOR)],
    }
    return alternate(commands, repeats, warm_up=warm_up)


DESCRIPTOR = "datapackage.json"


def shipped(repeats: int) -> dict[str, Any]:
    runs = validators(REPO, repeats)
    results = {name: summary(r) for name, r in runs.items()}
    results["cacdata validate"]["valid"] = all(r.code == 0 for r in runs["cacdata validate"])
    results["frictionless validate"]["valid"] = all(r.code == 0 for r in runs["frictionless validate"])
    return {
        "results": results,
        "cacdata_over_frictionless": round(
            results["cacdata validate"]["median_s"] / results["frictionless validate"]["median_s"], 3
        ),
    }


def found_by_cacdata(stdout: str) -> set[tuple[str, str, int, str]]:
    found = set()
    for line in stdout.splitlines():
        if line.strip():
            failure = json.loads(line)
            found.add((failure["rule"], failure["table"], failure["line"], failure["column"]))
    return found


def found_by_frictionless(stdout: str) -> set[tuple[str, str, int, str]]:
    """Rows of the synthetic packages span one line each, so a row number is the physical line."""
    report = json.loads(stdout)
    found = set()
    for task in report.get("tasks", []):
        for error in task.get("errors", []):
            column = error.get("fieldName") or ", ".join(error.get("fieldNames") or [])
            if error["type"] == "primary-key":
                column = None  # frictionless names no field; the manifest names the key's
            found.add((error["type"], task["name"], error.get("rowNumber"), column))
    return found


def detected(manifest: list[dict[str, Any]], found: set[tuple[Any, ...]], keyless: bool) -> dict[str, str]:
    """Per kind of fault: how many of the injected ones were reported at their place."""
    kinds: dict[str, list[bool]] = {}
    for fault in manifest:
        column = None if keyless and fault["rule"] == "primary-key" else fault["column"]
        hit = (fault["rule"], fault["table"], fault["line"], column) in found
        kinds.setdefault(fault["kind"], []).append(hit)
    return {kind: f"{sum(hits)}/{len(hits)}" for kind, hits in sorted(kinds.items())}


def synthetic(events: int, faults: int, work: Path) -> Path:
    target = work / f"synth-{events}-f{faults}"
    if not (target / "faults.json").is_file():
        subprocess.run(
            [PYTHON, str(HERE / "synth.py"), "--events", str(events), "--out", str(target), "--faults", str(faults)],
            check=True,
        )
    return target


def at_scale(events: int, faults: int, repeats: int, work: Path) -> dict[str, Any]:
    package = synthetic(events, faults, work)
    rows = sum(sum(1 for _ in path.open("rb")) - 1 for path in (package / "data").glob("*.csv"))
    megabytes = sum(path.stat().st_size for path in (package / "data").glob("*.csv")) / 2**20
    manifest = json.loads((package / "faults.json").read_text(encoding="utf-8"))
    runs = validators(package, repeats, warm_up=False)  # synth.py has just written the files: they are cached
    results: dict[str, Any] = {}
    for name, name_runs in runs.items():
        results[name] = summary(name_runs)
        results[name]["rows_per_s"] = round(rows / results[name]["median_s"])
        last = name_runs[-1].stdout
        if name.startswith("cacdata"):
            results[name]["found"] = detected(manifest, found_by_cacdata(last), keyless=False)
        else:
            results[name]["found"] = detected(manifest, found_by_frictionless(last), keyless=True)
    cacdata, stock = results["cacdata validate"], results["frictionless validate"]
    return {
        "events": events,
        "rows": rows,
        "csv_mb": round(megabytes, 1),
        "faults_per_kind": faults,
        "results": results,
        "speedup": round(stock["median_s"] / cacdata["median_s"], 1),
        "memory_ratio": round(cacdata["peak_mb"] / stock["peak_mb"], 2),
    }


def machine() -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines() if "model name" in ln), "")
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        memory = meminfo.read_text().splitlines()[0].split(":", 1)[1].strip()
    versions = {}
    for name in ("cacdata", "frictionless", "duckdb", "pandas", "numpy", "pandera", "typer"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return {
        "uname": " ".join(platform.uname()),
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory": memory,
        "python": platform.python_version(),
        "versions": versions,
    }


def render(results: dict[str, Any]) -> str:
    """The README's table of results."""
    out = [
        f"Measured {results.get('date', '?')} on: `{results['machine']['uname']}`, {results['machine']['cpus']} CPUs"
    ]
    out[0] += (
        f" ({results['machine']['cpu']}), {results['machine']['memory']} RAM; Python {results['machine']['python']}"
    )
    out.append("; " + ", ".join(f"{k} {v}" for k, v in results["machine"]["versions"].items()) + ".")
    out = ["".join(out), ""]
    if "loading" in results:
        loading_results = results["loading"]
        out += ["(a) Loading, cold processes, shipped data (median of runs):", ""]
        out += ["| command | median s | min s | peak MB | runs |", "| --- | ---: | ---: | ---: | ---: |"]
        for name, r in loading_results["results"].items():
            out.append(f"| `{name}` | {r['median_s']} | {r['min_s']} | {r['peak_mb']} | {r['runs']} |")
        out += [
            "",
            f"`cacdata.load` / `pandas.read_csv`: **{loading_results['load_over_pandas']}x** (target <= 1.10x); "
            f"`cacdata --help` / load: **{loading_results['help_over_load']}x**, `cacdata tables` / load: "
            f"**{loading_results['tables_over_load']}x** (target < 1.5x).",
            "",
        ]
    if "shipped" in results:
        shipped_results = results["shipped"]
        out += ["(b) Validating the shipped data:", ""]
        out += ["| command | median s | min s | peak MB | runs | valid |", "| --- | ---: | ---: | ---: | ---: | --- |"]
        for name, r in shipped_results["results"].items():
            out.append(
                f"| `{name}` | {r['median_s']} | {r['min_s']} | {r['peak_mb']} | {r['runs']} | {r.get('valid')} |"
            )
        out += [
            "",
            f"`cacdata validate` / `frictionless validate`: **{shipped_results['cacdata_over_frictionless']}x**",
            "",
        ]
    if results.get("scale"):
        out += ["(c) Synthetic packages (`synth.py`, 13 rows per event), with faults injected:", ""]
        out += [
            "| events | rows | CSV MB | validator | median s | runs | rows/s | peak MB | faults found |",
            "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for key in sorted(results["scale"], key=int):
            scale = results["scale"][key]
            for name, r in scale["results"].items():
                found = ", ".join(f"{kind} {hits}" for kind, hits in r["found"].items())
                out.append(
                    f"| {scale['events']:,} | {scale['rows']:,} | {scale['csv_mb']} | `{name}` | {r['median_s']} | "
                    f"{r['runs']} | {r['rows_per_s']:,} | {r['peak_mb']} | {found} |"
                )
        out.append("")
        for key in sorted(results["scale"], key=int):
            scale = results["scale"][key]
            target = " (target >= 20x)" if scale["events"] >= 100_000 else ""
            memory = " (target <= 1x)" if scale["events"] >= 100_000 else ""
            out.append(
                f"- {scale['events']:,} events: cacdata is **{scale['speedup']}x** faster than stock frictionless"
                f"{target}, at **{scale['memory_ratio']}x** its peak memory{memory}."
            )
        out.append("")
    return "\n".join(out)


def write_readme(results: dict[str, Any]) -> None:
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{render(results)}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="runs per command for (a) and (b)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000], help="events, for (c)")
    parser.add_argument("--scale-repeats", type=int, default=3, help="runs per validator for (c)")
    parser.add_argument("--big-repeats", type=int, default=1, help="runs per validator at 1M events or more")
    parser.add_argument("--faults", type=int, default=3, help="faults of each kind in the synthetic packages")
    parser.add_argument("--work", type=Path, default=Path("/tmp/cacdata-bench"), help="where packages are written")
    parser.add_argument("--skip", nargs="*", default=[], choices=["loading", "shipped"], help="parts not to run")
    parser.add_argument("--render", action="store_true", help="only rewrite README.md from results.json")
    args = parser.parse_args()
    if args.render:
        write_readme(json.loads(RESULTS.read_text(encoding="utf-8")))
        return
    results: dict[str, Any] = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    results["machine"] = machine()
    results["date"] = time.strftime("%Y-%m-%d")
    if "loading" not in args.skip:
        results["loading"] = loading(args.repeats)
        print(json.dumps(results["loading"], indent=2), flush=True)
    if "shipped" not in args.skip:
        results["shipped"] = shipped(args.repeats)
        print(json.dumps(results["shipped"], indent=2), flush=True)
    results.setdefault("scale", {})
    for events in args.sizes:
        repeats = args.big_repeats if events >= 1_000_000 else args.scale_repeats
        results["scale"][str(events)] = at_scale(events, args.faults, repeats, args.work)
        print(json.dumps(results["scale"][str(events)], indent=2), flush=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    write_readme(results)


if __name__ == "__main__":
    main()
