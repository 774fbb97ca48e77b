"""Benchmark: the agency seal (电子印章) on an issued PDF — `PyHankoSigner.seal`, as issuing calls it.

A one-page PDF sealed `BENCH_SEALS` times (default 200) with one agency's RSA-2048 key and self-signed
certificate, made in a temporary data directory as on the agency's first issue. The anchor, in the same
process: loading that key from its PEM and one RSA-2048 PKCS#1 v1.5 signature over a SHA-256 digest
with `cryptography` — the least a seal can do (it loads the key and signs once). Until stop 25 pyHanko
made a second, dry-run signature per seal to size the signature's space (`bytes_reserved` unset), and
loaded the key for it: ≈ 2 × the anchor more. Reported: median and p95 wall per seal, CPU per seal
(process time over all the seals) and the ratio to the anchor by both. No database is touched;
`database` is reported for the table. Prints one JSON line. PYTHONPATH=<an older checkout> measures that
version.
"""

import json
import os
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if not os.environ.get("DATABASE_URL"):
    os.environ["SANXIANG_DATA_DIR"] = tempfile.mkdtemp(prefix="sanxiang-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from tests.pdfs import blank_pdf  # noqa: E402

N = int(os.environ.get("BENCH_SEALS", 200))




def timed(function, runs):
    walls, cpu0 = [], time.process_time()
    for _ in range(runs):
        t0 = time.perf_counter()
        function()
        walls.append(time.perf_counter() - t0)
    return sorted(walls), (time.process_time() - cpu0) / runs


def main():
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    from sanxiang.documents import signing

    settings.DATA_DIR = tempfile.mkdtemp(prefix="sanxiang-bench-seal-")
    agency = types.SimpleNamespace(code="bench-seal", name="基准测试市市场监督管理局")
    sealer = signing.PyHankoSigner()
    pdf = blank_pdf()
    sealer.seal(pdf, agency=agency, reason="签发")  # makes the key and certificate, imports pyHanko
    key_path, _ = sealer._paths(agency)
    key_pem = key_path.read_bytes()

    def anchor():
        key = serialization.load_pem_private_key(key_pem, password=None)
        key.sign(b"x" * 32, padding.PKCS1v15(), hashes.SHA256())

    walls, cpu = timed(lambda: sealer.seal(pdf, agency=agency, reason="签发"), N)
    anchor_walls, anchor_cpu = timed(anchor, N)
    median, anchor_median = statistics.median(walls) * 1000, statistics.median(anchor_walls) * 1000
    print(json.dumps({
        "bench": "seal",
        "database": connection.vendor,
        "seals": N,
        "median_ms": round(median, 2),
        "p95_ms": round(walls[int(len(walls) * 0.95)] * 1000, 2),
        "cpu_ms": round(cpu * 1000, 2),
        "anchor_median_ms": round(anchor_median, 2),
        "anchor_cpu_ms": round(anchor_cpu * 1000, 2),
        "ratio_to_anchor": round(median / anchor_median, 2),
        "cpu_ratio_to_anchor": round(cpu / anchor_cpu, 2),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
