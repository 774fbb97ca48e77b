"""Benchmark: ingesting one file through the tus endpoint over loopback, against hashing it in-process.

    BENCH_UPLOAD_MB=1024 .venv/bin/python bench/bench_uploads.py    (bench_uploads_s3.py: on SeaweedFS)

A fresh installation (fresh.py) with one officer and an API token; `sanxiang serve` on a free
loopback port (one process, no worker). A file of BENCH_UPLOAD_MB MiB (an MP4 header, then random
bytes) is uploaded with one tus POST and PATCHes of BENCH_UPLOAD_CHUNK_MB MiB (default: the whole
file in one PATCH, streamed from disk), and, in this process, read once computing SHA-256 and SM3
in one pass (the anchor: what the server cannot beat, since it does that and writes the bytes).
BENCH_UPLOAD_STORE=s3 stores into a SeaweedFS started for the run (tests/seaweedfs.py) instead of
the filesystem: the pieces then stream into an S3 multipart upload as they arrive (decision
0040), and the same file is also put and copied by boto3 alone from this process — what the store
itself accepts, which bounds the ingest. Prints one JSON line: both throughputs in MiB/s, their
ratio, the growth of the server's peak resident memory (VmHWM after the upload less VmRSS before
it, of the server process that took it, warmed by a 64 KiB upload first), the CPU seconds of
server, store and client during the upload and the load average (the machine may be shared).
Issue 8 §7 asks for a ratio ≥ 0.5 and growth ≤ 64 MiB for 1 GiB.
"""

import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

MIB = 1 << 20
SIZE_MB = int(os.environ.get("BENCH_UPLOAD_MB", 1024))  # issue 8 §7: 1 GiB
STORE = os.environ.get("BENCH_UPLOAD_STORE", "filesystem")  # or "s3": a SeaweedFS started here
CHUNK_MB = int(os.environ.get("BENCH_UPLOAD_CHUNK_MB", 0)) or SIZE_MB

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from fresh import drop  # noqa: E402  (a fresh installation, Django set up)

from sanxiang.access.actors import OPERATOR  # noqa: E402
from sanxiang.accounts.actions import do_create_api_token  # noqa: E402
from sanxiang.orgs import testing as T  # noqa: E402
from sanxiang.records.models import Upload  # noqa: E402

SANXIANG = str(Path(sys.executable).parent / "sanxiang")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_file(path: Path) -> None:
    with open(path, "wb") as out:
        out.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
        for _ in range(SIZE_MB):
            out.write(os.urandom(MIB))
        out.truncate(SIZE_MB * MIB)


ANCHOR_CPU: list[float] = []


def hash_in_process(path: Path) -> float:
    cpu = time.process_time()
    started = time.perf_counter()
    sha, sm3 = hashlib.sha256(), hashlib.new("sm3")
    with open(path, "rb") as fh:
        while chunk := fh.read(MIB):
            sha.update(chunk)
            sm3.update(chunk)
    ANCHOR_CPU.append(time.process_time() - cpu)
    return time.perf_counter() - started


def process_tree(root: int) -> list[int]:
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def store_alone(seaweed, path: Path) -> dict:
    """What SeaweedFS takes by itself, from this process: the file put with boto3 (parts of 8 MiB,
    2 at once, as the server sends them), then copied inside the store (as a completion does)."""
    from boto3.s3.transfer import TransferConfig
    from seaweedfs import BUCKET

    client, size_mib = seaweed.client(), path.stat().st_size / MIB
    config = TransferConfig(multipart_chunksize=8 * MIB, max_concurrency=2)
    started = time.perf_counter()
    client.upload_file(str(path), BUCKET, "bench/alone", Config=config)
    put = time.perf_counter() - started
    started = time.perf_counter()
    client.copy_object(Bucket=BUCKET, Key="bench/alone-copy", CopySource={"Bucket": BUCKET, "Key": "bench/alone"})
    copy = time.perf_counter() - started
    for key in ("bench/alone", "bench/alone-copy"):
        client.delete_object(Bucket=BUCKET, Key=key)
    return {"put_mib_s": round(size_mib / put, 1), "copy_mib_s": round(size_mib / copy, 1),
            "put_then_copy_mib_s": round(size_mib / (put + copy), 1)}


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes (and their threads), from /proc."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


PATCH_SECONDS: list[float] = []


def upload(port: int, token: str, path: Path) -> float:
    PATCH_SECONDS.clear()
    size = path.stat().st_size
    chunk = min(CHUNK_MB * MIB, size)
    headers = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600, blocksize=MIB)
    started = time.perf_counter()
    conn.request("POST", "/api/v1/uploads/", headers={**headers, "Upload-Length": str(size)})
    response = conn.getresponse()
    response.read()
    assert response.status == 201, response.status
    location = urlsplit(response.getheader("Location")).path
    offset = 0
    with open(path, "rb") as fh:
        while offset < size:
            length = min(chunk, size - offset)
            fh.seek(offset)
            sent = time.perf_counter()
            conn.request("PATCH", location, body=_Limited(fh, length), headers={
                **headers, "Upload-Offset": str(offset), "Content-Length": str(length),
                "Content-Type": "application/offset+octet-stream"})
            response = conn.getresponse()
            body = response.read()
            assert response.status == 204, (response.status, body)
            PATCH_SECONDS.append(time.perf_counter() - sent)
            offset = int(response.getheader("Upload-Offset"))
    conn.close()
    return time.perf_counter() - started


