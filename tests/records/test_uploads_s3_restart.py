"""A tus upload streaming into SeaweedFS survives the server process being killed between pieces:
a new `sanxiang serve` continues the same multipart upload from the row (real processes, tuspy)."""

import hashlib
import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from seaweedfs import ACCESS_KEY, SECRET_KEY
from tusclient.client import TusClient

# Its `sanxiang` processes run on a SQLite installation of their own: the SQLite pass runs it once.
pytestmark = pytest.mark.own_sqlite_installation

SANXIANG = str(Path(sys.executable).with_name("sanxiang"))
MIB = 1 << 20
VIDEO = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + os.urandom(11 * MIB - 24)
SETUP = """
from sanxiang.access.actors import OPERATOR
from sanxiang.accounts.actions import do_create_api_token
from sanxiang.orgs import testing
_, secret = do_create_api_token(testing.member(testing.agency("tus-restart")), label="执法记录仪底座", actor=OPERATOR)
print(secret)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env):
    port = free_port()
    server = subprocess.Popen([SANXIANG, "serve", f"127.0.0.1:{port}", "--processes", "1", "--no-worker"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, f"http://127.0.0.1:{port}/api/v1/uploads/"
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("sanxiang serve did not start")


def test_a_killed_server_between_pieces_is_continued_by_the_next_one(seaweedfs, tmp_path):
    bucket = seaweedfs.make_bucket(f"restart-{uuid.uuid4().hex[:12]}")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SANXIANG_DATA_DIR=str(tmp_path / "var"), SANXIANG_S3_BUCKET=bucket, SANXIANG_S3_ENDPOINT=seaweedfs.endpoint,
               SANXIANG_S3_ACCESS_KEY=ACCESS_KEY, SANXIANG_S3_SECRET_KEY=SECRET_KEY)
    database = tmp_path / "var" / "sanxiang.sqlite3"
    subprocess.run([SANXIANG, "migrate", "--noinput"], env=env, check=True, capture_output=True, timeout=300)
    secret = subprocess.run([SANXIANG, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True,
                            timeout=120).stdout.split()[-1]
    headers = {"Authorization": f"Bearer {secret}"}

    def send(endpoint, **kw):
        return TusClient(endpoint, headers=headers).uploader(file_stream=io.BytesIO(VIDEO), chunk_size=3 * MIB,
                                                        upload_checksum=True, **kw)

    server, url = serve(env)
    try:
        first = send(url)
        first.upload(stop_at=9 * MIB)  # one 8 MiB part in S3, 1 MiB only in the partial file
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(30)
    with sqlite3.connect(database) as db:
        state = json.loads(db.execute("SELECT multipart FROM records_upload").fetchone()[0])
    assert len(state["etags"]) == 1 and state["part_size"] == 8 * MIB
    server, url = serve(env)
    try:
        resumed = send(url, url=url + first.url.rsplit("/", 1)[1])
        assert resumed.get_offset() == 9 * MIB
        resumed.upload()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)

    with sqlite3.connect(database) as db:
        path, sha256, multipart = db.execute("SELECT path, sha256, multipart FROM records_upload").fetchone()
    assert sha256 == hashlib.sha256(VIDEO).hexdigest() and json.loads(multipart) == {}
    s3 = seaweedfs.client()
    assert s3.get_object(Bucket=bucket, Key=path)["Body"].read() == VIDEO
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [path]  # no staging object
