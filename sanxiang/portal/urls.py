from django.urls import path

from . import party_views, views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:agency>/", views.home, name="home"),
    path("<slug:agency>/renyuan/", views.officers, name="officers"),
    path("<slug:agency>/gongshika/", views.cards, name="cards"),
    path("<slug:agency>/liucheng/", views.flowchart_list, name="flowcharts"),
    path("<slug:agency>/liucheng/<slug:slug>/", views.flowchart, name="flowchart"),
    path("<slug:agency>/yinxiang/", views.av_list, name="av"),
    path("<slug:agency>/shenhe/", views.review_catalogue, name="review"),
    path("<slug:agency>/jiancha/", views.inspection_lookup, name="inspection-lookup"),
    path("<slug:agency>/jiancha/<str:code>/", views.inspection, name="inspection"),
    path("<slug:agency>/jiuzheng/", party_views.party, name="party"),  # 当事人申请更正、提前停止公示 (0072)
    path("<slug:agency>/<slug:slug>/", views.section, name="section"),
    path("<slug:agency>/<slug:slug>/lishi/", views.history, name="history"),
    path("<slug:agency>/<slug:slug>/lishi/<int:number>/", views.version, name="version"),
    path("<slug:agency>/zhinan/<str:code>/", views.guide, name="guide"),
]
