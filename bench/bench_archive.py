"""Archive package benchmark: `export` and `verify` of a case holding BENCH_ARCHIVE_MB MiB of media.

    .venv/bin/python bench/bench_archive.py      (env BENCH_ARCHIVE_MB, default 64; issue 8 §7 asks 1024)

One case with one recording of that size (random bytes, stored in the file store and listed in a
ledger entry, as an audio-video record will be), exported to a BagIt zip and verified offline.
The anchor, in the same process: SHA-256 over the same stored bytes, read in 1 MiB chunks — the
least an export (which also computes SHA-512, copies into the zip and checks SHA-256 against the
ledger) or a verify (SHA-256 and SHA-512 of every payload file) can do. Ratios are wall time over
the anchor's; seconds per GiB are given too; `rss_growth_mib` is the growth of the process's peak
resident memory over the export and the verify (constant memory: it must not grow with the size).
Works in its own fresh database. Prints one JSON line.
"""

import hashlib
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

MIB = 1 << 20
SIZE_MB = int(os.environ.get("BENCH_ARCHIVE_MB", 64))

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from fresh import drop  # noqa: E402  (a fresh installation, Django set up)

from sanxiang import storage  # noqa: E402
from sanxiang.access.actors import OPERATOR  # noqa: E402
from sanxiang.archive.package import export  # noqa: E402
from sanxiang.archive.sources import CaseRecord, RecordFile, register_source  # noqa: E402
from sanxiang.archive.verify import verify_package  # noqa: E402
from sanxiang.ledger.actions import append_entry  # noqa: E402
from sanxiang.ledger.registry import register_actions  # noqa: E402

register_actions({"bench_attach_recording": "基准测试：登记音像文件"})


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_case():
    from sanxiang.cases import actions as C
    from sanxiang.orgs import actions as A
    from sanxiang.orgs import testing as T

    agency = T.agency("bench-archive")
    unit = A.do_create_unit(agency, "执法一队", actor=OPERATOR)
    return C.do_create_case(agency, unit=unit, source="report", cause="基准测试案件", category="行政处罚",
                            clue_on="2026-03-02", actor=OPERATOR)


def store_media(case) -> storage.StoredFile:
    with tempfile.TemporaryFile() as spool:
        for _ in range(SIZE_MB):
            spool.write(os.urandom(MIB))
        spool.seek(0)
        stored = storage.put(spool)
    with transaction.atomic():
        append_entry(action="bench_attach_recording", actor=OPERATOR, object_type="bench.recording",
                     object_id="1", agency=case.agency.code, files=[stored.record()])
    register_source("bench", lambda c: [CaseRecord(
        kind="av:video", title="执法记录仪视频", number="", made_on=None, object_type="bench.recording",
        object_id="1", files=(RecordFile("original", stored.path, stored.sha256, stored.sm3, stored.size,
                                         suffix="mp4"),))] if c.pk == case.pk else [])
    return stored


def anchor(stored) -> float:
    started = time.perf_counter()
    digest = hashlib.sha256()
    with storage.open_file(stored.path) as fh:
        while chunk := fh.read(MIB):
            digest.update(chunk)
    assert digest.hexdigest() == stored.sha256
    return time.perf_counter() - started


def main():
    call_command("migrate", verbosity=0)
    case = make_case()
    stored = store_media(case)
    anchor_s = min(anchor(stored) for _ in range(2))
    out = Path(tempfile.mkdtemp(prefix="bench-archive-")) / "case.zip"
    before = peak_mib()
    started = time.perf_counter()
    done = export(case, out, actor=OPERATOR)
    export_s = time.perf_counter() - started
    started = time.perf_counter()
    result = verify_package(out)
    verify_s = time.perf_counter() - started
    growth = peak_mib() - before
    assert result.ok, result.findings
    gib = stored.size / (1 << 30)
    print(json.dumps({
        "bench": "archive", "media_mib": SIZE_MB, "package_bytes": out.stat().st_size, "entries": done.entries,
        "sha256_anchor_s": round(anchor_s, 3), "export_s": round(export_s, 3), "verify_s": round(verify_s, 3),
        "export_ratio": round(export_s / anchor_s, 2), "verify_ratio": round(verify_s / anchor_s, 2),
        "export_s_per_gib": round(export_s / gib, 2), "verify_s_per_gib": round(verify_s / gib, 2),
        "rss_growth_mib": round(growth, 1), "python": platform.python_version(), "cpus": os.cpu_count(),
    }))
    out.unlink()


if __name__ == "__main__":
    try:
        main()
    finally:
        drop()
    sys.exit(0)
