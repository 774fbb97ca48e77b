"""What an officer is shown about evidence and recordings: the record's name, never the device's file
name (DSC_0001.JPG), and what a recording named for an act does or does not cover."""

from urllib.parse import unquote

import pytest
from django.test import Client
from records_cast import EVIDENCE, photo

from sanxiang.records import evidence as E

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def case(env, blocker):
    from cases_cast import new_case

    with blocker.unblock():
        return new_case(env)


def client_of(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_case_page_names_evidence_by_its_title_not_the_cameras_file_name(env, case):
    upload = photo(env.officer, "DSC_0001.JPG")
    item = E.do_register_evidence(case, upload, actor=env.officer,
                                  **{**EVIDENCE, "title": "仓库货架照片", "purpose": "涉案商品的存放位置",
                                     "occurred_at": "2026-09-02T09:30"})
    officer = client_of(env.officer)
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "DSC_0001" not in page
    assert "仓库货架照片" in page and "涉案商品的存放位置" in page and "图片，2026-09-02 09:30 形成" in page
    # The download is saved under the title too; the API keeps the uploaded name for programs.
    download = officer.get(f"/retrieval/records/evidence/{item.pk}/file/?mode=download", follow=True)
    assert download.status_code == 200, download.content[:300]
    disposition = unquote(download["Content-Disposition"])
    assert "仓库货架照片." in disposition and "DSC_0001" not in disposition
    assert officer.get(f"/api/v1/records/evidence/{item.pk}").json()["file"]["filename"] == "DSC_0001.JPG"
