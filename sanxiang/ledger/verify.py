"""`sanxiang verify` (核验): recompute the ledger and compare it with everything stored.

Streams the entries in index order (memory bounded by the chunk size and the number of stored
files and objects of one model), recomputing every leaf, every stored node and the root at every
checkpoint; checks each checkpoint's signature and the consistency of successive checkpoints;
compares every `Ledgered` row with its last entry; checks every recorded file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Q

from sanxiang.lib import merkle
from sanxiang.lib.hashing import digest_stream

from . import checkpoints as cp
from . import sequencer, signing, tree
from .models import Checkpoint, Ledgered, LedgerEntry, MerkleNode
from .registry import is_registered

MAX_PER_CODE = 50
_decode = json.JSONDecoder().decode

CODES = {
    "entry_modified": "条目被修改",
    "entry_missing": "条目缺失",
    "entry_reordered": "条目顺序被调换",
    "node_mismatch": "树节点与重算结果不符",
    "checkpoint_bad_signature": "检查点签名无效",
    "checkpoint_malformed": "检查点格式错误",
    "checkpoint_inconsistent": "检查点与账本历史不一致",
    "object_modified": "对象被绕过留痕修改",
    "object_deleted": "对象被绕过留痕删除",
    "object_unrecorded": "对象没有留痕记录",
    "file_modified": "文件被修改",
    "file_missing": "文件缺失",
    "file_untracked": "存在未登记的文件",
}


@dataclass
class Finding:
    code: str
    message: str
    detail: dict = field(default_factory=dict)


@dataclass
class Report:
    entries: int = 0
    nodes: int = 0
    checkpoints: int = 0
    objects: int = 0
    pending: int = 0
    files: int = 0
    findings: list[Finding] = field(default_factory=list)
    suppressed: Counter = field(default_factory=Counter)
    _counts: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, code: str, message: str, **detail) -> None:
        self._counts[code] += 1
        if self._counts[code] > MAX_PER_CODE:
            self.suppressed[code] += 1
            return
        self.findings.append(Finding(code, message, detail))

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "nodes": self.nodes,
            "checkpoints": self.checkpoints,
            "objects": self.objects,
            "pending": self.pending,
            "files": self.files,
            "findings": [asdict(f) for f in self.findings],
            "suppressed": dict(self.suppressed),
        }


def run(chunk: int = 20000) -> Report:
    report = Report()
    by_size = _check_checkpoints(report)
    files = _check_entries(report, by_size, chunk)
    # Entries committed but not yet sequenced: an object's or a file's latest state may be there.
    report.pending = sequencer.pending_count()
    files.update(sequencer.pending_files())
    _check_consistency(report, by_size)
    _check_objects(report)
    _check_files(report, files)
    return report


# --- checkpoints ----------------------------------------------------------------------------

def _check_checkpoints(report: Report) -> dict[int, list[tuple[int, bytes]]]:
    """Check every checkpoint's form and signature; return size -> [(id, signed root)]."""
    try:
        verifiers = signing.trusted_verifiers()
    except signing.SigningKeyError as exc:
        verifiers = []
        report.add("checkpoint_bad_signature", f"无法加载验签公钥：{exc}")
    by_size: dict[int, list[tuple[int, bytes]]] = {}
    for cid, size, root_hex, note in Checkpoint.objects.order_by("id").values_list(
            "id", "tree_size", "root_hash", "note").iterator(chunk_size=500):
        report.checkpoints += 1
        try:
            opened = signing.open_note(note, verifiers)
            parsed = cp.parse_body(opened.text)
        except ValueError as exc:
            report.add("checkpoint_malformed", f"检查点 #{cid}：{exc}", checkpoint=cid)
            continue
        if opened.failed or not opened.verified:
            why = "签名验证失败" if opened.failed else "没有受信任公钥的签名"
            report.add("checkpoint_bad_signature", f"检查点 #{cid}（树大小 {parsed.size}）{why}",
                       checkpoint=cid, tree_size=parsed.size)
            continue
        if parsed.origin != settings.LEDGER_ORIGIN:
            report.add("checkpoint_malformed",
                       f"检查点 #{cid} 的来源是 {parsed.origin}，不是本部署 {settings.LEDGER_ORIGIN}",
                       checkpoint=cid)
            continue
        if parsed.size != size or parsed.root.hex() != root_hex:
            report.add("checkpoint_malformed", f"检查点 #{cid} 的数据列与已签名内容不一致",
                       checkpoint=cid)
        by_size.setdefault(parsed.size, []).append((cid, parsed.root))
    return by_size


