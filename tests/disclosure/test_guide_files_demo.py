"""The demo (`sanxiang demo`): every seed agency's 服务指南 offers a real 示范文本 file — a filled-in form as a
Word document — on the portal, instead of "见窗口" (s23 tester10 #13)."""

import io
import zipfile

import pytest

from sanxiang.disclosure.models import DisclosureVersion, Section
from sanxiang.orgs.models import Agency, AgencyKind

pytestmark = pytest.mark.django_db


def test_every_seed_agency_has_a_guide_with_a_sample_file_to_download(client, demo):
    agencies = list(Agency.objects.filter(kind=AgencyKind.ENFORCEMENT, disclosures__section=Section.GUIDES).distinct())
    assert len(agencies) >= 5
    for agency in agencies:
        row = DisclosureVersion.objects.filter(agency=agency, section=Section.GUIDES).order_by("-version").first()
        item = row.content["items"][0]
        sample = item["materials"][0]["sample_file"]
        page = client.get(f"/gk/{agency.code}/zhinan/{item['code']}/").content.decode()
        assert f"/gk/{agency.code}/wenjian/{sample['sha256']}/" in page and "Word 文档" in page
        assert "见窗口" not in page
        got = client.get(f"/gk/{agency.code}/wenjian/{sample['sha256']}/")
        assert got.status_code == 200
        body = b"".join(got.streaming_content)
        text = zipfile.ZipFile(io.BytesIO(body)).read("word/document.xml").decode()
        assert "填写示范" in text and item["materials"][0]["name"] in text
