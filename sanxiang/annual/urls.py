from django.urls import path

from . import views

app_name = "annual"
urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.open_report, name="open"),
    path("<int:pk>/", views.report_page, name="report"),
    path("<int:pk>/act/<slug:act>/", views.act, name="act"),
    path("<int:pk>/xlsx/", views.report_xlsx, name="xlsx"),
    path("<int:pk>/pdf/", views.report_pdf, name="pdf"),
]
