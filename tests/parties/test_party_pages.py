"""The pages: list and search, register and edit forms, the dossier with sections from other apps."""

import pytest
from party_numbers import LI_ID, ZHANG_ID

from sanxiang.parties import dossier
from sanxiang.parties.actions import do_update_party, version
from sanxiang.parties.models import Party


def _page(client, user, url, status=200, **kw):
    client.force_login(user)
    response = client.post(url, kw) if kw else client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def test_the_list_searches_and_masks_for_readers(client, world):
    page = _page(client, world.officer, "/parties/")
    assert "甲市鸿源餐饮管理有限公司" in page and ZHANG_ID in page and "登记当事人" in page
    page = _page(client, world.officer, "/parties/?q=鸿源")
    assert "甲市鸿源餐饮管理有限公司" in page and "张三" not in page
    page = _page(client, world.reviewer, "/parties/")
    assert "110105********002X" in page and ZHANG_ID not in page and "登记当事人" not in page
    assert "暂无您可以查看的当事人" in _page(client, world.officer_b, "/parties/")


def test_register_through_the_form(client, world):
    page = _page(client, world.officer, "/parties/new/", 400, kind="person", name="王五", id_number="650104198703152318")
    assert "当事人公民身份号码校验位错误" in page and not Party.objects.filter(name="王五").exists()
    client.post("/parties/new/", {"kind": "person", "name": "王五", "id_number": LI_ID})
    party = Party.objects.get(name="王五")
    assert party.agency == world.a and party.id_number == LI_ID
    page = _page(client, world.officer, "/parties/new/", 409, kind="person", name="张三丰", id_number=ZHANG_ID)
    assert "本单位已登记当事人“张三”" in page and f"/parties/{world.person.pk}/" in page


def test_the_register_form_is_refused_to_those_who_may_not_register(client, world):
    _page(client, world.reviewer, "/parties/new/", 403)
    _page(client, world.supervisor, "/parties/new/", 403)


def test_edit_with_the_version_read_and_refuse_a_stale_one(client, world):
    url = f"/parties/{world.company.pk}/edit/"
    page = _page(client, world.approval, url)
    read = version(world.company)
    assert f'value="{read}"' in page
    form = {"kind": "org", "name": "甲市鸿源餐饮管理有限公司", "credit_code": world.company.credit_code,
            "legal_representative": "王振华", "address": "甲市人民路1号", "version": read}
    response = client.post(url, form)
    assert response.status_code == 302 and Party.objects.get(pk=world.company.pk).address == "甲市人民路1号"
    page = _page(client, world.approval, url, 409, **{**form, "address": "另一个地址"})
    assert "已被他人修改" in page and Party.objects.get(pk=world.company.pk).address == "甲市人民路1号"


def test_edit_is_refused_to_readers_and_hidden_from_other_agencies(client, world):
    _page(client, world.reviewer, f"/parties/{world.company.pk}/edit/", 403)
    _page(client, world.officer_b, f"/parties/{world.company.pk}/edit/", 404)
    page = _page(client, world.officer_b, f"/parties/{world.person.pk}/", 404)
    assert "张三" not in page


@pytest.fixture
def test_section(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0].get("DIRS", []),
                                                             __file__.rsplit("/", 1)[0] + "/templates"]}]

    def context(party, user):
        if party.kind != "org":
            return None
        return {"note": f"共 2 件（{user.username} 可见）"}

    dossier.register_dossier_section("test-cases", "案件（测试）", "parties_test/_section.html", context=context,
                                     order=10)
    yield
    dossier._sections.pop("test-cases")


def test_the_dossier_shows_the_sections_other_apps_register(client, world, test_section):
    page = _page(client, world.officer, f"/parties/{world.company.pk}/")
    assert "一户式档案" in page and "案件（测试）" in page
    assert f"甲市鸿源餐饮管理有限公司：共 2 件（{world.officer.username} 可见）" in page
    assert "修改信息" in page
    page = _page(client, world.officer, f"/parties/{world.person.pk}/")
    assert "案件（测试）" not in page  # its context said None for this party


def test_the_dossier_masks_for_readers_and_shows_the_history_to_ledger_readers(client, world):
    do_update_party(world.person, changes={"address": "北京市朝阳区"}, expected=version(world.person), actor=world.officer)
    page = _page(client, world.supervisor, f"/parties/{world.person.pk}/")
    assert "110105********002X" in page and ZHANG_ID not in page and "修改信息" not in page
    assert "登记与修改记录" in page and "登记当事人" in page and "修改当事人信息" in page and "运维命令行" in page
    page = _page(client, world.officer, f"/parties/{world.person.pk}/")
    assert ZHANG_ID in page and "登记与修改记录" not in page  # officers do not read the ledger


def test_the_menu_and_the_advisers_panel_lead_to_parties(client, world):
    assert 'href="/parties/"' in _page(client, world.officer, "/")
    home = _page(client, world.adviser, "/")
    assert f'href="/parties/{world.company.pk}/"' in home and "甲市鸿源餐饮管理有限公司" in home
    assert "已不可访问" not in home
    client.logout()
    assert 'href="/parties/"' not in client.get("/").content.decode()
