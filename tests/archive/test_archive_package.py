"""The archive package (issue 8 §5, §8): `sanxiang archive export` writes a BagIt bag that any BagIt
validator accepts and `sanxiang archive verify` checks offline; every tamper of §8 is named."""

import base64
import json
import os
import zipfile

import bagit
import pytest
from archive_cast import members, rebag, run, write
from documents_cast import REASONS, decided_case
from tamperlog import merkle as tamperlog

from sanxiang.access.actors import OPERATOR
from sanxiang.archive.package import ArchiveError, export, verification_keys
from sanxiang.archive.verify import verify_package
from sanxiang.documents import actions as D
from sanxiang.ledger import signing
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def exported(env, blocker, tmp_path_factory):
    """A decided case with two documents, exported once for the module (the CLI, as an operator would)."""
    with blocker.unblock():
        case = decided_case(env)
        D.do_generate_document(case, "filing_approval", actor=env.officer)
        D.do_generate_document(case, "penalty_decision", inputs=REASONS, actor=env.officer)
        folder = tmp_path_factory.mktemp("export")
        path = folder / "案卷.zip"
        code, out, err = run("archive", "export", "--purpose", "核对归档案卷", case.number, "--out", str(path))
        assert code == 0, err
        keys = folder / "agency.vkey"
        keys.write_text(verification_keys())
        return case, path, keys, out


def root_of(files):
    return next(iter(files)).split("/", 1)[0]


def codes(result):
    return [f.code for f in result.findings]


def test_the_package_verifies_offline_with_the_pinned_key(exported):
    case, path, keys, out = exported
    assert "记录 2 件" in out
    result = verify_package(path, pinned_keys=keys.read_text())
    assert result.ok, result.findings
    assert result.pinned and result.entries >= 3
    assert [n[:9] for n in result.notes] == ["本包没有归档清单："]  # not archived: no completeness claim
    files = members(path)
    root = root_of(files)
    metadata = json.loads(files[f"{root}/data/case.json"])
    assert metadata["case"]["number"] == case.number
    assert [r["title"] for r in metadata["records"]] == ["立案审批表", "行政处罚决定书"]
    assert case.number in files[f"{root}/data/case.xml"].decode()
    readme = files[f"{root}/data/README.txt"].decode()
    assert "如何核验" in readme and "How to verify" in readme
    # Every entry about the case and its documents, none about anything else.
    ledger = json.loads(files[f"{root}/data/ledger/entries.json"])
    types = {json.loads(e["entry"])["object_type"] for e in ledger["entries"]}
    assert types == {"cases.case", "documents.document"}
    # The export is itself recorded in the ledger.
    assert LedgerEntry.objects.filter(action="export_case_archive", object_id=str(case.pk)).count() == 1


def test_without_a_pinned_key_it_says_it_used_the_packages_own(exported):
    _, path, _, _ = exported
    code, out, _ = run("archive", "verify", str(path))
    assert code == 0
    assert "包内公钥" in out and "核验通过" in out


def test_the_library_of_congress_bagit_validator_accepts_the_bag(exported, tmp_path):
    _, path, _, _ = exported
    with zipfile.ZipFile(path) as zf:
        zf.extractall(tmp_path)
        root = zf.namelist()[0].split("/")[0]
    bag = bagit.Bag(str(tmp_path / root))
    bag.validate()  # raises BagValidationError otherwise
    assert set(bag.algorithms) == {"sha256", "sha512"}
    assert bag.info["External-Identifier"] == exported[0].number
    record = next((tmp_path / root / "data" / "records").iterdir())
    data = bytearray(record.read_bytes())
    data[len(data) // 2] ^= 0x01
    record.write_bytes(bytes(data))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(tmp_path / root)).validate()


