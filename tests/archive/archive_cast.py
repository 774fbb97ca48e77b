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


def archive_as_is(case, actor):
    """The archived-file row, its manifest and its `archive_case` entry as `do_archive_case` writes them,
    without the four checks (which need rendered, issued PDFs: tests/archive/test_case_file.py)."""
    from django.db import transaction
    from django.utils import timezone

    from sanxiang.archive import casefile
    from sanxiang.archive.models import ArchivedCaseFile
    from sanxiang.archive.package import fix_manifest
    from sanxiang.ledger.actions import append_entry
    from sanxiang.lib.canonical import canonical_bytes

    with transaction.atomic():
        catalogue = casefile.catalogue(case, casefile.assemble(case))
        seq = ArchivedCaseFile.objects.filter(agency=case.agency).count() + 1
        archived = ArchivedCaseFile.objects.create(
            case=case, agency=case.agency, archive_number=f"{case.agency.code}-2026-{seq:04d}", archive_year=2026,
            archive_seq=seq, outcome="penalty", catalogue=catalogue, checks={"ok": True},
            catalogue_sha256=hashlib.sha256(canonical_bytes(catalogue)).hexdigest(), items=len(catalogue),
            pages=0, retention="定期30年", retention_basis="测试", archived_at=timezone.now(),
            archived_by_name="测试")
        bound = fix_manifest(archived)
        append_entry(action="archive_case", actor=actor, obj=archived,
                     payload={"case": case.pk, "catalogue_sha256": archived.catalogue_sha256, **bound},
                     files=[{"path": f["path"], "sha256": f["sha256"], "sm3": f["sm3"], "size": f["size"]}
                            for item in catalogue for f in item["files"]])
    return archived


