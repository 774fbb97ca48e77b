from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.index, name="index"),
    path("cases/<int:pk>/check/", views.check, name="check"),
    path("cases/<int:pk>/archive/", views.archive, name="archive"),
    path("cases/<int:pk>/modified-files/resolve/", views.resolve_modified_files, name="resolve"),
    path("cases/<int:pk>/forms/", views.prepare_forms, name="forms"),
    path("files/<int:pk>/hold/", views.hold, name="hold"),
    path("files/<int:pk>/recheck/", views.recheck, name="recheck"),
    path("cases/<int:pk>/export/", views.request_export, name="export"),
    path("exports/<int:pk>/download/", views.download_export, name="download"),
]
