"""A misbehaving log for the witness to watch: a real HTTP server in a thread that serves
checkpoints signed with a real signing key over whatever history a test gives it (an honest
one, then a rolled-back or forked one), the consistency proofs of that history, and that records
the cosignatures delivered to it."""

import contextlib
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from sanxiang.ledger import checkpoints
from sanxiang.ledger.signing import Signer
from sanxiang.lib import merkle

ORIGIN = "county.example/ledger"


class FakeLog:
    def __init__(self, seed: bytes | None = None, origin: str = ORIGIN):
        self.signer = Signer(seed or os.urandom(32), origin)
        self.origin = origin
        self.leaves: list[bytes] = []
        self.note_override: str | None = None
        self.delivered: list[str] = []
        self.status = 200

    @property
    def vkey(self) -> str:
        return self.signer.ed25519.vkey

    def grow(self, n: int, tag: str = "entry") -> None:
        start = len(self.leaves)
        self.leaves += [merkle.leaf_hash(f"{tag}-{i}".encode()) for i in range(start, start + n)]

    def rewrite(self, index: int, tag: str = "forged") -> None:
        self.leaves[index] = merkle.leaf_hash(f"{tag}-{index}".encode())

    def truncate(self, size: int) -> None:
        del self.leaves[size:]

    def note(self, signer: Signer | None = None) -> str:
        size = len(self.leaves)
        root = merkle.mth(self.leaves) if size else merkle.EMPTY_ROOT
        return (signer or self.signer).sign(checkpoints.body(size, root, self.origin))

    def consistency(self, first: int, second: int) -> list[str]:
        return [h.hex() for h in merkle.proof(first, self.leaves[:second])]


def _handler(log: FakeLog):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status, body, kind="text/plain; charset=utf-8"):
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            parts = urlsplit(self.path)
            if log.status != 200:
                return self._send(log.status, "服务暂停")
            if parts.path == "/api/v1/ledger/checkpoint":
                return self._send(200, log.note_override or log.note())
            if parts.path == "/api/v1/ledger/proofs/consistency":
                q = parse_qs(parts.query)
                first, second = int(q["first"][0]), int(q["second"][0])
                return self._send(200, json.dumps({"first": first, "second": second,
                                                   "hashes": log.consistency(first, second)}),
                                  "application/json")
            return self._send(404, "not found")

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
            if urlsplit(self.path).path == "/api/v1/witness/cosignatures":
                log.delivered.append(body)
                return self._send(200, json.dumps({"accepted": 1}), "application/json")
            return self._send(404, "not found")

    return Handler


@contextlib.contextmanager
def _serving():
    log = FakeLog()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(log))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    log.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield log
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fake_log():
    with _serving() as log:
        yield log


@pytest.fixture(scope="module")
def module_fake_log():
    """One log for a whole module, for fixtures that build installations once per module."""
    with _serving() as log:
        yield log


@pytest.fixture
def closed_port():
    """An address where nothing listens."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