def test_tamperlog_accepts_every_packaged_proof(exported):
    _, path, _, _ = exported
    files = members(path)
    root = root_of(files)
    ledger = json.loads(files[f"{root}/data/ledger/entries.json"])
    note = files[f"{root}/data/ledger/checkpoint.txt"].decode()
    size, root_hash = int(note.split("\n")[1]), base64.b64decode(note.split("\n")[2])
    assert size == ledger["tree_size"]
    for item in ledger["entries"]:
        tamperlog.verify_inclusion(item["index"], size, tamperlog.hash_leaf(item["entry"].encode()),
                                   [bytes.fromhex(h) for h in item["proof"]], root_hash)


def test_sigstore_checks_the_packaged_checkpoint_and_a_proof(exported):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from sigstore._internal.merkle import verify_merkle_inclusion
    from sigstore._internal.rekor.checkpoint import verify_checkpoint
    from sigstore._internal.trust import Keyring
    from sigstore.models import TransparencyLogEntry
    from sigstore_models.common.v1 import LogId, PublicKey, PublicKeyDetails
    from sigstore_models.rekor.v1 import Checkpoint as NoteEnvelope
    from sigstore_models.rekor.v1 import InclusionProof, KindVersion
    from sigstore_models.rekor.v1 import TransparencyLogEntry as LogEntry

    _, path, keys, _ = exported
    files = members(path)
    root = root_of(files)
    ledger = json.loads(files[f"{root}/data/ledger/entries.json"])
    note = files[f"{root}/data/ledger/checkpoint.txt"].decode()
    key = signing.parse_vkeys(keys.read_text())[0]
    der = Ed25519PublicKey.from_public_bytes(key.public).public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    ring = Keyring([PublicKey(raw_bytes=base64.b64encode(der).decode(), key_details=PublicKeyDetails.PKIX_ED25519)])
    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    for item in ledger["entries"]:
        entry = TransparencyLogEntry(LogEntry(
            log_index=str(item["index"]), log_id=LogId(key_id=b64(key.key_id)),
            kind_version=KindVersion(kind="sanxiang-ledger", version="1"),
            canonicalized_body=b64(item["entry"].encode()),
            inclusion_proof=InclusionProof(
                log_index=str(item["index"]), tree_size=str(ledger["tree_size"]),
                root_hash=note.split("\n")[2], hashes=[b64(bytes.fromhex(h)) for h in item["proof"]],
                checkpoint=NoteEnvelope(envelope=note))))
        verify_merkle_inclusion(entry)
        verify_checkpoint(ring, entry)


# ---- tampering (issue 8 §8) -------------------------------------------------------------------

def tampered(exported, tmp_path, change, *, rebagged=True):
    files = members(exported[1])
    change(files, root_of(files))
    path = tmp_path / "tampered.zip"
    write(path, rebag(files) if rebagged else files)
    return path


def first_record(files, root):
    return sorted(n for n in files if n.startswith(f"{root}/data/records/"))[0]