def _check_consistency(report: Report, by_size: dict[int, list[tuple[int, bytes]]]) -> None:
    sizes = sorted(size for size in by_size if size <= report.entries)
    previous = None
    for size in sizes:
        for cid, root in by_size[size]:
            if previous is None:
                previous = (size, cid, root)
                continue
            psize, pcid, proot = previous
            try:
                proof = tree.consistency_proof(psize, size) if psize < size else []
            except tree.TreeDamaged:
                return  # already reported as node_mismatch
            if not merkle.verify_consistency(psize, size, proot, root, proof):
                report.add("checkpoint_inconsistent",
                           f"检查点 #{pcid}（树大小 {psize}）与 #{cid}（树大小 {size}）不是同一段"
                           f"只追加的历史", checkpoints=[pcid, cid])
            previous = (size, cid, root)


# --- entries and nodes ----------------------------------------------------------------------

def _stored_nodes(first: int, end: int) -> dict[tuple[int, int], str]:
    """Stored nodes completed by leaves first..end-1."""
    query = Q()
    level = 1
    while (1 << level) <= end:
        lo = -(-(first + 1) // (1 << level)) - 1
        hi = (end >> level) - 1
        if lo <= hi:
            query |= Q(level=level, index__gte=lo, index__lte=hi)
        level += 1
    if not query:
        return {}
    return {(lv, ix): h for lv, ix, h in
            MerkleNode.objects.filter(query).values_list("level", "index", "hash")}


def _check_entries(report: Report, by_size, chunk: int) -> dict[str, dict]:
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    idx = connection.ops.quote_name("index")
    sql = (f"SELECT {idx}, entry, leaf_hash, agency, actor, action, object_type, object_id, "
           f"state_digest, deleted FROM {table} WHERE {idx} >= %s ORDER BY {idx} LIMIT %s")
    files: dict[str, dict] = {}
    stack: list[tuple[int, bytes]] = []
    pos = 0          # leaves seen = the position of the next leaf in the recomputed tree
    expected = 0     # the next index expected in the table
    cursor_index = None
    empty = merkle.EMPTY_ROOT
    for cid, root in by_size.get(0, []):
        if root != empty:
            report.add("checkpoint_inconsistent", f"检查点 #{cid}（树大小 0）的根哈希不是空树的根",
                       checkpoint=cid)
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [cursor_index if cursor_index is not None else -(1 << 62), chunk])
            rows = cursor.fetchall()
        if not rows:
            break
        stored = _stored_nodes(pos, pos + len(rows))
        for row in rows:
            index, text, leaf_hex = row[0], row[1], row[2]
            if index != expected:
                if index > expected:
                    report.add("entry_missing", f"第 {expected} 至 {index - 1} 条缺失",
                               first=expected, last=index - 1)
                expected = index
            expected += 1
            data = text.encode("utf-8")
            leaf = hashlib.sha256(b"\x00" + data).digest()
            try:
                body = _decode(text)
            except ValueError:
                body = None
            if not isinstance(body, dict):
                report.add("entry_modified", f"第 {index} 条的内容不是有效的条目", index=index)
            elif body.get("index") != index:
                report.add("entry_reordered",
                           f"第 {index} 个位置上是原第 {body.get('index')} 条（条目被调换或移动）",
                           index=index, recorded_index=body.get("index"))
            else:
                if leaf.hex() != leaf_hex:
                    report.add("entry_modified", f"第 {index} 条的内容与其叶哈希不符", index=index)
                get = body.get
                if ((get("agency"), get("actor"), get("action"), get("object_type"),
                     get("object_id"), get("state_digest"), bool(get("deleted", False)))
                        != (*row[3:9], bool(row[9]))):
                    report.add("entry_modified", f"第 {index} 条的数据列与其内容不一致", index=index)
                if not is_registered(str(get("action"))):
                    report.add("unknown_action", f"第 {index} 条的动作“{get('action')}”未登记（不是本系统记录的动作）",
                               index=index, action=get("action"))
                for record in get("files") or ():
                    if isinstance(record, dict) and isinstance(record.get("path"), str):
                        files[record["path"]] = record
            # Fold the leaf into the recomputed tree; compare each completed subtree.
            node, level = leaf, 0
            while stack and stack[-1][0] == level:
                node = merkle.node_hash(stack.pop()[1], node)
                level += 1
                key = (level, ((pos + 1) >> level) - 1)
                have = stored.get(key)
                if have is None:
                    report.add("node_mismatch", f"缺少树节点（层 {key[0]}，序号 {key[1]}）",
                               level=key[0], node=key[1])
                elif have != node.hex():
                    report.add("node_mismatch", f"树节点（层 {key[0]}，序号 {key[1]}）与重算结果不符",
                               level=key[0], node=key[1])
            stack.append((level, node))
            pos += 1
            for cid, root in by_size.get(pos, ()):
                if _fold(stack) != root:
                    report.add("checkpoint_inconsistent",
                               f"检查点 #{cid}（树大小 {pos}）的根哈希与账本重算结果不一致",
                               checkpoint=cid, tree_size=pos)
        cursor_index = rows[-1][0] + 1
    report.entries = pos
    for size in sorted(by_size):
        if size > pos:
            for cid, _ in by_size[size]:
                report.add("entry_missing", f"检查点 #{cid} 记录了 {size} 条，而账本只有 {pos} 条",
                           checkpoint=cid, tree_size=size, entries=pos)
    report.nodes = MerkleNode.objects.count()
    wanted = sum(pos >> level for level in range(1, pos.bit_length() + 1))
    if report.nodes > wanted:
        report.add("node_mismatch", f"存储了 {report.nodes} 个树节点，应为 {wanted} 个",
                   stored=report.nodes, expected=wanted)
    return files