class _Limited:
    """`length` bytes of a file, read in blocks (http.client streams objects with a read())."""

    def __init__(self, fh, length):
        self.fh, self.left = fh, length

    def read(self, n=-1):
        n = self.left if n is None or n < 0 else min(n, self.left)
        chunk = self.fh.read(n)
        self.left -= len(chunk)
        return chunk


def main():
    call_command("migrate", verbosity=0)
    user = T.member(T.agency("bench-uploads"))
    _, token = do_create_api_token(user, label="bench", actor=OPERATOR)
    connection.close()
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    sample = work / "sample.mp4"
    make_file(sample)
    env = {**os.environ, "SANXIANG_WORKER": "0"}
    seaweed = None
    if STORE == "s3":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from seaweedfs import ACCESS_KEY, BUCKET, SECRET_KEY, SeaweedFS

        seaweed = SeaweedFS(work / "seaweedfs").start()
        env.update(SANXIANG_S3_BUCKET=BUCKET, SANXIANG_S3_ENDPOINT=seaweed.endpoint,
                   SANXIANG_S3_ACCESS_KEY=ACCESS_KEY, SANXIANG_S3_SECRET_KEY=SECRET_KEY)
    server = subprocess.Popen([SANXIANG, "serve", f"127.0.0.1:{port}", "--processes", "1", "--no-worker"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        # Warm the server (imports, the database connection, the S3 client) with a small upload
        # before measuring memory: what is measured is what an upload needs, not the first one's set-up.
        warm = work / "warm.mp4"
        warm.write_bytes(sample.read_bytes()[:1 << 16])
        upload(port, token, warm)
        pids = process_tree(server.pid)
        before = {pid: memory_kib(pid, "VmRSS") for pid in pids}
        hash_in_process(sample)  # the page cache holds the file for both measurements
        anchor = min(hash_in_process(sample) for _ in range(2))
        store_pids = process_tree(seaweed.process.pid) if seaweed is not None else []
        cpu_before = cpu_seconds(pids), cpu_seconds(store_pids), os.times()
        ingest = upload(port, token, sample)
        cpu_after = cpu_seconds(pids), cpu_seconds(store_pids), os.times()
        growth = max(memory_kib(pid, "VmHWM") - before[pid] for pid in pids if pid in before)
        alone = store_alone(seaweed, sample) if seaweed is not None else None
    finally:
        server.terminate()
        server.wait(30)
        if seaweed is not None:
            seaweed.stop()
        shutil.rmtree(work, ignore_errors=True)  # the sample and SeaweedFS's volumes (GiBs)
    done = Upload.objects.get(length=SIZE_MB * MIB)
    assert done.complete and done.length == SIZE_MB * MIB
    result = {
        "bench": "uploads", "database": connection.vendor, "store": STORE, "size_mib": SIZE_MB, "patch_mib": CHUNK_MB,
        "hash_mib_s": round(SIZE_MB / anchor, 1), "tus_mib_s": round(SIZE_MB / ingest, 1),
        "ratio": round(anchor / ingest, 3), "server_peak_rss_growth_mib": round(growth / 1024, 1),
        # Where the two cores went during the upload: CPU seconds of the server, of SeaweedFS and of
        # this client, against the wall time (2 cores: at most 2 × wall).
        "cpu_seconds": {"anchor": round(min(ANCHOR_CPU), 1), "server": round(cpu_after[0] - cpu_before[0], 1), "store": round(cpu_after[1] - cpu_before[1], 1),
                        "client": round(sum(cpu_after[2][:2]) - sum(cpu_before[2][:2]), 1), "wall": round(ingest, 1)},
        "load_average": round(os.getloadavg()[0], 2),
        # On SeaweedFS: the store's own speed, the bound of the tus ingest (its ratio to that too).
        "store_alone": alone,
        "ratio_to_store_alone": round(alone["put_then_copy_mib_s"] and (SIZE_MB / ingest) / alone["put_then_copy_mib_s"], 3)
        if alone else None,
        # With several PATCHes, the last one's time less a middle one's is about what completion costs.
        "patch_seconds": [round(t, 2) for t in PATCH_SECONDS] if len(PATCH_SECONDS) > 1 else None,
        "targets": {"ratio": ">= 0.5", "server_peak_rss_growth_mib": "<= 64 (1 GiB)"},
    }
    print(json.dumps(result, ensure_ascii=False))
    drop()


if __name__ == "__main__":
    main()