def flip(data: bytes) -> bytes:
    data = bytearray(data)
    data[len(data) // 2] ^= 0x01
    return bytes(data)


def test_one_flipped_byte_in_a_record_is_named(exported, tmp_path):
    def change(files, root):
        name = first_record(files, root)
        files[name] = flip(files[name])
    path = tampered(exported, tmp_path, change, rebagged=False)
    code, out, _ = run("archive", "verify", str(path), "--key", str(exported[2]))
    assert code == 1
    assert "[file_modified] data/records/0001-" in out and "核验失败" in out


def test_one_flipped_byte_in_the_zip_itself_is_caught(exported, tmp_path):
    raw = bytearray(exported[1].read_bytes())
    with zipfile.ZipFile(exported[1]) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith(".docx"))
    raw[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size // 2] ^= 0x01
    path = tmp_path / "flipped.zip"
    path.write_bytes(bytes(raw))
    result = verify_package(path)
    assert not result.ok and set(codes(result)) <= {"file_damaged", "file_modified"}, result.findings
    assert any(".docx" in f.message for f in result.findings)


def test_a_changed_record_with_recomputed_manifests_is_not_in_the_ledger(exported, tmp_path):
    def change(files, root):
        name = first_record(files, root)
        files[name] = flip(files[name])
        metadata = json.loads(files[f"{root}/data/case.json"])
        import hashlib
        for record in metadata["records"]:
            for file in record["files"]:
                if f"{root}/{file['name']}" == name:
                    file["sha256"] = hashlib.sha256(files[name]).hexdigest()
        files[f"{root}/data/case.json"] = json.dumps(metadata).encode()
    result = verify_package(tampered(exported, tmp_path, change))
    assert codes(result) == ["file_not_in_ledger"] * 2, result.findings
    assert "data/records/0001-" in result.findings[0].message


def test_a_removed_file_is_named(exported, tmp_path):
    removed = {}

    def change(files, root):
        removed["name"] = first_record(files, root)
        del files[removed["name"]]
    result = verify_package(tampered(exported, tmp_path, change, rebagged=False))
    assert "file_missing" in codes(result)
    assert any(removed["name"].split("/", 1)[1] in f.message for f in result.findings)


def test_a_forged_checkpoint_is_refused(exported, tmp_path):
    def change(files, root):
        note = files[f"{root}/data/ledger/checkpoint.txt"].decode()
        lines = note.split("\n")
        lines[1] = str(int(lines[1]) + 1)
        files[f"{root}/data/ledger/checkpoint.txt"] = "\n".join(lines).encode()
    result = verify_package(tampered(exported, tmp_path, change), pinned_keys=exported[2].read_text())
    assert "checkpoint_bad_signature" in codes(result)


def test_a_checkpoint_resigned_with_another_key_fails_against_the_pinned_key(exported, tmp_path):
    forger = signing.Signer(os.urandom(32), signing.signer().name)

    def change(files, root):
        note = files[f"{root}/data/ledger/checkpoint.txt"].decode()
        text = note[:note.index("\n\n") + 1]
        files[f"{root}/data/ledger/checkpoint.txt"] = forger.sign(text).encode()
        files[f"{root}/data/ledger/verification-keys.txt"] = f"{forger.ed25519.vkey}\n".encode()
    path = tampered(exported, tmp_path, change)
    alone = verify_package(path)
    assert alone.ok and alone.notes  # self-consistent, and the note says only that
    pinned = verify_package(path, pinned_keys=exported[2].read_text())
    assert codes(pinned) == ["checkpoint_bad_signature"]
    assert "固定的公钥" in pinned.findings[0].message


def test_a_proof_for_another_entry_is_named(exported, tmp_path):
    swapped = {}

    def change(files, root):
        ledger = json.loads(files[f"{root}/data/ledger/entries.json"])
        first, second = ledger["entries"][0], ledger["entries"][1]
        first["proof"], second["proof"] = second["proof"], first["proof"]
        swapped["indexes"] = (first["index"], second["index"])
        files[f"{root}/data/ledger/entries.json"] = json.dumps(ledger).encode()
    result = verify_package(tampered(exported, tmp_path, change), pinned_keys=exported[2].read_text())
    proofs = [f.message for f in result.findings if f.code == "proof_invalid"]
    assert len(proofs) == 2
    assert f"#{swapped['indexes'][0]} " in proofs[0] and f"#{swapped['indexes'][1]} " in proofs[1]


def test_an_edited_entry_is_named(exported, tmp_path):
    def change(files, root):
        ledger = json.loads(files[f"{root}/data/ledger/entries.json"])
        ledger["entries"][0]["entry"] = ledger["entries"][0]["entry"].replace("system:", "system-")
        ledger["entries"][0]["entry"] = ledger["entries"][0]["entry"].replace('"actor":"', '"actor":"x')
        files[f"{root}/data/ledger/entries.json"] = json.dumps(ledger).encode()
    result = verify_package(tampered(exported, tmp_path, change))
    assert "entry_modified" in codes(result)


def test_a_file_that_is_not_a_zip(tmp_path):
    path = tmp_path / "案卷.zip"
    path.write_text("这不是压缩包")
    code, out, _ = run("archive", "verify", str(path))
    assert code == 1 and "[not_zip]" in out
    code, out, _ = run("archive", "verify", str(tmp_path / "无此文件.zip"))
    assert code == 1 and "[not_found]" in out


# ---- refusals write nothing -------------------------------------------------------------------

def nothing_written(folder, entries_before):
    assert list(folder.iterdir()) == []
    assert LedgerEntry.objects.count() == entries_before


def test_a_missing_case_is_refused(env, tmp_path):
    before = LedgerEntry.objects.count()
    code, _, err = run("archive", "export", "--purpose", "核对归档案卷", "无此案号", "--out", str(tmp_path / "x.zip"))
    assert code == 2 and "没有案号为“无此案号”的案件" in err
    nothing_written(tmp_path, before)


def test_an_existing_output_file_is_not_overwritten(env, tmp_path):
    """s18 tester 23: `--out` overwrote an earlier package silently."""
    earlier = tmp_path / "earlier.zip"
    earlier.write_bytes(b"an earlier package")
    before = LedgerEntry.objects.count()
    code, _, err = run("archive", "export", "--purpose", "核对归档案卷", "无此案号", "--out", str(earlier))
    assert code == 2 and "输出文件已存在" in err and earlier.read_bytes() == b"an earlier package"
    assert LedgerEntry.objects.count() == before


def test_a_store_file_that_no_longer_matches_the_ledger_is_refused(exported, tmp_path, settings):
    case = exported[0]
    document = case.documents.order_by("id").first()
    from sanxiang import storage

    stored = storage.backend().path(document.docx_path)
    original = open(stored, "rb").read()
    try:
        with open(stored, "wb") as fh:
            fh.write(flip(original))
        before = LedgerEntry.objects.count()
        with pytest.raises(ArchiveError) as caught:
            export(case, tmp_path / "案卷.zip", actor=OPERATOR)
        assert "与留痕账本记录不一致" in caught.value.message
        nothing_written(tmp_path, before)
    finally:
        with open(stored, "wb") as fh:
            fh.write(original)


def test_an_output_directory_that_does_not_exist_is_refused(exported, tmp_path):
    before = LedgerEntry.objects.count()
    code, _, err = run("archive", "export", "--purpose", "核对归档案卷", exported[0].number, "--out", str(tmp_path / "无此目录" / "x.zip"))
    assert code == 2 and "输出目录不存在" in err
    nothing_written(tmp_path, before)


def test_an_archive_or_a_court_verifies_without_any_installation(exported, tmp_path):
    """`sanxiang archive verify` in an empty data directory, no database: what an outsider has."""
    import subprocess
    import sys
    from pathlib import Path

    _, path, keys, _ = exported
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("SANXIANG_")}
    env.update(PYTHONIOENCODING="utf-8", SANXIANG_DATA_DIR=str(tmp_path / "empty"))
    sanxiang = str(Path(sys.executable).with_name("sanxiang"))
    done = subprocess.run([sanxiang, "archive", "verify", str(path), "--key", str(keys)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "核验通过" in done.stdout and "固定公钥" in done.stdout
    assert not (tmp_path / "empty" / "sanxiang.sqlite3").exists()


# ---- an archived file: its manifest, fixed at archiving, is what verify checks (defects s17 2–4) --

@pytest.fixture(scope="module")
def archived_export(env, blocker, tmp_path_factory):
    """An archived case (two documents) with a supplement made after archiving, exported by the CLI."""
    from archive_cast import archive_as_is

    with blocker.unblock():
        case = decided_case(env)
        D.do_generate_document(case, "filing_approval", actor=env.officer)
        D.do_generate_document(case, "penalty_decision", inputs=REASONS, actor=env.officer)
        archived = archive_as_is(case, env.officer)
        # A supplement is an issued document made after archiving (an unissued draft is not exported).
        with pytest.MonkeyPatch.context() as mp:
            from pdfs import blank_pdf

            from sanxiang.documents import render

            mp.setattr(render, "to_pdf", lambda docx: blank_pdf())
            later = D.do_generate_document(case, "investigation_report", actor=env.officer,
                                           inputs={"evidence": "询问笔录、进货单据", "opinion": "建议罚款"},
                                           supplement_reason="复议机关调取案卷，补充调查终结报告")
            D.do_issue_document(D.do_render_document(later), actor=env.head)
        folder = tmp_path_factory.mktemp("archived")
        path = folder / "案卷.zip"
        code, out, err = run("archive", "export", "--purpose", "核对归档案卷", case.number, "--out", str(path))
        assert code == 0, err
        keys = folder / "agency.vkey"
        keys.write_text(verification_keys())
        return case, path, keys, archived


def test_an_archived_file_is_exported_as_archived_with_supplements_apart(archived_export):
    case, path, keys, archived = archived_export
    result = verify_package(path, pinned_keys=keys.read_text())
    assert result.ok, result.findings
    assert any(n.startswith("归档后补充：1 件") for n in result.notes), result.notes
    files = members(path)
    root = root_of(files)
    metadata = json.loads(files[f"{root}/data/case.json"])
    assert [r["title"] for r in metadata["records"]] == ["立案审批表", "行政处罚决定书"]
    assert [(r["metadata"]["volume"], r["metadata"]["seq"]) for r in metadata["records"]] == [("main", 1), ("main", 2)]
    assert metadata["archived_file"]["archive_number"] == archived.archive_number
    assert metadata["archived_file"]["retention"] == "定期30年" and metadata["archived_file"]["checks_ok"]
    assert [s["supplement"] for s in metadata["supplements"]] == [True]
    assert all(n.split("/", 3)[2] == "supplements" for n in files
               if "hearing_notice" in n), [n for n in files if "hearing_notice" in n]
    assert any(n.startswith(f"{root}/data/records/main-0001-") for n in files)
    manifest = json.loads(files[f"{root}/data/archive/manifest.json"])
    assert manifest["archive_number"] == archived.archive_number and len(manifest["catalogue"]) == 2
    entries = [json.loads(e["entry"]) for e in json.loads(files[f"{root}/data/ledger/entries.json"])["entries"]]
    assert [e["action"] for e in entries].count("archive_case") == 1
    assert "归档后补充的材料 1 件" in files[f"{root}/data/README.txt"].decode()


def test_a_removed_record_with_recomputed_manifests_fails_naming_it(archived_export, tmp_path):
    def change(files, root):
        name = first_record(files, root)
        del files[name]
        metadata = json.loads(files[f"{root}/data/case.json"])
        metadata["records"] = [r for r in metadata["records"] if all(f"{root}/{f['name']}" != name for f in r["files"])]
        files[f"{root}/data/case.json"] = json.dumps(metadata, ensure_ascii=False).encode()
        from sanxiang.archive.verify import metadata_xml
        files[f"{root}/data/case.xml"] = metadata_xml(metadata).encode()
    path = tampered(archived_export, tmp_path, change)
    assert bagit.Bag  # the independent validator accepts this bag (rebag); only the ledger catches it
    code, out, _ = run("archive", "verify", str(path), "--key", str(archived_export[2]))
    assert code == 1 and "[record_missing] 归档案卷的正卷第 1 件“立案审批表”的文件不在包内" in out, out


def test_removed_ledger_entries_of_the_case_fail(archived_export, tmp_path):
    removed = []

    def change(files, root):
        ledger = json.loads(files[f"{root}/data/ledger/entries.json"])
        keep = []
        for item in ledger["entries"]:
            if json.loads(item["entry"])["action"] in ("generate_document",) and not removed:
                removed.append(item["index"])
                continue
            keep.append(item)
        ledger["entries"] = keep
        files[f"{root}/data/ledger/entries.json"] = json.dumps(ledger).encode()
    result = verify_package(tampered(archived_export, tmp_path, change), pinned_keys=archived_export[2].read_text())
    assert removed and "entry_missing" in codes(result), result.findings
    assert f"#{removed[0]}" in next(f.message for f in result.findings if f.code == "entry_missing")


def test_an_edited_case_json_fails(archived_export, tmp_path):
    def change(files, root):
        metadata = json.loads(files[f"{root}/data/case.json"])
        metadata["case"]["cause"] = "（已篡改）无违法行为"
        metadata["records"][1]["number"] = "伪造〔2026〕9号"
        files[f"{root}/data/case.json"] = json.dumps(metadata, ensure_ascii=False).encode()
    result = verify_package(tampered(archived_export, tmp_path, change), pinned_keys=archived_export[2].read_text())
    found = codes(result)
    assert "metadata_modified" in found, result.findings
    messages = " ".join(f.message for f in result.findings)
    assert "案件信息与归档清单不符" in messages and "“行政处罚决定书”与归档清单不符" in messages
    assert "data/case.xml 与 data/case.json 不一致" in messages


def test_an_edited_or_removed_manifest_fails(archived_export, tmp_path):
    def edit(files, root):
        manifest = json.loads(files[f"{root}/data/archive/manifest.json"])
        manifest["retention"] = "定期10年"
        files[f"{root}/data/archive/manifest.json"] = json.dumps(manifest).encode()
    assert "manifest_modified" in codes(verify_package(tampered(archived_export, tmp_path, edit)))

    def remove(files, root):
        del files[f"{root}/data/archive/manifest.json"]
    assert "manifest_missing" in codes(verify_package(tampered(archived_export, tmp_path, remove)))


def test_an_added_record_fails(archived_export, tmp_path):
    def change(files, root):
        supplement = next(n for n in files if "/data/supplements/" in n)
        files[supplement.replace("/data/supplements/", "/data/records/main-0003-")] = files.pop(supplement)
    result = verify_package(tampered(archived_export, tmp_path, change))
    assert "record_added" in codes(result), result.findings


def _without_supplement(files, root, *, drop_entries=(), drop_listing=False):
    """Remove the supplement (its file and its case.json/xml row), and optionally ledger entries."""
    from sanxiang.archive.verify import metadata_xml

    for name in [n for n in files if "/data/supplements/" in n]:
        del files[name]
    metadata = json.loads(files[f"{root}/data/case.json"])
    metadata["supplements"] = []
    files[f"{root}/data/case.json"] = json.dumps(metadata, ensure_ascii=False).encode()
    files[f"{root}/data/case.xml"] = metadata_xml(metadata).encode()
    ledger = json.loads(files[f"{root}/data/ledger/entries.json"])
    ledger["entries"] = [e for e in ledger["entries"] if json.loads(e["entry"])["action"] not in drop_entries
                         and not (drop_listing and json.loads(e["entry"])["action"] == "list_case_archive_package")]
    files[f"{root}/data/ledger/entries.json"] = json.dumps(ledger).encode()


def test_the_export_binds_its_supplements_in_a_ledger_entry(archived_export):
    """s18 issue 8 item 12: a package with its 归档后补充 removed still verified."""
    _case, path, keys, _archived = archived_export
    files = members(path)
    root = root_of(files)
    entries = [json.loads(e["entry"]) for e in json.loads(files[f"{root}/data/ledger/entries.json"])["entries"]]
    listing = [e for e in entries if e["action"] == "list_case_archive_package"]
    assert len(listing) == 1 and listing[0]["index"] == max(e["index"] for e in entries)
    assert [s["title"] for s in listing[0]["payload"]["supplements"]] == ["案件调查终结报告"]
    assert verify_package(path, pinned_keys=keys.read_text()).ok


@pytest.mark.parametrize("drop_entries, drop_listing, code", [
    ((), False, "supplement_missing"),                                    # the file and its metadata row
    (("generate_document", "render_document", "issue_document"), False, "supplement_missing"),  # and its entries
    ((), True, "package_listing_missing"),                                # and the listing entry itself
])
def test_a_removed_supplement_fails_verification(archived_export, tmp_path, drop_entries, drop_listing, code):
    def change(files, root):
        _without_supplement(files, root, drop_entries=drop_entries, drop_listing=drop_listing)
    path = tampered(archived_export, tmp_path, change)
    result = verify_package(path, pinned_keys=archived_export[2].read_text())
    assert not result.ok and code in codes(result), result.findings
    if code == "supplement_missing":
        assert "“案件调查终结报告”" in next(f.message for f in result.findings if f.code == code)


def test_cli_says_what_was_exported_and_which_key_was_used(archived_export, exported, tmp_path):
    """s17 defect 22f: not archived is said; a bad key file is not echoed; a missing zip used no key."""
    case, path, keys, archived = archived_export
    code, out, _ = run("archive", "export", "--purpose", "核对归档案卷", case.number, "--out", str(tmp_path / "a.zip"))
    assert code == 0 and f"归档案卷 {archived.archive_number}，记录 2 件，归档后补充 1 件" in out
    code, out, _ = run("archive", "export", "--purpose", "核对归档案卷", exported[0].number, "--out", str(tmp_path / "b.zip"))
    assert code == 0 and "本案尚未归档（不是归档案卷），记录 2 件" in out
    secret = tmp_path / "not-a-key.txt"
    secret.write_text("import requests, re, sys, json\n")
    code, out, _ = run("archive", "verify", str(path), "--key", str(secret))
    assert code == 1 and "[key_unreadable]" in out and "import requests" not in out
    code, out, _ = run("archive", "verify", str(path), "--key", str(keys))
    assert code == 0 and "核验通过：归档案卷完整，与留痕账本中的归档清单一致" in out
    code, out, _ = run("archive", "verify", str(exported[1]), "--key", str(exported[2]))
    assert code == 0 and "核验通过：包内文件均记入已签名的账本（本包没有归档清单，不证明案卷完整）" in out
    code, out, _ = run("archive", "verify", str(tmp_path / "无此文件.zip"), "--key", str(keys))
    assert code == 1 and "公钥：—" in out and "[not_found]" in out


# ---- the operator's export says why, and stands in the case's 访问日志 (s21 tester8 #12, decision 0079) ----------

def test_the_operators_export_is_in_the_cases_access_log_with_its_purpose(exported, client, env):
    import hashlib

    from sanxiang.retrieval.models import RecordAccess

    case, path, _keys, out = exported
    assert "已记入本案访问日志（运维命令行，用途：核对归档案卷）" in out
    row = RecordAccess.objects.get(case=case, record_kind="archive_export")
    assert (row.user, row.actor_name, row.who, row.purpose, row.mode) == (None, "运维命令行", "运维命令行", "核对归档案卷",
                                                                          "download")
    assert row.served_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    entry = LedgerEntry.objects.get(action="download_record", object_id=str(row.pk))
    assert entry.actor == OPERATOR.username and json.loads(entry.entry)["payload"]["purpose"] == "核对归档案卷"
    export_entry = LedgerEntry.objects.filter(action="export_case_archive", object_id=str(case.pk)).get()
    assert json.loads(export_entry.entry)["payload"]["package_sha256"] == row.served_sha256
    client.force_login(env.head)  # the unit's head reads the whole log
    [logged] = [r for r in client.get(f"/api/v1/retrieval/cases/{case.pk}/log").json() if r["record_kind"] == "archive_export"]
    assert (logged["user"], logged["purpose"]) == ("运维命令行", "核对归档案卷")
    assert "运维命令行" in client.get(f"/retrieval/cases/{case.pk}/log/").content.decode()


@pytest.mark.parametrize("purpose, says", [
    (None, "导出须写明用途：--purpose"),
    ("   ", "导出须写明用途：--purpose"),
    ("x", "用途“x”过于简单"),
    ("查", "用途“查”过于简单"),
    ("导出" + "\x07", "不可见的控制字符"),
])
def test_an_export_without_a_purpose_that_says_something_is_refused(exported, tmp_path, purpose, says):
    from sanxiang.retrieval.models import RecordAccess

    case = exported[0]
    before, accesses = LedgerEntry.objects.count(), RecordAccess.objects.count()
    args = ["archive", "export", case.number, "--out", str(tmp_path / "x.zip")]
    code, out, err = run(*args, *(["--purpose", purpose] if purpose is not None else []))
    assert code == 2 and says in err and out == "", err
    assert "Traceback" not in err
    nothing_written(tmp_path, before)
    assert RecordAccess.objects.count() == accesses
