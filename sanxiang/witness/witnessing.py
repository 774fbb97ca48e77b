"""One witnessing round (见证一轮) for a watched log, over HTTP.

Fetch the log's checkpoint; check the log's signature with the registered key; compare with the
latest checkpoint this witness co-signed: smaller → rolled back, same size but another root →
forked, larger → fetch the RFC 6962 consistency proof from the old size and check it
(RFC 9162 §2.1.4.2). Only then co-sign (tlog-cosignature v1), record the new state with a
compare-and-set (two runs at once never roll the witness back, as c2sp.org/tlog-witness warns)
and deliver the cosignature to the log. Anything inconsistent is refused and kept as evidence
in an alert; an unreachable log is a message, not an alert.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import transaction
from django.utils import timezone

from sanxiang.ledger import checkpoints, signing
from sanxiang.lib import merkle

from . import keys
from .actions import CHECKPOINT_PATH, do_raise_witness_alert, log_verifier, utc_timestamp
from .cosign import SIG_PREFIX, CosignatureError, line_parts
from .models import AlertKind, WatchedLog

logger = logging.getLogger("sanxiang.witness")

CONSISTENCY_PATH = "/api/v1/ledger/proofs/consistency"
COSIGNATURES_PATH = "/api/v1/witness/cosignatures"
TIMEOUT = 10
MAX_BODY = 256 * 1024


class Unreachable(Exception):
    """日志无法访问 — the log did not answer usably (message in 简体中文)."""


@dataclass
class Outcome:
    """见证结果 — what one round did: cosigned, unchanged, alert, refused or error."""

    log: WatchedLog
    status: str
    message: str
    tree_size: int = 0


def _request(url: str, data: bytes | None = None) -> str:
    headers = {"User-Agent": "sanxiang-witness/1", "Accept": "text/plain, application/json"}
    if data is not None:
        headers["Content-Type"] = "text/plain; charset=utf-8"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 — http(s) only, checked at add
            body = response.read(MAX_BODY + 1)
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode("utf-8", "replace")
        try:
            detail = json.loads(detail).get("message", detail)
        except (ValueError, AttributeError):
            pass
        raise Unreachable(f"{url} 返回 HTTP {exc.code}：{detail.strip()[:200]}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Unreachable(f"无法访问 {url}：{reason}") from None
    if len(body) > MAX_BODY:
        raise Unreachable(f"{url} 的响应过大")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreachable(f"{url} 的响应不是 UTF-8 文本") from None


def fetch_checkpoint(base_url: str) -> str:
    return _request(base_url + CHECKPOINT_PATH)


def fetch_consistency(base_url: str, first: int, second: int) -> list[bytes]:
    text = _request(f"{base_url}{CONSISTENCY_PATH}?{urlencode({'first': first, 'second': second})}")
    try:
        return [bytes.fromhex(h) for h in json.loads(text)["hashes"]]
    except (ValueError, KeyError, TypeError):
        raise Unreachable(f"{base_url} 返回的一致性证明格式不对") from None


def _log_lines(note: str, origin: str) -> list[str]:
    """The log's own signature lines (other witnesses' cosignatures are dropped)."""
    lines = note[note.rindex("\n\n") + 2:].splitlines()
    return [line for line in lines if line.startswith(SIG_PREFIX + origin + " ")]


def _signature_problem(opened: signing.OpenedNote) -> str | None:
    if opened.failed:
        return "检查点上登记公钥的签名验证失败"
    if not opened.verified:
        return "检查点上没有登记公钥的签名（日志换了密钥，或地址指向了别的日志）"
    return None


def witness_log(log: WatchedLog, *, actor) -> Outcome:
    """One round for one log; never raises for what the log did (see the module docstring)."""
    try:
        return _witness(log, actor=actor)
    except Unreachable as exc:
        return _error(log, str(exc))
    except keys.WitnessKeyError as exc:
        return _error(log, str(exc))


def _error(log: WatchedLog, message: str) -> Outcome:
    WatchedLog.objects.filter(pk=log.pk).update(last_error=message, checked_at=timezone.now())
    return Outcome(log, "error", message)


def _alert(log, kind, message, offending, proof=(), *, actor, size=0) -> Outcome:
    WatchedLog.objects.filter(pk=log.pk).update(last_error=message, checked_at=timezone.now())
    do_raise_witness_alert(log, kind=kind, message=message, offending=offending,
                           proof=[h.hex() for h in proof], actor=actor)
    return Outcome(log, "alert", message, size)


def _witness(log: WatchedLog, *, actor) -> Outcome:
    verifier = log_verifier(log.vkey)
    note = fetch_checkpoint(log.url)
    try:
        opened = signing.open_note(note, [verifier])
        parsed = checkpoints.parse_body(opened.text)
    except ValueError as exc:
        return _error(log, f"{log.url} 返回的不是检查点：{exc}")
    problem = _signature_problem(opened)
    if problem:
        return _alert(log, AlertKind.BAD_SIGNATURE, f"{log.name}：{problem}，拒绝联署", note, actor=actor,
                      size=parsed.size)
    if parsed.origin != log.origin:
        return _error(log, f"{log.url} 的检查点来源是“{parsed.origin}”，不是登记的“{log.origin}”")
    old_size, old_root = log.tree_size, bytes.fromhex(log.root_hash) if log.root_hash else b""
    proof: list[bytes] = []
    if parsed.size == 0 and parsed.root != merkle.EMPTY_ROOT:
        return _error(log, f"{log.url} 的检查点树大小为 0，根哈希却不是空树的哈希")
    if not log.root_hash:
        pass  # first sight: trusted on first use, as every witness does
    elif parsed.size < old_size:
        return _alert(log, AlertKind.ROLLBACK,
                      f"{log.name}：检查点的树大小 {parsed.size} 小于已联署的 {old_size}，日志被回滚，拒绝联署",
                      note, actor=actor, size=parsed.size)
    elif parsed.size == old_size:
        if parsed.root != old_root:
            return _alert(log, AlertKind.FORK,
                          f"{log.name}：树大小同为 {old_size}，根哈希却不同，日志分叉，拒绝联署",
                          note, actor=actor, size=parsed.size)
        WatchedLog.objects.filter(pk=log.pk).update(last_error="", checked_at=timezone.now())
        if not log.delivered:
            _deliver(log, log.checkpoint)
        return Outcome(log, "unchanged", f"{log.name}：没有新的检查点（树大小 {old_size}）", old_size)
    elif old_size:
        proof = fetch_consistency(log.url, old_size, parsed.size)
        if not merkle.verify_consistency(old_size, parsed.size, old_root, parsed.root, proof):
            return _alert(log, AlertKind.INCONSISTENT,
                          f"{log.name}：从已联署的树大小 {old_size} 到 {parsed.size} 的一致性证明不成立，"
                          "历史被改写，拒绝联署", note, proof, actor=actor, size=parsed.size)
    cosigner = keys.cosigner(log.holder.code if log.holder_id else None)
    line = cosigner.cosign(opened.text, utc_timestamp())
    kept = opened.text + "\n" + "".join(f"{sig}\n" for sig in _log_lines(note, log.origin)) + line + "\n"
    with transaction.atomic():
        # Compare-and-set: a concurrent round that already moved on must not be rolled back.
        moved = WatchedLog.objects.filter(pk=log.pk, tree_size=old_size, root_hash=log.root_hash).update(
            tree_size=parsed.size, root_hash=parsed.root.hex(), checkpoint=kept, cosigned_at=timezone.now(),
            checked_at=timezone.now(), last_error="", delivered=False)
    if not moved:
        return Outcome(log, "unchanged", f"{log.name}：另一轮见证已先完成", parsed.size)
    log.refresh_from_db()
    delivered = _deliver(log, kept)
    text = f"{log.name}：已联署树大小 {parsed.size} 的检查点" + ("" if delivered else "（联署尚未送达日志，下一轮重试）")
    return Outcome(log, "cosigned", text, parsed.size)


def _deliver(log: WatchedLog, kept: str) -> bool:
    """Send the co-signed checkpoint to the log (POST …/api/v1/witness/cosignatures)."""
    if not kept:
        return False
    try:
        _request(log.url + COSIGNATURES_PATH, kept.encode("utf-8"))
    except Unreachable as exc:
        WatchedLog.objects.filter(pk=log.pk).update(last_error=f"联署未能送达：{exc}")
        return False
    WatchedLog.objects.filter(pk=log.pk, checkpoint=kept).update(delivered=True)
    return True


def our_cosignature(log: WatchedLog) -> str:
    """Our line on the latest co-signed checkpoint ("" before the first)."""
    for line in log.checkpoint.splitlines():
        try:
            name, _ = line_parts(line) if line.startswith(SIG_PREFIX) else ("", b"")
        except CosignatureError:
            continue
        if name == log.witness_name:
            return line
    return ""


def run(logs=None, *, actor) -> list[Outcome]:
    """A round over every watched log (or `logs`); a failure of one log never stops the others."""
    outcomes = []
    watched = WatchedLog.objects.filter(removed_at=None).select_related("holder").order_by("id")
    for log in list(logs if logs is not None else watched):
        try:
            outcomes.append(witness_log(log, actor=actor))
        except Exception as exc:  # noqa: BLE001 — the worker must survive any one log
            logger.exception("见证 %s 时出错", log.name)
            outcomes.append(_error(log, f"见证时出错：{type(exc).__name__}: {exc}"))
    return outcomes

