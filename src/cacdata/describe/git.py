"""Every read of git history goes through here: raw blobs and trees, never a checkout's filters or hooks.

A release is rebuilt byte for byte from the blobs git stores, so nothing may change them on the way out:
no ``.gitattributes`` filters, text conversion or end-of-line rewriting (``cat-file blob`` without
``--filters``, and attributes files disabled), no pager, no prompts, no hooks. Tags are never needed: a
release is found through its manifest's commit, which a ``git clone --no-tags`` carries.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from cacdata.describe.package import PackageError

# Settings that keep git from running anything or rewriting bytes on our behalf.
SAFE_CONFIG = (
    "-c",
    "core.attributesFile=/dev/null",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.pager=cat",
    "--no-replace-objects",
)
# No system or global configuration, no system attributes, no prompts, no lazy fetches; inherited GIT_*
# variables (a GIT_DIR or GIT_CONFIG_PARAMETERS of the caller's) are dropped.
SAFE_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_ATTR_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_OPTIONAL_LOCKS": "0",
    "LC_ALL": "C",
}


class GitError(PackageError):
    """git is missing, the folder is not a checkout, or the commit or file is not in its history."""


def git(repo: Path, args: list[str], failure: str) -> bytes:
    """Run one git command in ``repo`` and return its output; ``failure`` says what could not be done."""
    try:
        done = subprocess.run(
            ["git", *SAFE_CONFIG, "-C", str(repo), *args],
            capture_output=True,
            check=False,
            stdin=subprocess.DEVNULL,
            env={k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | SAFE_ENV,
        )
    except FileNotFoundError:
        raise GitError("git is not installed; it is needed to read releases from the repository's history") from None
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(f"{repo}: {failure}" + (f" ({detail[-1]})" if detail else ""))
    return done.stdout


def commit_of(repo: Path, ref: str) -> str:
    """The full commit hash ``ref`` names in ``repo``; a shallow clone missing it is told to fetch history."""
    if ref.startswith("-"):
        raise GitError(f"{ref}: not a git ref")
    try:
        found = git(repo, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], f"no commit {ref!r}")
        return found.decode().strip()
    except GitError:
        if is_shallow(repo):
            raise GitError(
                f"{repo}: no commit {ref!r} in this shallow clone; fetch the history first: git fetch --unshallow"
            ) from None
        raise


def is_shallow(repo: Path) -> bool:
    """Whether ``repo`` is a shallow clone, whose history stops short of old releases."""
    try:
        return git(repo, ["rev-parse", "--is-shallow-repository"], "not a git checkout").strip() == b"true"
    except GitError:
        return False


def blob(repo: Path, commit: str, path: str) -> bytes:
    """The bytes of ``path`` as stored at ``commit``: no filter, no end-of-line conversion."""
    return git(repo, ["cat-file", "blob", f"{commit}:{path}"], f"no file {path} at commit {commit[:12]}")


def files_at(repo: Path, commit: str, paths: list[str]) -> list[tuple[str, int]]:
    """Regular files (not links or submodules) under ``paths`` at ``commit``, with their sizes, sorted."""
    listing = git(
        repo, ["ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--", *paths], f"cannot list {commit[:12]}"
    )
    found = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        info, _, name = entry.partition(b"\t")
        mode, kind, _, size = info.split()
        if kind == b"blob" and mode in (b"100644", b"100755"):
            found.append((name.decode("utf-8", errors="surrogateescape"), int(size)))
    return sorted(found)


def commit_adding(repo: Path, path: str) -> str:
    """The first commit that added ``path``: the release commit of a manifest written with its release."""
    found = git(repo, ["log", "--format=%H", "--diff-filter=A", "--", path], f"cannot read the history of {path}")
    commits = found.decode().split()
    if not commits:
        raise GitError(f"{repo}: {path} is not committed; commit the release first")
    return commits[-1]


def is_clean(repo: Path) -> bool:
    """Whether the checkout has no uncommitted changes (untracked files included)."""
    return not git(repo, ["status", "--porcelain", "--untracked-files=normal"], "not a git checkout").strip()
