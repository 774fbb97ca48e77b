"""Offline verification of an archive package (归档信息包核验): no database, no network.

    result = verify_package("案卷.zip", pinned_keys=open("agency.vkey").read())
    result.ok, result.findings, result.notes

Checks, and reports every failure rather than stopping at the first:
* the zip opens and holds one BagIt bag (bagit.txt, both manifests, both tag manifests);
* every payload file is listed in both manifests and matches its SHA-256 and SHA-512; nothing listed
  is missing, nothing present is unlisted; the Payload-Oxum and the tag manifests agree;
* every ledger entry's leaf hash is SHA-256(0x00 ‖ its bytes), its own `index` is its position,
  and its inclusion proof leads to the root the checkpoint signs (RFC 9162 §2.1.3.2);
* the checkpoint's signatures verify under the pinned keys when given, else under the keys in the
  package (said so in the notes);
* every record file's SHA-256 is among the files listed by the package's ledger entries;
* for an archived file, its manifest (data/archive/manifest.json) is the one whose SHA-256 the
  `archive_case` entry carries, and against it: every item and form of the file is present, no
  other file is among the records, every entry of the case listed at archiving is present, case.json's
  case and archived-file data are as archived and case.xml says what case.json says. Records added
  after archiving (data/supplements/) are reported as 归档后补充, not as the archived file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sanxiang.core.text import xml_safe
from sanxiang.ledger import signing
from sanxiang.ledger.checkpoints import parse_body
from sanxiang.lib import merkle
from sanxiang.lib.canonical import canonical_bytes

CHUNK = 1 << 20
LISTING = "list_case_archive_package"  # the package's last entry, listing its supplements (package.py)
ALGORITHMS = ("sha256", "sha512")
TAG_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt")
MANIFEST = "data/archive/manifest.json"  # the archived file's manifest, bound by its archive_case entry


@dataclass
class Finding:
    code: str
    message: str


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    entries: int = 0
    files: int = 0
    tree_size: int | None = None
    pinned: bool = False
    key_used: str = ""  # "pinned" or "package" once the checkpoint was checked with them
    archived_file: bool = False  # checked against an archived file's manifest bound in the ledger
    # Explanations, not evidence: an attacker who recomputes the bag's manifests can rewrite them, and no
    # ledger entry binds them (s18 tester P1), so the result says they were not checked.
    unverified: tuple[str, ...] = ("data/README.txt", "bag-info.txt")

    @property
    def ok(self) -> bool:
        return not self.findings

    def fail(self, code: str, message: str) -> None:
        self.findings.append(Finding(code, message))

    def as_dict(self) -> dict:
        return {"ok": self.ok, "archived_file": self.archived_file, "entries": self.entries, "files": self.files, "tree_size": self.tree_size,
                "pinned_key": self.pinned, "notes": self.notes, "unverified": list(self.unverified),
                "findings": [{"code": f.code, "message": f.message} for f in self.findings]}


class Hashes:
    """SHA-256 and SHA-512 of one stream; SHA-512 (2–3× slower without CPU support) runs in a worker
    thread beside the caller's SHA-256, copying and CRC (hashlib releases the GIL on large chunks)."""

    _pool: ThreadPoolExecutor | None = None

    def __init__(self):
        self.sha256, self.sha512 = hashlib.sha256(), hashlib.sha512()
        self.size = 0
        self._pending = None
        if Hashes._pool is None:
            Hashes._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-sha512")

    def update(self, chunk: bytes) -> None:
        if self._pending is not None:
            self._pending.result()
        self._pending = Hashes._pool.submit(self.sha512.update, chunk)
        self.sha256.update(chunk)
        self.size += len(chunk)

    def hexdigests(self) -> dict:
        if self._pending is not None:
            self._pending.result()
            self._pending = None
        return {"sha256": self.sha256.hexdigest(), "sha512": self.sha512.hexdigest(), "size": self.size}


class _Stop(Exception):
    """The package cannot be read further (already recorded as a finding)."""


