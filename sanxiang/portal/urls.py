from django.urls import path, re_path

from . import open as opendata
from . import party_views, views
from .published import annual_list, annual_pdf, annual_xlsx, annual_year, plans

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),  # before <agency>/: "search" is no agency code
    # The most requested page first (decision 0078): no pattern before it matches <agency>/jueding/<n>/.
    path("<slug:agency>/jueding/<int:number>/", views.decision, name="decision"),
    path("<slug:agency>/", views.home, name="home"),
    path("<slug:agency>/renyuan/", views.officers, name="officers"),
    path("<slug:agency>/gongshika/", views.cards, name="cards"),
    path("<slug:agency>/liucheng/", views.flowchart_list, name="flowcharts"),
    path("<slug:agency>/liucheng/<slug:slug>/", views.flowchart, name="flowchart"),
    path("<slug:agency>/yinxiang/", views.av_list, name="av"),
    path("<slug:agency>/shenhe/", views.review_catalogue, name="review"),
    path("<slug:agency>/shenhe/lishi/", views.review_history, name="review-history"),
    path("<slug:agency>/jiancha/", views.inspection_lookup, name="inspection-lookup"),
    path("<slug:agency>/jiancha/<str:code>/", views.inspection, name="inspection"),
    path("<slug:agency>/jihua/", plans, name="plans"),
    path("<slug:agency>/nianbao/", annual_list, name="annual"),
    path("<slug:agency>/nianbao/<int:year>/", annual_year, name="annual-year"),
    path("<slug:agency>/nianbao/<int:year>/xlsx/", annual_xlsx, name="annual-xlsx"),
    path("<slug:agency>/nianbao/<int:year>/pdf/", annual_pdf, name="annual-pdf"),
    # 开放数据、核验、订阅与嵌入 (open.py, decision 0071) — before the section pattern they would match
    path("<slug:agency>/jueding/<int:n>/proof.json", opendata.proof, name="decision-proof"),
    path("<slug:agency>/hexin/", opendata.verify_howto, name="verify-howto"),
    re_path(r"^(?P<agency>[-\w]+)/data/decisions\.(?P<fmt>json|csv)$", opendata.decisions_data, name="data-decisions"),
    re_path(r"^(?P<agency>[-\w]+)/data/random-inspections\.(?P<fmt>json|csv)$", opendata.random_data,
            name="data-random"),
    re_path(r"^(?P<agency>[-\w]+)/data/credit-(?P<which>penalties|inspections)\.(?P<fmt>csv|xlsx)$",
            opendata.credit_export, name="credit"),
    path("<slug:agency>/feed.xml", opendata.feed, name="feed"),
    path("<slug:agency>/embed/", opendata.embed, name="embed"),
    path("<slug:agency>/jiuzheng/", party_views.party, name="party"),  # 当事人申请更正、提前停止公示 (0072)
    path("<slug:agency>/jueding/", views.decision_list, name="decisions"),
    # 服务指南的示范文本、常见错误示例 (a file a published version names; by its SHA-256)
    path("<slug:agency>/wenjian/<str:sha256>/", views.guide_file, name="guide-file"),
    path("<slug:agency>/search/", views.agency_search, name="agency-search"),
    path("<slug:agency>/<slug:slug>/", views.section, name="section"),
    path("<slug:agency>/<slug:slug>/lishi/", views.history, name="history"),
    path("<slug:agency>/<slug:slug>/lishi/<int:number>/", views.version, name="version"),
    path("<slug:agency>/zhinan/<str:code>/", views.guide, name="guide"),
]