def _fold(stack: list[tuple[int, bytes]]) -> bytes:
    if not stack:
        return merkle.EMPTY_ROOT
    root = stack[-1][1]
    for _, node in reversed(stack[:-1]):
        root = merkle.node_hash(node, root)
    return root


# --- objects --------------------------------------------------------------------------------

def ledgered_models():
    return [m for m in apps.get_models()
            if issubclass(m, Ledgered) and not m._meta.abstract and not m._meta.proxy]


def _check_objects(report: Report) -> None:
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    idx = connection.ops.quote_name("index")
    sql = (f"SELECT e.object_id, e.state_digest, e.deleted, e.{idx} FROM {table} e JOIN "
           f"(SELECT object_id, MAX({idx}) AS m FROM {table} WHERE object_type = %s "
           f"GROUP BY object_id) t ON e.{idx} = t.m")
    for model in ledgered_models():
        kind = model.ledger_type()
        label = f"{model._meta.verbose_name}（{kind}）"
        with connection.cursor() as cursor:
            cursor.execute(sql, [kind])
            last = {row[0]: row[1:] for row in cursor.fetchall()}
        last.update(sequencer.pending_states(kind))
        for obj in model._base_manager.order_by("pk").iterator(chunk_size=2000):
            report.objects += 1
            key = str(obj.pk)
            seen = last.pop(key, None)
            if seen is None:
                report.add("object_unrecorded", f"{label} {key} 没有任何留痕记录",
                           object_type=kind, object_id=key)
            elif seen[1]:
                report.add("object_unrecorded", f"{label} {key} 已在第 {seen[2]} 条记为删除，却仍存在",
                           object_type=kind, object_id=key, entry=seen[2])
            elif obj.ledger_digest() != seen[0]:
                report.add("object_modified",
                           f"{label} {key} 的当前状态与第 {seen[2]} 条留痕不符（被绕过留痕修改）",
                           object_type=kind, object_id=key, entry=seen[2])
        for key, (digest, deleted, index) in last.items():
            if not deleted:
                report.add("object_deleted", f"{label} {key} 已不存在，但账本中没有删除记录"
                           f"（最后一条为第 {index} 条）", object_type=kind, object_id=key,
                           entry=index)


# --- files ----------------------------------------------------------------------------------

def files_root() -> Path:
    return Path(settings.DATA_DIR) / "files"


def _check_files(report: Report, files: dict[str, dict]) -> None:
    root = files_root().resolve()
    present: set[Path] = set()
    for rel, record in sorted(files.items()):
        path = (root / rel).resolve()
        if root not in path.parents:
            report.add("file_modified", f"条目中的文件路径不合法：{rel}", path=rel)
            continue
        if record.get("deleted"):
            continue
        present.add(path)
        report.files += 1
        if not path.is_file():
            report.add("file_missing", f"文件缺失：{rel}", path=rel)
            continue
        with path.open("rb") as fh:
            digest = digest_stream(fh)
        for key in ("sha256", "sm3", "size"):
            if key in record and record[key] != digest[key]:
                report.add("file_modified", f"文件被修改：{rel}（{key} 不符）", path=rel)
                break
    if root.is_dir():
        for dirpath, _, names in os.walk(root):
            for name in names:
                path = Path(dirpath, name).resolve()
                if path not in present:
                    rel = str(path.relative_to(root))
                    report.add("file_untracked", f"未登记的文件：{rel}", path=rel)
