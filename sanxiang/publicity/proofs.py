"""公开核验: a published decision's ledger inclusion proof, checkable by anyone (issue 10 §7, decision 0071).

When a version is published (`do_publish_publication`, first publication or a correction) one more
ledger entry is appended in the same act: the **public attestation** (公示内容存证, action
`attest_publication`). Every byte of it is public — the agency's code, the case number, the version,
the day and the SHA-256 of the published content — and its actor is the system actor
`system:publicity` (the person who published is named in the act's own `publish_publication` entry,
same `operation`, which stays internal). So the portal can hand out the entry's exact bytes, and
anyone can recompute its leaf hash, check the RFC 6962 inclusion proof against the signed
checkpoint, and check that the content they were shown hashes to the digest the entry holds.

*Published content* (`content_of`): what the portal shows of the version, as a JSON object — agency
code and name, 案号, kind, decision, decision day, version number, the redacted text, the fields and
the SAMR summary (and the 决定书's full text where published). Its digest is SHA-256 over its canonical JSON (UTF-8, sorted keys, no spaces:
`sanxiang.lib.canonical`). The proof carries those exact bytes (base64), so no one has to
re-canonicalise: `base64 -d | sha256sum` is the whole check.

The attestation's object is not a model row: `object_type` is `publicity.public` and `object_id` the
content digest, so the entry names no database id and the proof finds it with one indexed read.
"""

from __future__ import annotations

import base64
import hashlib

from sanxiang.access.actors import SystemActor
from sanxiang.ledger.registry import register_actions
from sanxiang.lib.canonical import canonical_bytes

ACTION = "attest_publication"
OBJECT_TYPE = "publicity.public"
ATTESTOR = SystemActor("system:publicity", "公示内容存证")
register_actions({ACTION: "公示内容存证（公开核验）"})


def content_of(version) -> dict:
    """The published content of `version` (a PublicationVersion), exactly as the portal shows it."""
    pub = version.publication
    ob = pub.obligation
    content = {
        "agency": pub.agency.code, "agency_name": pub.agency.name, "case": ob.case.number or "",
        "kind": ob.kind_label, "decision": ob.decision_label, "decided_on": ob.decided_on.isoformat(),
        "version": version.number, "text": version.text, "fields": dict(version.fields or {}),
        "summary": dict(version.summary or {}),
    }
    if version.full_text:  # the 决定书's full text where published (decision 0087); absent: earlier digests hold
        content["full_text"] = version.full_text
    return content


def content_bytes(version) -> bytes:
    return canonical_bytes(content_of(version))


def content_digest(version) -> str:
    return hashlib.sha256(content_bytes(version)).hexdigest()


def attest_publication(pub, *, on=None) -> None:
    """The public attestation of the version `pub` now shows (inside the publishing transaction)."""
    from sanxiang.ledger.actions import append_entry

    version = pub.shown()
    if version is None:
        return
    digest = content_digest(version)
    day = on or pub.published_on
    append_entry(action=ACTION, actor=ATTESTOR, agency=pub.agency.code, object_type=OBJECT_TYPE, object_id=digest,
                 payload={"content_sha256": digest, "case": pub.obligation.case.number or "",
                          "version": version.number, "published_on": day.isoformat() if day else None})


class Unavailable(Exception):
    """No proof to give now: `code` says why (withdrawn, not_attested, pending, no_checkpoint)."""

    def __init__(self, code: str, message: str, **extra):
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra


def attestation(digest: str):
    """The sequenced attestation entry of the content with this digest (the first), or None."""
    from sanxiang.ledger.models import LedgerEntry

    return (LedgerEntry.objects.filter(object_type=OBJECT_TYPE, object_id=digest, action=ACTION)
            .order_by("index").first())


def proof_of(pub) -> dict:
    """What `/gk/<agency>/jueding/<n>/proof.json` serves: the shown version's content (its exact bytes),
    the digest, the attestation entry (index, bytes, leaf hash), the inclusion proof against the latest
    valid signed checkpoint, that checkpoint's note, and the deployment's verifier key.
    Raises `Unavailable` for a withdrawn or expired publication (no content is served), content never attested
    (published before attestations existed — or changed since, which the proof must not hide), an
    attestation not yet sequenced, or no checkpoint covering it yet."""
    from sanxiang.ledger import checkpoints, signing, tree
    from sanxiang.ledger.api import _note

    from .models import PublicationStatus

    if pub.status == PublicationStatus.WITHDRAWN:
        raise Unavailable("withdrawn", "该决定信息已撤下，不再提供其内容与核验数据。",
                          withdrawal_reason=pub.withdrawal_reason,
                          withdrawn_on=pub.withdrawn_on.isoformat() if pub.withdrawn_on else None)
    if pub.status == PublicationStatus.EXPIRED:  # 公示期满, taken down or stopped early: stop showing it, here too
        from .queries import status_label

        raise Unavailable("expired", f"该决定信息{status_label(pub)}，不再提供其内容与核验数据。",
                          expires_on=pub.expires_on.isoformat() if pub.expires_on else None)
    version = pub.shown()
    if version is None:
        raise Unavailable("not_published", "该信息尚未公示。")
    raw = content_bytes(version)
    digest = hashlib.sha256(raw).hexdigest()
    entry = attestation(digest)
    if entry is None:
        from sanxiang.ledger.models import PendingEntry

        if PendingEntry.objects.filter(object_type=OBJECT_TYPE, object_id=digest).exists():
            raise Unavailable("pending", "存证条目正在排序入账，请数秒后再试。", retry_after=2)
        raise Unavailable("not_attested", "账本中没有与当前公示内容一致的存证条目：该信息可能在本功能启用前发布，"
                          "或发布后内容被改动。请向发布机关核实。", content_sha256=digest)
    checkpoint = checkpoints.latest_valid()
    if checkpoint is None or checkpoint.tree_size <= entry.index:
        raise Unavailable("no_checkpoint", "存证条目尚未被签名检查点覆盖（检查点每数秒签发一次），请稍后再试。",
                          retry_after=5)
    hashes = tree.inclusion_proof(entry.index, checkpoint.tree_size)
    note = _note(checkpoint).content.decode("utf-8")
    return {
        "content": content_of(version),
        "content_base64": base64.b64encode(raw).decode(),
        "content_sha256": digest,
        "entry": {"index": entry.index, "base64": base64.b64encode(entry.entry.encode("utf-8")).decode(),
                  "leaf_hash": entry.leaf_hash},
        "inclusion": {"leaf_index": entry.index, "tree_size": checkpoint.tree_size,
                      "hashes": [h.hex() for h in hashes]},
        "checkpoint": note,
        "root_hash": checkpoint.root_hash,
        "verifier_key": signing.signer().ed25519.vkey,
    }
