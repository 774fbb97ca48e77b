from django.urls import path

from . import catalogue_views as views

app_name = "review-catalogue"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.agency_page, name="agency"),
    path("<slug:code>/new/", views.edit_page, name="edit"),
    path("<slug:code>/import/", views.import_page, name="import"),
    path("<slug:code>/check/", views.check_page, name="check"),
    path("<slug:code>/v<str:version>/", views.version_page, name="version"),
    path("<slug:code>/v<str:version>/xlsx/", views.export_page, name="export"),
]
