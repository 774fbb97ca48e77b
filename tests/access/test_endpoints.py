"""Every page and API endpoint: deny by default. Anonymous visitors reach only the public ones;
a member of agency B reaches none of agency A's pages."""

import re

import pytest
from django.urls import URLResolver, get_resolver

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def endpoint_cast(module_cast, django_db_blocker):
    from access_builders import party_of_a

    with django_db_blocker.unblock():
        party_of_a(module_cast)  # in the module's transaction: `_values` finds it in every test
    return module_cast


@pytest.fixture
def cast(endpoint_cast, db):
    """One cast for the module's ≈ 480 tests: they only ask pages and endpoints, as anonymous or as agency
    B's staff (tests/access/conftest.py `module_cast`)."""
    return endpoint_cast


# Public on purpose: the certificate check (亮证), the deadline calculator, the ledger's proofs and
# checkpoint, the rule profiles, the API documentation, login and health.
PUBLIC = {
    "", "login/", "healthz", "public/certificate/", "public/certificate/<str:number>/",
    "deadlines/calculator/", "api/v1/openapi.json", "api/v1/docs", "api/v1/", "api/v1/ledger/checkpoint",
    "api/v1/ledger/proofs/inclusion", "api/v1/ledger/proofs/consistency", "api/v1/deadlines/compute",
    "api/v1/ledger/checkpoints", "api/v1/ledger/checkpoints/<size>",
    "api/v1/public/certificates/<number>", "api/v1/profiles/", "api/v1/profiles/<key>",
    "profiles/", "profiles/<slug:key>/",
    "api/v1/witness/cosignatures", "api/v1/witness/checkpoint", "api/v1/witness/status",
    # 公开门户 (sanxiang/portal, issue 10 §7): every page public, without a session
    "gk/", "gk/<slug:agency>/", "gk/<slug:agency>/renyuan/", "gk/<slug:agency>/gongshika/",
    "gk/<slug:agency>/liucheng/", "gk/<slug:agency>/liucheng/<slug:slug>/", "gk/<slug:agency>/yinxiang/",
    "gk/<slug:agency>/shenhe/", "gk/<slug:agency>/jiancha/", "gk/<slug:agency>/jiancha/<str:code>/",
    "gk/<slug:agency>/shenhe/lishi/",  # 法制审核目录清单调整记录 (s25 tester10b #8)
    "gk/<slug:agency>/<slug:slug>/", "gk/<slug:agency>/<slug:slug>/lishi/",
    "gk/<slug:agency>/<slug:slug>/lishi/<int:number>/", "gk/<slug:agency>/zhinan/<str:code>/",
    "gk/<slug:agency>/wenjian/<str:sha256>/",  # 服务指南的示范文本、常见错误示例 (decision 0090)
    # 核验数据、开放数据、信用公示导出、订阅与嵌入 (portal/open.py, decision 0071)
    "gk/<slug:agency>/jueding/<int:n>/proof.json", "gk/<slug:agency>/hexin/",
    r"gk/^(?P<agency>[-\w]+)/data/decisions\.(?P<fmt>json|csv)$",
    r"gk/^(?P<agency>[-\w]+)/data/random-inspections\.(?P<fmt>json|csv)$",
    r"gk/^(?P<agency>[-\w]+)/data/credit-(?P<which>penalties|inspections)\.(?P<fmt>csv|xlsx)$",
    "gk/<slug:agency>/feed.xml", "gk/<slug:agency>/embed/",
    # 行政执法决定公开 and its search (decision 0070)
    "gk/search/", "gk/<slug:agency>/jueding/", "gk/<slug:agency>/jueding/<int:number>/", "gk/<slug:agency>/search/",
    "api/v1/public/decisions/search",
    # 当事人申请更正、提前停止公示 (publicity/party_api.py, portal/party_views.py, decision 0072); 年度抽查计划, 统计年报 (0073)
    "gk/<slug:agency>/jiuzheng/", "api/v1/party-requests/public/<agency_code>/corrections",
    "api/v1/party-requests/public/<agency_code>/early-stops", "api/v1/party-requests/public/<agency_code>/lookup",
    "gk/<slug:agency>/jihua/", "gk/<slug:agency>/nianbao/", "gk/<slug:agency>/nianbao/<int:year>/",
    "gk/<slug:agency>/nianbao/<int:year>/xlsx/", "gk/<slug:agency>/nianbao/<int:year>/pdf/",
}


def _patterns(resolver=None, prefix=""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def _url(pattern, values):
    if pattern.startswith("^"):
        pattern = re.sub(r"\(\?P<pk>[^)]*\)", str(values["pk"]), pattern)
        pattern = re.sub(r"\(\?P<op>[^)]*\)", "suspend", pattern).strip("^$")
    def fill(match):
        return str(values.get(match.group(2), "x"))
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, pattern)


def _values(cast):
    from access_builders import party_of_a

    return {"code": cast.a.code, "pk": cast.owned_person.pk, "number": cast.certificate.number,
            "key": "national", "index": 0, "party": party_of_a(cast).pk}


def test_the_public_list_names_real_endpoints():
    assert PUBLIC <= set(_patterns())


@pytest.mark.parametrize("pattern", sorted(set(_patterns()) - PUBLIC - {"logout/"}))
def test_anonymous_visitors_are_sent_to_login(client, cast, pattern):
    url = _url(pattern, _values(cast))
    response = client.get(url)
    if response.status_code == 405:  # an action (POST only): asked with its own method, it wants a login —
        response = client.post(url, data="{}", content_type="application/json")
        # or it refuses the empty body first (its schema is public in the OpenAPI document anyway)
        assert response.status_code in (401, 422), url
        return
    if url.startswith("/api/"):
        assert response.status_code == 401, url
        assert response.json()["code"] == "login_required"
    else:
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


@pytest.mark.parametrize("pattern", sorted(p for p in set(_patterns()) - PUBLIC
                                           if "<" in p or p.startswith("^")))
def test_another_agencys_staff_cannot_open_agency_a_pages(client, cast, pattern):
    url = _url(pattern, _values(cast))
    for name in ("administrator-b", "officer-b", "supervisor-b"):
        client.force_login(cast.members[name].user)
        response = client.get(url)
        # 405: an action path (POST only) answers GET with nothing but its methods
        assert response.status_code in (403, 404, 405), (name, url, response.status_code)
        assert "张三" not in response.content.decode(), (name, url)


def test_logout_is_post_only(client):
    assert client.get("/logout/").status_code == 405