def verify_package(path, *, pinned_keys: str | None = None) -> Result:
    result = Result()
    pinned = None
    if pinned_keys is not None:
        try:
            pinned = signing.parse_vkeys(pinned_keys)
        except signing.SigningKeyError:  # its text is not echoed: it may be any file
            result.fail("key_unreadable", "固定公钥文件无法解析：其中不是 sanxiang checkpoint --vkey 输出的验签公钥")
            return result
        if not pinned:
            result.fail("key_unreadable", "固定公钥文件中没有公钥")
            return result
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        result.fail("not_found", f"文件不存在：{path}")
        return result
    except (zipfile.BadZipFile, IsADirectoryError, OSError):
        result.fail("not_zip", "不是 zip 格式的归档信息包（文件损坏或格式不对）")
        return result
    with zf:
        try:
            _Checker(zf, result, pinned).run()
        except _Stop:
            pass
    return result


class _Checker:
    def __init__(self, zf: zipfile.ZipFile, result: Result, pinned):
        self.zf, self.result, self.pinned = zf, result, pinned
        self.root = ""
        self.payload_digests: dict[str, dict[str, str]] = {}
        self.good: dict[int, dict] = {}  # intact entries with a valid proof, by index
        self.present: set[int] = set()  # every index the package holds

    def fail(self, code, message):
        self.result.fail(code, message)

    # ---- reading -------------------------------------------------------------------------------

    def _name(self, relative: str) -> str:
        return f"{self.root}/{relative}"

    def _read(self, relative: str) -> bytes | None:
        try:
            with self.zf.open(self._name(relative)) as fh:
                return fh.read()
        except KeyError:
            return None
        except (zipfile.BadZipFile, zlib.error, OSError) as exc:
            self.fail("file_damaged", f"{relative}：压缩包中的数据已损坏（{exc}）")
            return None

    def _text(self, relative: str, *, required: bool = True) -> str | None:
        raw = self._read(relative)
        if raw is None:
            if required:
                self.fail("bag_malformed", f"缺少 {relative}")
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.fail("bag_malformed", f"{relative} 不是 UTF-8 文本")
            return None

    def _hash(self, name: str) -> dict[str, str] | None:
        hashes = Hashes()
        try:
            with self.zf.open(name) as fh:
                while chunk := fh.read(CHUNK):
                    hashes.update(chunk)
            digests = hashes.hexdigests()
        except (zipfile.BadZipFile, zlib.error, OSError) as exc:
            hashes.hexdigests()
            self.fail("file_damaged", f"{name.split('/', 1)[-1]}：压缩包中的数据已损坏（{exc}）")
            return None
        return {**digests, "size": str(digests["size"])}

    # ---- the checks ----------------------------------------------------------------------------

    def run(self) -> None:
        self._find_root()
        self._check_bag()
        self._check_ledger()

    def _find_root(self) -> None:
        names = [n for n in self.zf.namelist() if not n.endswith("/")]
        for name in names:
            parts = name.split("/")
            if name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
                self.fail("bag_malformed", f"包内路径不安全：{name}")
                raise _Stop
        # One entry per name (s21 tester8 #2): a zip may hold two entries of one name, and readers differ
        # on which they show (Python's zipfile the last, unzip the first) — the package verified would not
        # be the one opened. Names equal after Unicode NFC and case-folding are refused too (a case-
        # insensitive disk keeps one of them).
        seen: dict[str, str] = {}
        for info in self.zf.infolist():
            key = unicodedata.normalize("NFC", info.filename.rstrip("/")).casefold()
            if key in seen:
                self.fail("bag_malformed", f"包内有重名文件：{info.filename}"
                          + (f"（与 {seen[key]} 同名）" if seen[key] != info.filename else "")
                          + "：不同软件打开时看到的可能不是核验的那一个")
                raise _Stop
            seen[key] = info.filename
        tops = {n.split("/", 1)[0] for n in names if "/" in n}
        if len(tops) != 1 or any("/" not in n for n in names):
            self.fail("bag_malformed", "归档信息包应当只有一个顶层目录（BagIt 包）")
            raise _Stop
        self.root = tops.pop()
        self.files = {n[len(self.root) + 1:] for n in names}
        # Nothing but the payload (data/, each file checked against both manifests) and this package's
        # own tag files: a fetch.txt or any other tag file would be read by BagIt tools, unverified here.
        tags = set(TAG_FILES) | {f"tagmanifest-{a}.txt" for a in ALGORITHMS}
        for extra in sorted(n for n in self.files if not n.startswith("data/") and n not in tags):
            self.fail("file_unlisted", f"{extra} 不是本包的标签文件，也不在任何清单中：归档信息包不应含有它")

    def _manifest(self, relative: str) -> dict[str, str] | None:
        text = self._text(relative)
        if text is None:
            return None
        out = {}
        for number, line in enumerate(text.splitlines(), start=1):
            parts = line.strip().split(None, 1)
            if len(parts) != 2:
                self.fail("bag_malformed", f"{relative} 第 {number} 行格式错误")
                continue
            name = parts[1].replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
            out[name] = parts[0].lower()
        return out

    def _check_bag(self) -> None:
        bagit = self._text("bagit.txt")
        if bagit is not None and "BagIt-Version:" not in bagit:
            self.fail("bag_malformed", "bagit.txt 缺少 BagIt-Version")
        manifests = {a: self._manifest(f"manifest-{a}.txt") for a in ALGORITHMS}
        payload = sorted(n for n in self.files if n.startswith("data/"))
        self.result.files = len(payload)
        total, damaged = 0, False
        for name in payload:
            digests = self._hash(self._name(name))
            if digests is None:
                damaged = True
                continue
            total += int(digests["size"])
            self.payload_digests[name] = digests
            for a in ALGORITHMS:
                listed = (manifests[a] or {}).get(name)
                if manifests[a] is None:
                    continue
                if listed is None:
                    self.fail("file_unlisted", f"{name} 不在 manifest-{a}.txt 中")
                elif listed != digests[a]:
                    self.fail("file_modified", f"{name} 的 {a.upper()} 与清单不符：文件已被改动")
        for a in ALGORITHMS:
            for name in sorted(set(manifests[a] or {}) - set(payload)):
                self.fail("file_missing", f"{name} 列在 manifest-{a}.txt 中，但包内没有这个文件")
        info = self._text("bag-info.txt", required=False) or ""
        for line in info.splitlines():
            if line.startswith("Payload-Oxum:") and not damaged:
                stated = line.split(":", 1)[1].strip()
                if stated != f"{total}.{len(payload)}":
                    self.fail("bag_oxum", f"Payload-Oxum {stated} 与包内数据（{total} 字节，{len(payload)} 个文件）不符")
        for a in ALGORITHMS:
            tags = self._manifest(f"tagmanifest-{a}.txt")
            for name, digest in (tags or {}).items():
                if name not in self.files:
                    self.fail("file_missing", f"{name} 列在 tagmanifest-{a}.txt 中，但包内没有这个文件")
                    continue
                got = self._hash(self._name(name))
                if got is not None and got[a] != digest:
                    self.fail("file_modified", f"{name} 的 {a.upper()} 与 tagmanifest-{a}.txt 不符：文件已被改动")

    def _payload_json(self, relative: str):
        text = self._text(relative)
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError:
            self.fail("bag_malformed", f"{relative} 不是有效的 JSON")
            return None

    def _verifiers(self):
        if self.pinned is not None:
            self.result.pinned, self.result.key_used = True, "pinned"
            return self.pinned
        self.result.key_used = "package"
        self.result.notes.append("未给出 --key：检查点用包内的公钥核验，只能证明本包自洽；"
                                 "请用从执法机关另行取得的公钥文件核验（--key）。")
        text = self._text("data/ledger/verification-keys.txt")
        if text is None:
            return []
        try:
            return signing.parse_vkeys(text)
        except signing.SigningKeyError as exc:
            self.fail("key_unreadable", f"包内公钥无法解析：{exc}")
            return []

    def _checkpoint(self):
        note = self._text("data/ledger/checkpoint.txt")
        if note is None:
            return None
        verifiers = self._verifiers()
        try:
            opened = signing.open_note(note, verifiers)
            parsed = parse_body(opened.text)
        except ValueError as exc:
            self.fail("checkpoint_malformed", f"检查点无法解析：{exc}")
            return None
        if opened.failed:
            self.fail("checkpoint_bad_signature", "检查点的签名验证失败：检查点被伪造或改动")
            return None
        if not opened.verified:
            which = "固定的公钥" if self.pinned is not None else "包内公钥"
            self.fail("checkpoint_bad_signature", f"检查点没有{which}的有效签名：不是该机关签发的检查点")
            return None
        self.result.tree_size = parsed.size
        return parsed

    def _check_ledger(self) -> None:
        checkpoint = self._checkpoint()
        ledger = self._payload_json("data/ledger/entries.json")
        if ledger is None:
            return
        entries = ledger.get("entries") if isinstance(ledger, dict) else None
        if not isinstance(entries, list):
            self.fail("bag_malformed", "data/ledger/entries.json 缺少 entries")
            return
        self.result.entries = len(entries)
        recorded: set[str] = set()
        for position, item in enumerate(entries):
            self._check_entry(position, item, checkpoint, recorded)
        metadata = self._payload_json("data/case.json")
        if metadata is None:
            return
        xml = self._read("data/case.xml")
        if xml is not None:
            try:  # every package's case.xml is well-formed XML, archived or not (DA/T 70 usability)
                ET.fromstring(xml)
            except ET.ParseError as exc:
                self.fail("metadata_malformed", f"data/case.xml 不是格式正确的 XML（{exc}）：元数据无法读取")
        for record in metadata.get("records", []):
            for file in record.get("files", []):
                name, sha = file.get("name", ""), file.get("sha256", "")
                title = record.get("title", "")
                if name not in self.payload_digests:
                    if name not in self.files:
                        self.fail("file_missing", f"记录“{title}”的文件 {name} 不在包内")
                    continue
                if self.payload_digests[name]["sha256"] != sha:
                    self.fail("file_modified", f"记录“{title}”的文件 {name} 与元数据中的摘要不符")
                if sha not in recorded:
                    self.fail("file_not_in_ledger",
                              f"记录“{title}”的文件 {name} 的摘要不在包内任何完好的留痕条目中")
        for name in sorted(n for n in self.payload_digests if n.startswith(("data/records/", "data/supplements/"))):
            if self.payload_digests[name]["sha256"] not in recorded:
                self.fail("file_not_in_ledger", f"{name} 的摘要不在包内任何完好的留痕条目中")
        self._check_archive(metadata, checkpoint)

    def _check_archive(self, metadata: dict, checkpoint) -> None:
        """The archived file against its manifest, which its archive_case entry binds."""
        raw = self._read(MANIFEST)
        supplements = metadata.get("supplements") or []
        if raw is None:
            archived = metadata.get("archived_file")
            if (isinstance(archived, dict) and archived.get("manifest")) or any(
                    e.get("action") == "archive_case" and (e.get("payload") or {}).get("manifest_sha256")
                    for e in self.good.values()):
                self.fail("manifest_missing", f"本包是归档案卷，但缺少归档清单 {MANIFEST}")
            elif isinstance(archived, dict):
                self.result.notes.append("本案归档时未固定归档清单（早于本版本）：只能证明其中文件记入了留痕账本，"
                                         "不能证明归档案卷完整。")
            else:
                self.result.notes.append("本包没有归档清单：它不是归档案卷的信息包，只能证明其中文件记入了留痕账本，"
                                         "不能证明案卷完整。")
            return
        archive_entries = [e for e in self.good.values() if e.get("action") == "archive_case"]
        if not archive_entries:
            self.fail("archive_entry_missing", "包内没有完好的“案卷归档”留痕条目，归档清单无从核对")
            return
        bound = (archive_entries[0].get("payload") or {}).get("manifest_sha256")
        if hashlib.sha256(raw).hexdigest() != bound:
            self.fail("manifest_modified", f"{MANIFEST} 与“案卷归档”留痕条目记载的摘要不符：归档清单被改动")
            return
        try:
            manifest = json.loads(raw.decode("utf-8"))
        except ValueError:
            self.fail("bag_malformed", f"{MANIFEST} 不是有效的 JSON")
            return
        if checkpoint is not None:
            missing = [i for i in manifest.get("entries", []) if i not in self.present]
            if missing:
                self.fail("entry_missing", "归档时本案的留痕条目 " + "、".join(f"#{i}" for i in missing[:20])
                          + ("等" if len(missing) > 20 else "") + f" 不在包内（共缺 {len(missing)} 条）")
            # Entries still unsequenced at archiving are listed by the digest of their text without its index.
            held = {hashlib.sha256(canonical_bytes({k: v for k, v in e.items() if k != "index"})).hexdigest()
                    for e in self.good.values()}
            unsequenced = [d for d in manifest.get("pending_entry_digests", []) if d not in held]
            if unsequenced:
                self.fail("entry_missing", "归档时尚待排序的本案留痕条目 " + "、".join(d[:12] for d in unsequenced[:20])
                          + f" 不在包内（共缺 {len(unsequenced)} 条）")
        self.result.archived_file = True
        self._check_items(manifest)
        if metadata.get("case") != manifest.get("case"):
            self.fail("metadata_modified", "data/case.json 的案件信息与归档清单不符：元数据被改动")
        stated = metadata.get("archived_file") or {}
        for key in ("archive_number", "retention", "retention_basis", "outcome", "items", "pages", "archived_at"):
            if stated.get(key) != manifest.get(key):
                self.fail("metadata_modified", f"data/case.json 的归档信息（{key}）与归档清单不符：元数据被改动")
        items = {(str(i.get("object_type")), str(i.get("object_id"))): i
                 for i in list(manifest.get("catalogue", [])) + list(manifest.get("forms", []))}
        for record in metadata.get("records", []):
            item = items.get((str(record.get("object_type")), str(record.get("object_id"))))
            if item is None or any(record.get(k) != item.get(k) for k in ("title", "number", "kind")):
                self.fail("metadata_modified", f"data/case.json 中的记录“{record.get('title', '')}”与归档清单不符")
        xml = self._text("data/case.xml")
        if xml is not None and xml != metadata_xml(metadata):
            self.fail("metadata_modified", "data/case.xml 与 data/case.json 不一致：元数据被改动")
        if checkpoint is not None:
            self._check_listing(metadata)
        if supplements:
            self.result.notes.append(f"归档后补充：{len(supplements)} 件材料在 data/supplements/，不属于归档案卷"
                                     f"（{'、'.join(str(s.get('title', '')) for s in supplements[:10])}）。")

    def _check_listing(self, metadata: dict) -> None:
        """The supplements against the package's listing entry (its last entry): each listed one present
        with its files, no other, and every entry it lists present — so a removed 归档后补充 fails."""
        listings = [e for e in self.good.values() if e.get("action") == LISTING]
        if not listings:
            self.fail("package_listing_missing", "包内没有完好的“固定归档信息包清单”留痕条目：无法确认归档后补充是否齐全"
                      "（可能被删去；本版本之前导出的包没有该条目，请重新导出）")
            return
        listing = max(listings, key=lambda e: e["index"])
        if listing["index"] != max(self.present):
            self.fail("package_listing_missing", f"留痕条目 #{listing['index']} 不是包内最后一个条目：清单之后的条目不在清单覆盖之内")
        payload = listing.get("payload") or {}
        missing = [i for i in payload.get("entries", []) if i not in self.present]
        if missing:
            self.fail("entry_missing", "导出时本案的留痕条目 " + "、".join(f"#{i}" for i in missing[:20])
                      + ("等" if len(missing) > 20 else "") + f" 不在包内（共缺 {len(missing)} 条）")
        held = {name: d["sha256"] for name, d in self.payload_digests.items() if name.startswith("data/supplements/")}
        rows = {(str(r.get("object_type")), str(r.get("object_id"))): r for r in metadata.get("supplements") or []}
        listed_files: set[str] = set()
        for item in payload.get("supplements", []):
            key = (str(item.get("object_type")), str(item.get("object_id")))
            files = set(item.get("files", []))
            listed_files |= files
            row = rows.pop(key, None)
            shown = {f.get("sha256") for f in (row or {}).get("files", [])}
            if row is None or not files <= set(held.values()) or not files <= shown:
                self.fail("supplement_missing", f"归档后补充的“{item.get('title', '')}”不在包内（清单条目 "
                          f"#{listing['index']} 列有该件）：材料被删去")
        for row in rows.values():
            self.fail("supplement_added", f"data/case.json 中的归档后补充“{row.get('title', '')}”不在清单条目中：材料被加入")
        for name, sha in sorted(held.items()):
            if sha not in listed_files:
                self.fail("supplement_added", f"{name} 不在清单条目列出的归档后补充之中：材料被加入")

    def _check_items(self, manifest: dict) -> None:
        """Every file of the archived file's items and forms among data/records/, and nothing else there."""
        present: dict[str, list[str]] = {}
        for name, digests in self.payload_digests.items():
            if name.startswith("data/records/"):
                present.setdefault(digests["sha256"], []).append(name)
        for name in self.files:
            if name.startswith("data/records/") and name not in self.payload_digests:
                present.setdefault("", []).append(name)
        expected: set[str] = set()
        changed: set[str] = set()
        for item in list(manifest.get("catalogue", [])) + list(manifest.get("forms", [])):
            label = item.get("title", "")
            if item.get("seq"):
                label = f"{'副卷' if item.get('volume') == 'secondary' else '正卷'}第 {item['seq']} 件“{label}”"
            else:
                label = f"“{label}”"
            for file in item.get("files", []):
                expected.add(file.get("sha256", ""))
                if file.get("sha256") in present:
                    continue
                # The file in the item's own place with other bytes is a changed file, not a removed and an added one.
                stem = (f"data/records/{item.get('volume')}-{int(item['seq']):04d}-"
                        f"{str(item.get('kind', '')).replace(':', '-')}-{file.get('role')}.") if item.get("seq") else ""
                moved = sorted(n for n in self.files if stem and n.startswith(stem))
                if moved:
                    changed.update(moved)
                    self.fail("file_modified", f"归档案卷的{label}的文件 {moved[0]} 与归档清单记载的摘要不符：文件已被改动")
                else:
                    self.fail("record_missing", f"归档案卷的{label}的文件不在包内：记录被删去")
        for sha, names in sorted(present.items()):
            if sha and sha not in expected:
                for name in names:
                    if name not in changed:
                        self.fail("record_added", f"{name} 不属于归档案卷（归档清单中没有）：记录被加入")

    def _check_entry(self, position: int, item, checkpoint, recorded: set[str]) -> None:
        try:
            index = int(item["index"])
            body = str(item["entry"])
            stated_leaf = str(item["leaf_hash"])
            proof = [bytes.fromhex(h) for h in item["proof"]]
        except (KeyError, TypeError, ValueError):
            self.fail("entry_malformed", f"第 {position + 1} 个留痕条目格式错误")
            return
        label = f"留痕条目 #{index}"
        self.present.add(index)
        leaf = merkle.leaf_hash(body.encode("utf-8"))
        intact = leaf.hex() == stated_leaf
        if not intact:
            self.fail("entry_modified", f"{label} 的内容与其叶哈希不符：条目已被改动")
        try:
            parsed = json.loads(body)
        except ValueError:
            self.fail("entry_modified", f"{label} 不是有效的 JSON")
            return
        if not isinstance(parsed, dict) or parsed.get("index") != index:
            self.fail("entry_reordered", f"{label} 的内容中的序号与其位置不符")
        # Without a valid checkpoint that failure is reported once; files are still matched to
        # the entries, so one forged checkpoint does not drown the report in file findings.
        if checkpoint is not None and not merkle.verify_inclusion(leaf, index, checkpoint.size, proof,
                                                                  checkpoint.root):
            self.fail("proof_invalid", f"{label} 的包含证明不能导出检查点的根哈希：条目不在已签名的账本中")
            return
        if intact and isinstance(parsed, dict) and checkpoint is not None:
            self.good[index] = parsed
        files = parsed.get("files") if isinstance(parsed, dict) and intact else None
        for listed in files if isinstance(files, list) else ():
            if isinstance(listed, dict):
                recorded.add(str(listed.get("sha256", "")))


# ---- metadata as XML (written by the export, checked here) ----------------------------------

def metadata_xml(metadata: dict) -> str:
    root = ET.Element("archive", {"format": metadata["format"]})
    _to_xml(root, {k: v for k, v in metadata.items() if k != "format"})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _to_xml(parent: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _to_xml(ET.SubElement(parent, key), item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _to_xml(ET.SubElement(parent, "item"), item)
    elif value is None:
        parent.set("nil", "true")
    elif isinstance(value, (dt.date, dt.datetime)):
        parent.text = value.isoformat()
    else:
        parent.text = xml_safe(str(value))  # XML 1.0 holds no C0 controls (s21 tester8 #6)
