"""Builders of the archive tests: rewriting a package the way a forger would."""

import hashlib
import io
import zipfile

from django.core.management import call_command


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write(path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)


def rebag(files: dict[str, bytes]) -> dict[str, bytes]:
    """Recompute the manifests, the Payload-Oxum and the tag manifests, as anyone can: BagIt's
    checksums are not signatures, so only the ledger's proofs and checkpoint can catch what follows."""
    root = next(iter(files)).split("/", 1)[0]
    payload = {n[len(root) + 1:]: d for n, d in files.items() if n.startswith(f"{root}/data/")}
    out = dict(files)
    for algorithm in ("sha256", "sha512"):
        out[f"{root}/manifest-{algorithm}.txt"] = "".join(
            f"{hashlib.new(algorithm, d).hexdigest()}  {n}\n" for n, d in sorted(payload.items())).encode()
    info = out[f"{root}/bag-info.txt"].decode().splitlines()
    oxum = f"{sum(len(d) for d in payload.values())}.{len(payload)}"
    out[f"{root}/bag-info.txt"] = "".join(
        (f"Payload-Oxum: {oxum}" if line.startswith("Payload-Oxum:") else line) + "\n" for line in info).encode()
    tags = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt")
    for algorithm in ("sha256", "sha512"):
        out[f"{root}/tagmanifest-{algorithm}.txt"] = "".join(
            f"{hashlib.new(algorithm, out[f'{root}/{t}']).hexdigest()}  {t}\n" for t in tags).encode()
    return out


def run(*args) -> tuple[int, str, str]:
    """`sanxiang <args>` through Django's call_command: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()
