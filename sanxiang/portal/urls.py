from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),  # before <agency>/: "search" is no agency code
    path("<slug:agency>/", views.home, name="home"),
    path("<slug:agency>/renyuan/", views.officers, name="officers"),
    path("<slug:agency>/gongshika/", views.cards, name="cards"),
    path("<slug:agency>/liucheng/", views.flowchart_list, name="flowcharts"),
    path("<slug:agency>/liucheng/<slug:slug>/", views.flowchart, name="flowchart"),
    path("<slug:agency>/yinxiang/", views.av_list, name="av"),
    path("<slug:agency>/shenhe/", views.review_catalogue, name="review"),
    path("<slug:agency>/jiancha/", views.inspection_lookup, name="inspection-lookup"),
    path("<slug:agency>/jiancha/<str:code>/", views.inspection, name="inspection"),
    path("<slug:agency>/jueding/", views.decision_list, name="decisions"),
    path("<slug:agency>/jueding/<int:number>/", views.decision, name="decision"),
    path("<slug:agency>/search/", views.agency_search, name="agency-search"),
    path("<slug:agency>/<slug:slug>/", views.section, name="section"),
    path("<slug:agency>/<slug:slug>/lishi/", views.history, name="history"),
    path("<slug:agency>/<slug:slug>/lishi/<int:number>/", views.version, name="version"),
    path("<slug:agency>/zhinan/<str:code>/", views.guide, name="guide"),
]
