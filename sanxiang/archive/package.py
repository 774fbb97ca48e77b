"""The archive package (归档信息包): one case as a BagIt bag (RFC 8493) in a zip, verifiable offline.

    export(case, "案卷.zip", actor=OPERATOR)

The bag holds the case's records (documents, evidence, recordings: streamed, constant memory),
the case's metadata as JSON and XML, the ledger entries of the case and of its records with their
RFC 6962 inclusion proofs to one signed checkpoint, the verifier keys, and a README (中文 and
English) on how to verify. Layout inside the zip (one top directory, as BagIt tools expect):

    case-<id>/bagit.txt, bag-info.txt, manifest-sha256.txt, manifest-sha512.txt, tagmanifest-*.txt
    case-<id>/data/README.txt
    case-<id>/data/case.json, data/case.xml
    case-<id>/data/records/0001-<kind>.<ext> …
    case-<id>/data/ledger/entries.json       {"tree_size", "entries": [{"index", "leaf_hash", "entry", "proof"}]}
    case-<id>/data/ledger/checkpoint.txt     the signed note (C2SP tlog-checkpoint)
    case-<id>/data/ledger/verification-keys.txt

The package is written to a temporary file beside the target and renamed at the end, after the
export's own ledger entry: a refusal or a failure leaves no file and no entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanxiang import storage
from sanxiang.core.errors import RuleViolation
from sanxiang.ledger import checkpoints, sequencer, signing, tree
from sanxiang.ledger.actions import append_entry, do_take_checkpoint
from sanxiang.ledger.models import LedgerEntry, PendingEntry
from sanxiang.ledger.registry import register_actions
from sanxiang.lib.canonical import canonical_bytes

from .sources import CaseRecord, RecordFile, records_of
from .verify import MANIFEST, Hashes, metadata_xml

register_actions({"export_case_archive": "导出案卷归档信息包",
                  "list_case_archive_package": "固定归档信息包清单（归档后补充）"})
# The entry an archived file's package ends with: the supplements it holds and the entries before it,
# bound by the checkpoint the package carries, so removing a supplement (and its entries) fails verify.
LISTING = "list_case_archive_package"

CHUNK = 1 << 20
BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
ALGORITHMS = ("sha256", "sha512")
# Already compressed or large: stored as is, so export costs hashing and copying only.
STORED_EXTENSIONS = {"pdf", "docx", "xlsx", "jpg", "jpeg", "png", "mp4", "mov", "mp3", "m4a", "wav", "ofd", "zip"}


class ArchiveError(RuleViolation):
    """The package cannot be made (the message says why, in 中文)."""


@dataclass
class Exported:
    path: Path
    records: int
    files: int
    entries: int
    tree_size: int
    payload_bytes: int
    archive_number: str = ""  # 档号 of an archived file ("" for a case not archived)
    supplements: int = 0


def bag_name(case) -> str:
    return f"case-{case.pk}"


def ledger_objects(case, records: list[CaseRecord]) -> set[tuple[str, str]]:
    return ({(case.ledger_type(), str(case.pk))} | {(r.object_type, r.object_id) for r in records}
            | {also for r in records for also in r.also})


def entries_of(objects: set[tuple[str, str]]) -> list[LedgerEntry]:
    """The ledger entries about the given objects, in index order."""
    by_type: dict[str, list[str]] = {}
    for object_type, object_id in objects:
        by_type.setdefault(object_type, []).append(object_id)
    query = Q()
    for object_type, ids in by_type.items():
        query |= Q(object_type=object_type, object_id__in=ids)
    return list(LedgerEntry.objects.filter(query).exclude(action=LISTING).order_by("index"))


def _recorded_digests(entries: list[LedgerEntry]) -> set[str]:
    found = set()
    for entry in entries:
        for listed in json.loads(entry.entry).get("files") or ():
            found.add(listed.get("sha256", ""))
    return found


def _signed_checkpoint(needed_size: int, actor):
    """The latest valid checkpoint covering the first `needed_size` entries; signed now if none does."""
    current = checkpoints.latest_valid()
    if current is None or current.tree_size < needed_size:
        current = do_take_checkpoint(actor=actor)
    if current.tree_size < needed_size:
        raise ArchiveError("无法签发覆盖本案全部留痕条目的检查点。")
    return current


def verification_keys() -> str:
    own = signing.signer()
    return f"{own.ed25519.vkey}\n{own.sm2.vkey}\n"


def export(case, out, *, actor, purpose: str | None = None) -> Exported:
    """Write `case`'s archive package to `out` (a .zip path). Raises ArchiveError, writing nothing.
    `purpose` (the operator's command, decision 0079): the export is also a 查阅留痕 row of the case — who
    (运维命令行), why, the package's SHA-256 — in the same transaction as its ledger entry."""
    out = Path(out)
    if out.exists() and out.is_dir():
        raise ArchiveError(f"输出路径是一个目录：{out}")
    if not out.parent.is_dir():
        raise ArchiveError(f"输出目录不存在：{out.parent}")
    if PendingEntry.objects.exists():
        sequencer.integrate()
    archived, records, supplements, objects = contents(case)
    manifest = archived.manifest if archived is not None else {}
    entries = entries_of(objects)
    if not entries:
        raise ArchiveError("本案没有留痕条目，无法导出。")
    recorded = _recorded_digests(entries)
    for record in records + supplements:
        for file in record.files:
            if file.sha256 not in recorded:
                raise ArchiveError(f"“{record.title}”的文件未记入留痕账本，不能归档导出。")
    if manifest:
        entries.append(_list_package(archived, supplements, entries, actor))
    checkpoint = _signed_checkpoint(entries[-1].index + 1, actor)
    size = checkpoint.tree_size

    fd, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(fd)
    try:
        with zipfile.ZipFile(temp, "w", allowZip64=True) as zf:
            bag = _BagWriter(zf, bag_name(case))
            listed = _write_records(bag, records, manifest=manifest)
            added = _write_records(bag, supplements, folder="supplements")
            ledger_doc = {
                "origin": signing.signer().name, "tree_size": size,
                "entries": [{"index": e.index, "leaf_hash": e.leaf_hash, "entry": e.entry,
                             "proof": [h.hex() for h in tree.inclusion_proof(e.index, size)]} for e in entries],
            }
            bag.add_text("data/ledger/entries.json", json.dumps(ledger_doc, ensure_ascii=False, indent=1))
            bag.add_text("data/ledger/checkpoint.txt", checkpoint.note)
            bag.add_text("data/ledger/verification-keys.txt", verification_keys())
            if manifest:
                bag.add_bytes(MANIFEST, canonical_bytes(manifest))
            metadata = json.loads(json.dumps(case_metadata(case, listed, size, archived=archived, supplements=added),
                                             ensure_ascii=False, default=str))
            bag.add_text("data/case.json", json.dumps(metadata, ensure_ascii=False, indent=1))
            bag.add_text("data/case.xml", metadata_xml(metadata))
            bag.add_text("data/README.txt", readme(case, bag.name, archived=archived, supplements=len(added)))
            bag.finish(case)
        package_sha256 = _file_sha256(temp) if purpose else ""
        with transaction.atomic():
            append_entry(action="export_case_archive", actor=actor, obj=case, payload={
                "records": len(records), "supplements": len(supplements), "entries": len(entries),
                "tree_size": size, "payload_oxum": bag.oxum, "manifest_sha256": bag.manifest_digest,
                **({"purpose": purpose, "package_sha256": package_sha256} if purpose else {})})
            if purpose:
                from sanxiang.retrieval.actions import record_operator_export

                from .exports import _highest_mark

                record_operator_export(case=case, sha256=package_sha256, records=len(records) + len(supplements),
                                       purpose=purpose, mark=_highest_mark(case), actor=actor)
            os.replace(temp, out)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    return Exported(out, len(records), sum(len(x["files"]) for x in listed + added), len(entries), size,
                    bag.payload_bytes, archived.archive_number if archived is not None else "", len(supplements))


def _file_sha256(path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _list_package(archived, supplements: list[CaseRecord], entries: list[LedgerEntry], actor) -> LedgerEntry:
    """Append (and sequence) the package's listing entry: which supplements it holds, with their files'
    digests, and the indices of every entry it holds. It is the package's last entry; an earlier
    package's listing is never packaged again (`entries_of` callers drop them), so a package cut back to
    look like an earlier one has no listing to show."""
    with transaction.atomic():
        append_entry(action=LISTING, actor=actor, obj=archived, payload={
            "supplements": [{"object_type": r.object_type, "object_id": str(r.object_id), "title": r.title,
                             "files": sorted(f.sha256 for f in r.files)} for r in supplements],
            "entries": [e.index for e in entries]})
    if PendingEntry.objects.exists():
        sequencer.integrate()
    return (LedgerEntry.objects.filter(action=LISTING, object_type=archived.ledger_type(), object_id=str(archived.pk))
            .order_by("-index").first())


def contents(case):
    """(archived file or None, records, supplements, ledger objects) of the case's package."""
    archived = _archived_file(case)
    manifest = archived.manifest if archived is not None else {}
    if manifest:
        records, supplements = _as_archived(case, manifest)
    else:
        records, supplements = records_of(case), []
    objects = ledger_objects(case, records + supplements)
    if archived is not None:
        objects.add((archived.ledger_type(), str(archived.pk)))
    return archived, records, supplements, objects


def changed_since(case, tree_size: int) -> bool:
    """Whether a package built with a checkpoint of `tree_size` would differ if built now: a ledger
    entry about the case, its archived file or one of its records (a supplement, a correction, a
    hold) at or after that size, or one still pending. The export's own entries do not count."""
    _archived, _records, _supplements, objects = contents(case)
    query = Q()
    for object_type, object_id in objects:
        query |= Q(object_type=object_type, object_id=object_id)
    if PendingEntry.objects.filter(query).exists():
        return True
    return LedgerEntry.objects.filter(query, index__gte=tree_size).exclude(action__in=("export_case_archive", LISTING)).exists()


def _archived_file(case):
    from .models import ArchivedCaseFile

    return ArchivedCaseFile.objects.filter(case=case).first()


# ---- the archived file's manifest (fixed at archiving) ------------------------------------------

def _file_dicts(files) -> list[dict]:
    return [{"role": f.role, "path": f.path, "sha256": f.sha256, "sm3": f.sm3, "size": f.size,
             "suffix": f.extension} for f in files]


def fix_manifest(archived, records: list[CaseRecord] | None = None) -> dict:
    """归档清单: fix what the archived file is — 档号, 保管期限, the four checks' result, the case's
    metadata (and its digest), every item of the catalogue with its volume, item and page numbers and
    its files' digests, the volumes' forms, and the ledger entries of the case so far — on the row;
    return the archive entry's payload fields that bind it (`manifest_sha256`). Called by archiving,
    inside its transaction, before the `archive_case` entry."""
    from . import casefile

    case = archived.case
    records = records_of(case) if records is None else records
    inside = {(i["object_type"], i["object_id"]) for i in archived.catalogue}
    suffixes = {f.sha256: f.extension for r in records for f in r.files}
    catalogue = [{**item, "files": [{**f, "suffix": suffixes.get(f["sha256"], f["role"])} for f in item["files"]]}
                 for item in archived.catalogue]
    forms = [{"kind": r.kind, "title": r.title, "number": r.number, "made_on": r.made_on,
              "object_type": r.object_type, "object_id": r.object_id, "files": _file_dicts(r.files)}
             for r in records if casefile.is_frame(r) and (r.object_type, r.object_id) not in inside]
    objects = ledger_objects(case, records)
    # Entries still pending (PostgreSQL under contention, or deferred sequencing) have no index yet:
    # sequence them here when the ledger lock is free, so the manifest lists every entry by index on both
    # databases. Never wait for it (archiving holds the case's row lock; a writer holding the ledger lock
    # may want that row): any entry still pending is listed by the SHA-256 of its text without its index,
    # which verify matches against the packaged entries. Before, such entries were only counted.
    if sequencer.try_lock():
        sequencer.sequence_pending()
    pending = _pending_digests(objects)
    core = json.loads(json.dumps(case_metadata(case, [], 0)["case"], ensure_ascii=False, default=str))
    manifest = json.loads(json.dumps({
        "format": "sanxiang-archived-file/1",
        "archive_number": archived.archive_number, "archived_at": timezone.localtime(archived.archived_at),
        "archived_by": archived.archived_by_name, "outcome": archived.outcome,
        "retention": archived.retention, "retention_basis": archived.retention_basis,
        "items": archived.items, "pages": archived.pages, "notes": archived.notes,
        "checks": archived.checks, "case": core,
        "case_sha256": hashlib.sha256(canonical_bytes(core)).hexdigest(),
        "catalogue": catalogue, "catalogue_sha256": archived.catalogue_sha256, "forms": forms,
        "entries": [e.index for e in entries_of(objects)],
        **({"pending_entry_digests": pending} if pending else {}),
    }, ensure_ascii=False, default=str))
    archived.manifest = manifest
    archived.save(update_fields=["manifest"])
    return {"manifest_sha256": hashlib.sha256(canonical_bytes(manifest)).hexdigest(),
            "archive_number": archived.archive_number, "case_sha256": manifest["case_sha256"]}


def _pending_digests(objects) -> list[str]:
    """SHA-256 of each pending entry's text without its index (`PendingEntry.body`), oldest first."""
    if not objects:
        return []
    query = Q()
    for object_type, object_id in objects:
        query |= Q(object_type=object_type, object_id=object_id)
    return [hashlib.sha256(body.encode("utf-8")).hexdigest()
            for body in PendingEntry.objects.filter(query).order_by("id").values_list("body", flat=True)]


def _as_archived(case, manifest: dict) -> tuple[list[CaseRecord], list[CaseRecord]]:
    """The archived file as archived (its catalogue's items in order, then its forms, each with the
    files it was archived with), and the supplements: every other record of the case, and a record
    whose files changed since (its current version)."""
    current = {(r.object_type, r.object_id): r for r in records_of(case)}
    archived: list[CaseRecord] = []
    fixed: dict[tuple[str, str], set[str]] = {}
    for item in list(manifest.get("catalogue", [])) + list(manifest.get("forms", [])):
        key = (item["object_type"], str(item["object_id"]))
        now = current.get(key)
        files = tuple(RecordFile(role=f["role"], path=f["path"], sha256=f["sha256"], sm3=f["sm3"], size=f["size"],
                                 suffix=f.get("suffix", "")) for f in item["files"])
        made_on = dt.date.fromisoformat(item["made_on"]) if item.get("made_on") else None
        archived.append(CaseRecord(
            kind=item["kind"], title=item["title"], number=item.get("number") or "", made_on=made_on,
            object_type=key[0], object_id=key[1], files=files,
            confidentiality=item.get("confidentiality", now.confidentiality if now else ""),
            metadata={**(now.metadata if now else {}), "volume": item.get("volume", "forms"),
                      "seq": item.get("seq"), "pages": item.get("pages"), "start_page": item.get("start_page"),
                      "end_page": item.get("end_page")},
            also=now.also if now else ()))
        fixed[key] = {f.sha256 for f in files}
    # An unissued draft is nobody's record yet: never exported as a supplement (s18 D5).
    supplements = [r for key, r in current.items()
                   if (key not in fixed or not {f.sha256 for f in r.files} <= fixed[key])
                   and not (r.kind.startswith("document:") and not r.metadata.get("issued"))]
    return archived, supplements


def _write_records(bag: _BagWriter, records: list[CaseRecord], *, manifest: dict | None = None,
                   folder: str = "records") -> list[dict]:
    listed = []
    for seq, record in enumerate(records, start=1):
        files = []
        place = record.metadata if manifest else {}
        prefix = f"{place.get('volume')}-{place['seq']:04d}" if place.get("seq") else (
            f"forms-{seq:04d}" if manifest else f"{seq:04d}")
        for file in record.files:
            name = f"data/{folder}/{prefix}-{record.kind.replace(':', '-')}-{file.role}.{file.extension}"
            digests = bag.add_stored(name, file.path)
            if digests["sha256"] != file.sha256 or digests["size"] != file.size:
                raise ArchiveError(f"“{record.title}”的存储文件与留痕账本记录不一致，请先运行 sanxiang verify。")
            files.append({"name": name, "role": file.role, "sha256": file.sha256, "sm3": file.sm3,
                          "size": file.size})
        entry = {"seq": seq, "kind": record.kind, "title": record.title, "number": record.number,
                 "made_on": record.made_on, "object_type": record.object_type,
                 "object_id": record.object_id, "confidentiality": record.confidentiality,
                 "metadata": record.metadata, "files": files}
        if folder == "supplements":
            entry["supplement"] = True
        listed.append(entry)
    return listed


class _BagWriter:
    """Writes a BagIt bag into a zip, hashing every payload file in the pass that copies it."""

    def __init__(self, zf: zipfile.ZipFile, name: str):
        self.zf, self.name = zf, name
        self.manifest: dict[str, dict[str, str]] = {a: {} for a in ALGORITHMS}
        self.payload_bytes = 0
        self.payload_files = 0
        self.oxum = ""
        self.manifest_digest = ""

    def _open(self, name: str, *, compress: bool):
        info = zipfile.ZipInfo(f"{self.name}/{name}", date_time=timezone.localtime().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        return self.zf.open(info, "w", force_zip64=True)

    def _add(self, name: str, chunks, *, compress: bool, payload: bool = True) -> dict:
        hashes = Hashes()
        try:
            with self._open(name, compress=compress) as dest:
                for chunk in chunks:
                    hashes.update(chunk)
                    dest.write(chunk)
        finally:
            digests = hashes.hexdigests()
        size = digests["size"]
        if payload:
            for a in ALGORITHMS:
                self.manifest[a][name] = digests[a]
            self.payload_bytes += size
            self.payload_files += 1
        return digests

    def add_stored(self, name: str, path: str) -> dict:
        def chunks():
            try:
                with storage.open_file(path) as fh:
                    while chunk := fh.read(CHUNK):
                        yield chunk
            except storage.StorageError as exc:
                raise ArchiveError(f"归档文件无法读取：{exc}") from None
        extension = name.rsplit(".", 1)[-1].lower()
        return self._add(name, chunks(), compress=extension not in STORED_EXTENSIONS)

    def add_text(self, name: str, text: str, *, payload: bool = True) -> dict:
        return self._add(name, [text.encode("utf-8")], compress=True, payload=payload)

    def add_bytes(self, name: str, data: bytes) -> dict:
        return self._add(name, [data], compress=True)

    def finish(self, case) -> None:
        self.oxum = f"{self.payload_bytes}.{self.payload_files}"
        tags: dict[str, dict] = {}
        tags["bagit.txt"] = self.add_text("bagit.txt", BAGIT_TXT, payload=False)
        info = [
            ("Source-Organization", case.agency.name),
            ("Bagging-Date", timezone.localdate().isoformat()),
            ("External-Identifier", case.number or f"case-{case.pk}"),
            ("External-Description", f"{case.agency.name} {case.get_kind_display()}案件 {case.number} 案卷归档信息包"),
            ("Bag-Software-Agent", "Sanxiang 三项 (sanxiang archive export)"),
            ("Payload-Oxum", self.oxum),
        ]
        tags["bag-info.txt"] = self.add_text(
            "bag-info.txt", "".join(f"{k}: {_one_line(v)}\n" for k, v in info), payload=False)
        for a in ALGORITHMS:
            lines = "".join(f"{digest}  {_encode_path(name)}\n" for name, digest in sorted(self.manifest[a].items()))
            tags[f"manifest-{a}.txt"] = self.add_text(f"manifest-{a}.txt", lines, payload=False)
        self.manifest_digest = tags["manifest-sha256.txt"]["sha256"]
        for a in ALGORITHMS:
            lines = "".join(f"{d[a]}  {name}\n" for name, d in sorted(tags.items()))
            self.add_text(f"tagmanifest-{a}.txt", lines, payload=False)


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def _encode_path(name: str) -> str:
    """RFC 8493 §2.1.3: CR, LF and % in manifest paths are percent-encoded."""
    return name.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


# ---- metadata --------------------------------------------------------------------------------

def case_metadata(case, records: list[dict], tree_size: int, *, archived=None,
                  supplements: list[dict] | None = None) -> dict:
    """case.json: the case (as archived, for an archived file with a manifest), its archived file
    (档号, 保管期限, the checks' result, volumes) and its records; supplements apart, marked."""
    out = _case_metadata(case, records, tree_size)
    manifest = archived.manifest if archived is not None else {}
    if manifest:
        out["case"] = manifest["case"]
        out["archived_file"] = {
            "archive_number": manifest["archive_number"], "archived_at": manifest["archived_at"],
            "retention": manifest["retention"], "retention_basis": manifest["retention_basis"],
            "outcome": manifest["outcome"], "items": manifest["items"], "pages": manifest["pages"],
            "checks_ok": bool((manifest.get("checks") or {}).get("ok")), "manifest": MANIFEST.split("/", 1)[1],
            "manifest_sha256": hashlib.sha256(canonical_bytes(manifest)).hexdigest()}
        out["supplements"] = supplements or []
    elif archived is not None:
        out["archived_file"] = {"archive_number": archived.archive_number, "manifest": None,
                                "note": "归档时未固定归档清单，本包不能证明归档案卷的完整"}
    else:
        out["archived_file"] = None
    return out


def _case_metadata(case, records: list[dict], tree_size: int) -> dict:
    parties = [{"name": link.party.name, "kind": link.party.get_kind_display()}
               for link in case.case_parties.select_related("party").order_by("id")]
    handlers = [h.person.name for h in case.handlers.select_related("person").order_by("id")]
    return {
        "format": "sanxiang-archive/1",
        "exported_at": timezone.localtime().isoformat(timespec="seconds"),
        "case": {
            "id": case.pk, "number": case.number, "agency": {"code": case.agency.code, "name": case.agency.name},
            "unit": case.unit.name, "kind": case.kind, "kind_label": case.get_kind_display(),
            "procedure": case.get_procedure_display(), "status": case.status,
            "status_label": _status_label(case.status), "cause": case.cause, "category": case.category,
            "confidentiality": case.confidentiality, "clue_on": case.clue_on, "filed_on": case.filed_on,
            "decided_on": case.decided_on, "closed_on": case.closed_on, "facts": case.facts,
            "decided_penalties": case.decided_penalties, "decided_fine": case.decided_fine,
            "parties": parties, "handlers": handlers,
        },
        "records": records,
        "ledger": {"tree_size": tree_size, "entries": "ledger/entries.json", "checkpoint": "ledger/checkpoint.txt",
                   "verification_keys": "ledger/verification-keys.txt"},
    }


def _status_label(status: str) -> str:
    from sanxiang.cases.models import CaseStatus

    try:
        return CaseStatus(status).label
    except ValueError:
        return status


def readme(case, name: str, *, archived=None, supplements: int = 0) -> str:
    if archived is not None and archived.manifest:
        state = (f"归档案卷 {archived.archive_number}：data/records/ 中是归档时的案卷（正卷 main、副卷 secondary，"
                 f"按卷内件号排列；forms 为卷宗封面、卷内文件目录、卷内备考表），归档清单在 {MANIFEST.split('/', 1)[1]}。")
        if supplements:
            state += f"\n归档后补充的材料 {supplements} 件在 data/supplements/，不属于归档案卷。"
    elif archived is not None:
        state = f"归档案卷 {archived.archive_number}：归档时未固定归档清单，本包不能证明归档案卷的完整。"
    else:
        state = "本案尚未归档：本包是案件现有的全部记录，不是归档案卷。"
    return f"""案卷归档信息包 / Case archive package
=====================================

{case.agency.name} · {case.get_kind_display()} · {case.number}
{state}

【中文】如何核验
本包是一个 BagIt 包（RFC 8493），案件的文书、证据、音像记录在 data/records/，案件元数据在 data/case.json 与
data/case.xml，留痕账本条目及其包含证明在 data/ledger/entries.json，签名检查点在 data/ledger/checkpoint.txt，
验签公钥在 data/ledger/verification-keys.txt。
1. 完整性：任何 BagIt 校验工具均可核对 manifest-sha256.txt 与 manifest-sha512.txt，例如解压后运行
   `bagit.py --validate {name}`（美国国会图书馆 bagit 软件包）。但 BagIt 清单任何人都能重算：删去一件记录或改动
   case.json 后重算清单，BagIt 校验照样通过。包是否完整、元数据是否归档时的原样，只有第 2 步能证明。
2. 一并核验（离线、无需联网）：`sanxiang archive verify 本文件.zip --key 机关公钥文件`。公钥文件应从执法机关
   另行取得（例如书面公布的 `sanxiang checkpoint --vkey` 输出），不要只信任包内公钥：包内公钥只能证明包内自洽。
3. 手工核验：每个条目的叶哈希 = SHA-256(0x00 ‖ 条目的 UTF-8 字节)；用 RFC 9162 §2.1.3.2 的算法以 proof 验证它位于
   检查点所签的树（树大小、根哈希）中；检查点是 C2SP signed-note，第一行签名为 Ed25519。每个记录文件的 SHA-256
   都列在某个条目的 files 中，因此文件、条目、检查点环环相扣。

[English] How to verify
This is a BagIt bag (RFC 8493). The case's documents, evidence and recordings are in data/records/, its
metadata in data/case.json and data/case.xml, its ledger entries with RFC 9162 inclusion proofs in
data/ledger/entries.json, the signed checkpoint in data/ledger/checkpoint.txt, the verifier keys in
data/ledger/verification-keys.txt.
1. Bag integrity: any BagIt validator checks the SHA-256 and SHA-512 manifests, e.g. after unzipping,
   `bagit.py --validate {name}` (Library of Congress bagit package). Anyone can recompute those manifests
   after removing a record or editing case.json, so this alone proves neither completeness nor metadata.
2. Everything at once, offline: `sanxiang archive verify THIS.zip --key AGENCY.vkey`, with the agency's
   verifier key obtained separately (e.g. published on paper); the key inside the package only shows the
   package is consistent with itself.
3. By hand: leaf hash = SHA-256(0x00 || entry bytes, UTF-8); check each proof with RFC 9162 §2.1.3.2
   against the tree size and root hash the checkpoint signs; the checkpoint is a C2SP signed note whose
   first signature line is Ed25519 (Go golang.org/x/mod/sumdb/note verifies it). Every record file's
   SHA-256 is listed in the `files` of one of the entries, which ties file, entry and checkpoint together.
"""
