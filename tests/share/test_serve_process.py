"""`cacdata serve` stops Datasette with itself, on any stopping signal, and leaves no temporary folder."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cacdata.cli import app
from cacdata.share import serve as serve_module

from conftest import free_port


def children(pid: int) -> set[int]:
    """The processes ``pid`` started, from /proc."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(child) for child in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def serve_folder(datasette: int) -> Path:
    """The temporary folder the database Datasette serves lies in, read from its command line."""
    arguments = Path(f"/proc/{datasette}/cmdline").read_bytes().split(b"\0")
    database = next(Path(a.decode()) for a in arguments if a.endswith(b".db"))
    assert database.parent.parent == Path(tempfile.gettempdir())
    return database.parent


def _ignore_hangup() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def start(under_nohup: bool = False) -> tuple[subprocess.Popen[bytes], int]:
    """``cacdata serve`` answering on a free port, and the process of its Datasette; both killed if it fails.

    ``under_nohup`` starts it with SIGHUP ignored, as ``nohup`` does; Datasette inherits the ignored signal.
    """
    port = free_port()
    command = Path(sys.executable).parent / "cacdata"
    server = subprocess.Popen(
        [str(command), "serve", "--port", str(port)],
        stderr=subprocess.DEVNULL,
        preexec_fn=_ignore_hangup if under_nohup else None,
    )
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1):
                    break
            except OSError:
                assert server.poll() is None, "cacdata serve stopped"
                time.sleep(0.1)
        else:
            raise AssertionError("cacdata serve did not answer within 30 s")
        (datasette,) = children(server.pid)
    except BaseException:
        kill_all(server.pid, *children(server.pid))
        server.wait(timeout=10)
        raise
    return server, datasette


def assert_gone(datasette: int) -> None:
    """Datasette has stopped (within 10 s of ``cacdata serve``, since the kernel reaps it a moment later)."""
    for _ in range(100):
        if not alive(datasette):
            return
        time.sleep(0.1)
    raise AssertionError("Datasette outlived cacdata serve")


def kill_all(*pids: int) -> None:
    """Kill whichever of ``pids`` is still alive: what a failed test started must not outlive it."""
    for pid in pids:
        if alive(pid):
            subprocess.run(["kill", "-9", str(pid)], check=False)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stopping_signal_stops_datasette_and_removes_the_folder(stop: signal.Signals) -> None:
    server, datasette = start()
    try:
        folder = serve_folder(datasette)
        assert alive(datasette) and folder.is_dir()
        server.send_signal(stop)  # to cacdata serve alone, as a service manager or a closed terminal sends it
        server.wait(timeout=30)
        assert_gone(datasette)
        assert not folder.exists()
    finally:
        kill_all(server.pid, datasette)
        server.wait(timeout=10)


def test_a_datasette_that_ignores_the_signal_is_killed_after_the_grace_period() -> None:
    """Under ``nohup`` Datasette ignores the forwarded SIGHUP; ``cacdata serve`` must not wait for it forever."""
    server, datasette = start(under_nohup=True)
    try:
        folder = serve_folder(datasette)
        sent = time.monotonic()
        server.send_signal(signal.SIGHUP)
        server.wait(timeout=serve_module.GRACE_SECONDS + 20)
        assert time.monotonic() - sent >= serve_module.GRACE_SECONDS  # it was given its grace first
        assert_gone(datasette)
        assert not folder.exists()
    finally:
        kill_all(server.pid, datasette)
        server.wait(timeout=10)


def test_the_site_fixture_leaves_no_datasette_behind() -> None:
    """Stopping ``cacdata serve`` with ``terminate()`` (SIGTERM, as the ``site`` fixture of ``test_site.py``
    does) leaves no Datasette running."""
    server, datasette = start()
    try:
        server.terminate()
        server.wait(timeout=30)
        assert_gone(datasette)
    finally:
        kill_all(server.pid, datasette)
        server.wait(timeout=10)


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("::", True), ("127.0.0.1", False)])
def test_binding_beyond_this_machine_is_warned_of(host: str, warned: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve_module, "serve", lambda *args: 0)  # no server: only what is said first
    result = CliRunner().invoke(app, ["serve", "--host", host])
    assert result.exit_code == 0
    assert ("listens beyond this machine" in result.output) == warned
