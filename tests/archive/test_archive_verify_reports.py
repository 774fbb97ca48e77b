"""What verify reports, as the s18 tester asked: a changed file of an archived item is 「文件已被改动」 (not
a removed and an added record, P2); the README and bag-info.txt are said to be unverified explanations (P1);
the README names one RFC for the proofs (P3); the archivist's API defaults to her one agency (P3)."""

import json

import pytest
from archive_cast import archive_as_is, members, rebag, run, write
from documents_cast import REASONS, decided_case

from sanxiang.archive.package import verification_keys
from sanxiang.archive.verify import verify_package
from sanxiang.documents import actions as D

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def package(env, blocker, tmp_path_factory):
    with blocker.unblock():
        case = decided_case(env)
        D.do_generate_document(case, "filing_approval", actor=env.officer)
        D.do_generate_document(case, "penalty_decision", inputs=REASONS, actor=env.officer)
        archive_as_is(case, env.officer)
        path = tmp_path_factory.mktemp("verify") / "案卷.zip"
        code, _, err = run("archive", "export", "--purpose", "核对归档案卷", case.number, "--out", str(path))
        assert code == 0, err
        return path


def test_a_changed_file_of_an_archived_item_is_reported_as_changed(package, tmp_path):
    files = members(package)
    name = next(n for n in sorted(files) if "/data/records/main-0002-" in n and n.endswith(".docx"))
    data = bytearray(files[name])
    data[len(data) // 2] ^= 0x01
    files[name] = bytes(data)
    path = tmp_path / "changed.zip"
    write(path, rebag(files))
    result = verify_package(path, pinned_keys=verification_keys())
    codes = [f.code for f in result.findings]
    assert "file_modified" in codes and "record_missing" not in codes and "record_added" not in codes, result.findings
    assert any("main-0002-" in f.message and "文件已被改动" in f.message for f in result.findings if f.code == "file_modified")


def test_verify_says_the_readme_and_bag_info_are_not_verified(package):
    code, out, _ = run("archive", "verify", str(package), "--key", str(_keys(package)))
    assert code == 0 and "未核验：data/README.txt、bag-info.txt" in out
    code, out, _ = run("archive", "verify", str(package), "--json")
    assert json.loads(out)["unverified"] == ["data/README.txt", "bag-info.txt"]


def _keys(package):
    path = package.parent / "agency.vkey"
    path.write_text(verification_keys())
    return path


def test_the_readme_names_one_rfc_for_the_proofs(package):
    files = members(package)
    readme = next(v for n, v in files.items() if n.endswith("/data/README.txt")).decode()
    assert "RFC 9162" in readme and "RFC 6962" not in readme


def test_the_archivists_api_defaults_to_her_agency(client, env):
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role

    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    client.force_login(keeper)
    assert client.get("/api/v1/archive/").status_code == 200
    assert client.get(f"/api/v1/archive/?agency={env.agency.code}").status_code == 200
    assert client.get("/api/v1/archive/transfers").status_code == 200  # s21 tester8 #13: was 404 「执法主体“”」


def test_the_recheck_names_the_person_not_the_login(env):
    """s18 tester T2: 「最近一次重新检测（…，pingluo-records）」 showed the login name."""
    from sanxiang.archive import actions as A
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role

    case = decided_case(env)
    D.do_generate_document(case, "filing_approval", actor=env.officer)
    archived = archive_as_is(case, env.officer)
    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    keeper.first_name = "虎彩霞"
    keeper.save(update_fields=["first_name"])
    A.do_recheck_archived_file(archived, actor=keeper)
    assert A.latest_recheck(archived)["checked_by"] == "虎彩霞"


def test_an_archived_file_is_judged_as_archived_and_drafts_are_not_supplements(env, tmp_path, monkeypatch):
    """s18 tester D5: a correction made after archiving made the archived file fail its own 重新检测 (its
    decision then counted as replaced); an unissued draft was exported as a supplement; the archived file's
    forms could be "corrected"."""
    import io

    from pypdf import PdfWriter

    from sanxiang.archive import actions as A
    from sanxiang.archive import casefile
    from sanxiang.core.errors import Conflict
    from sanxiang.documents import render

    def blank(docx):
        writer, out = PdfWriter(), io.BytesIO()
        writer.add_blank_page(width=595, height=842)
        writer.write(out)
        return out.getvalue()

    monkeypatch.setattr(render, "to_pdf", blank)
    case = decided_case(env)
    decision = D.do_generate_document(case, "penalty_decision", inputs=REASONS, actor=env.officer)
    decision = D.do_issue_document(D.do_render_document(decision), actor=env.head)
    archived = archive_as_is(case, env.officer)
    titles = casefile.document_titles(A.archived_records(archived))
    with pytest.raises(Conflict) as refused:  # an archived file takes no correction (s18 defect 2)
        D.do_generate_document(case, "penalty_decision", inputs=REASONS, replaces=decision, correction_reason="更正笔误", actor=env.officer)
    assert refused.value.code == "case_archived"
    with pytest.MonkeyPatch.context() as mp:  # one made before that refusal existed (the tester's case 103)
        mp.setattr(D, "_archived", lambda case: False)
        D.do_generate_document(case, "penalty_decision", inputs=REASONS, replaces=decision, correction_reason="更正笔误", actor=env.officer)
    assert casefile.document_titles(A.archived_records(archived)) == titles  # still holds its decision
    assert "行政处罚决定书" in titles
    with pytest.raises(Conflict) as refused:
        D.do_generate_document(case, "file_cover", actor=env.officer)
    assert refused.value.code == "case_archived"
    path = tmp_path / "案卷.zip"
    code, _, err = run("archive", "export", "--purpose", "核对归档案卷", case.number, "--out", str(path))
    assert code == 0, err
    metadata = json.loads(next(v for n, v in members(path).items() if n.endswith("/data/case.json")))
    assert metadata["supplements"] == []  # the correction is a draft (not issued): not exported


# ---- s21 tester8 #2: one entry per name, nothing but the bag's own files ---------------------------

def _with_entries(package, path, extra: list[tuple[str, bytes]], *, before: str | None = None):
    """The package rewritten entry by entry, `extra` entries inserted before the entry named `before`
    (or at the end): zipfile writes a second entry of a name it already holds (with a warning)."""
    import warnings
    import zipfile

    with zipfile.ZipFile(package) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        warnings.simplefilter("ignore")
        for info in zin.infolist():
            if before is not None and info.filename == before:
                for name, data in extra:
                    zout.writestr(name, data)
            zout.writestr(info, zin.read(info))
        if before is None:
            for name, data in extra:
                zout.writestr(name, data)


@pytest.mark.parametrize("where", ["first", "last", "casefolded"])
def test_a_package_with_two_entries_of_one_name_is_refused(package, tmp_path, where):
    files = members(package)
    name = next(n for n in sorted(files) if "/data/records/" in n)
    fake = b"\x89PNG\r\n\x1a\n" + b"FAKE" * 20
    path = tmp_path / f"dup-{where}.zip"
    if where == "casefolded":
        root, _, rest = name.partition("/")
        _with_entries(package, path, [(f"{root}/{rest.upper()}", fake)])
    else:
        _with_entries(package, path, [(name, fake)], before=name if where == "first" else None)
    result = verify_package(path, pinned_keys=verification_keys())
    assert not result.ok and [f.code for f in result.findings] == ["bag_malformed"], result.findings
    assert "包内有重名文件" in result.findings[0].message
    code, out, err = run("archive", "verify", str(path))
    assert code != 0 and "包内有重名文件" in out + err


def test_a_fetch_txt_or_any_file_outside_the_manifests_is_refused(package, tmp_path):
    root = next(iter(members(package))).split("/", 1)[0]
    path = tmp_path / "fetch.zip"
    _with_entries(package, path, [(f"{root}/fetch.txt", b"http://evil.example/x 10 data/records/x.png\n")])
    result = verify_package(path, pinned_keys=verification_keys())
    assert not result.ok and any(f.code == "file_unlisted" and "fetch.txt" in f.message for f in result.findings)


def test_a_case_xml_that_is_not_well_formed_fails_verify(package, tmp_path):
    """s21 tester8 #6: every package's case.xml is parsed, archived or not."""
    files = members(package)
    name = next(n for n in files if n.endswith("/data/case.xml"))
    files[name] = files[name].replace(b"</archive>", "<title>x\x0b</title></archive>".encode())
    path = tmp_path / "xml.zip"
    write(path, rebag(files))
    result = verify_package(path, pinned_keys=verification_keys())
    assert any(f.code == "metadata_malformed" and "case.xml" in f.message for f in result.findings), result.findings
