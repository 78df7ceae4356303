"""``cacdata rebuild`` and ``cacdata verify``: a release obtained and checked from a plain clone of main.

``rebuild`` writes the data zip of any release listed in ``releases/`` from git history alone (the blobs at
the manifest's commit, through ``describe.git``; never a tag) with the one zip writer, and compares it,
member by member and as a whole, with the manifest. ``verify`` says whether a copy someone holds (a zip, an
unpacked folder, a checkout) is exactly a release: every file of the release against the manifest.
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from cacdata.describe.atomic import write_bytes
from cacdata.describe.copies import CHECKSUMS, VERSION_NAME, resolve_side, sha256_file, unzip
from cacdata.describe.package import DESCRIPTOR, DataPackage, PackageError
from cacdata.publish.archive import release_contents, zip_bytes, zip_name
from cacdata.publish.manifest import Manifest, read_manifest, release_commit


@dataclass(frozen=True)
class Check:
    """A copy compared with a release's manifest: which members differ, and the zip's own hash if it is one."""

    version: str
    differing: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    zip_sha256: str | None = None
    expected_sha256: str | None = None

    @property
    def exact(self) -> bool:
        """Every file as released (and, for a zip, the very bytes of the released zip)."""
        same_zip = self.zip_sha256 is None or self.zip_sha256 == self.expected_sha256
        return not (self.differing or self.missing or self.unexpected) and same_zip

    def to_text(self, what: str) -> str:
        """One verdict line, then a line per file that is not as released."""
        if self.exact:
            return f"{what} is exactly release {self.version}" + (
                f" (SHA-256 {self.zip_sha256})" if self.zip_sha256 else ""
            )
        lines = [f"{what} is not exactly release {self.version}:"]
        lines += [f"  differs: {name}" for name in self.differing]
        lines += [f"  missing: {name}" for name in self.missing]
        lines += [f"  not in the release: {name}" for name in self.unexpected]
        if self.zip_sha256 is not None and self.zip_sha256 != self.expected_sha256:
            lines.append(f"  zip SHA-256 {self.zip_sha256}, released {self.expected_sha256}")
        return "\n".join(lines)


def rebuild(repo: Path, version: str, out_dir: Path) -> tuple[Path, Check]:
    """Write release ``version``'s data zip into ``out_dir`` from git history, and compare it with its manifest."""
    manifest = read_manifest(repo, version)
    contents = release_contents(repo, manifest.members, release_commit(repo, manifest))
    data = zip_bytes(contents)
    built = {name: hashlib.sha256(member).hexdigest() for name, member in contents}
    out_dir.mkdir(exist_ok=True)
    path = write_bytes(out_dir / zip_name(version), data)
    return path, _compare(manifest, built, hashlib.sha256(data).hexdigest(), strict=True)


def verify(spec: str, repo: Path | None, version: str | None = None) -> Check:
    """Compare a copy (zip, folder, version or ref) with release ``version``, by default the one it claims."""
    path = Path(spec)
    if path.is_file() and zipfile.is_zipfile(path):
        return _verify_zip(path, repo, version)
    with resolve_side(spec, repo) as root:
        claimed = version or DataPackage.open(root).version
        manifest = read_manifest(_manifests_in(repo, root), claimed)
        found = {}
        for member in manifest.members:
            relative = member["name"].split("/", 1)[1]
            if (root / relative).is_file():
                found[member["name"]] = sha256_file(root / relative)
            elif relative == CHECKSUMS:  # a checkout has no listing; it is made from the other files
                found[member["name"]] = member["sha256"]
        return _compare(manifest, found, None, strict=False)


def _verify_zip(path: Path, repo: Path | None, version: str | None) -> Check:
    """A zip is compared member by member as stored, without trusting its own ``SHA256SUMS``."""
    with tempfile.TemporaryDirectory(prefix="cacdata-verify-") as temporary:
        unzip(path, Path(temporary))
        found = {
            file.relative_to(temporary).as_posix(): sha256_file(file)
            for file in Path(temporary).rglob("*")
            if file.is_file()
        }
    claimed = version or _zip_version(found, path)
    manifest = read_manifest(_manifests_in(repo, None), claimed)
    return _compare(manifest, found, sha256_file(path), strict=True)


def _zip_version(found: dict[str, str], path: Path) -> str:
    folders = {name.split("/", 1)[0] for name in found}
    match = VERSION_NAME.fullmatch(next(iter(folders)).removeprefix("cacdata-")) if len(folders) == 1 else None
    if match is None or f"{next(iter(folders))}/{DESCRIPTOR}" not in found:
        raise PackageError(f"{path}: not a cacdata release zip (no one cacdata-X.Y.Z/ folder with {DESCRIPTOR})")
    return match.group(1)


def _manifests_in(repo: Path | None, root: Path | None) -> Path:
    """The checkout whose ``releases/`` to read: the one given, else the copy's own, else none found."""
    for candidate in (repo, root):
        if candidate is not None and (candidate / "releases").is_dir():
            return candidate
    from cacdata.describe.copies import default_repo

    found = default_repo()
    if found is None:
        raise PackageError("no releases/ folder to check against; run this in a checkout of cacdata or give --repo")
    return found


def _compare(manifest: Manifest, found: dict[str, str], zip_sha256: str | None, *, strict: bool) -> Check:
    expected = {member["name"]: member["sha256"] for member in manifest.members}
    differing = sorted(name for name, digest in found.items() if name in expected and expected[name] != digest)
    missing = sorted(expected.keys() - found.keys())
    unexpected = sorted(found.keys() - expected.keys()) if strict else []
    return Check(manifest.version, differing, missing, unexpected, zip_sha256, manifest.zip_sha256)
