from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.agency_page, name="agency"),
    path("<slug:code>/triggers/new/", views.record_trigger, name="record-trigger"),
    path("<slug:code>/<slug:section>/", views.section_page, name="section"),
    path("<slug:code>/<slug:section>/edit/", views.edit, name="edit-record"),
    path("<slug:code>/<slug:section>/new/", views.edit, name="new"),
    path("<slug:code>/<slug:section>/<str:item>/edit/", views.edit, name="edit"),
    path("<slug:code>/guides/<str:item>/files/", views.attach_file, name="attach-file"),
    path("<slug:code>/guides/<str:item>/files/remove/", views.detach_file, name="detach-file"),
    path("<slug:code>/<slug:section>/<str:item>/remove/", views.remove, name="remove"),
]
