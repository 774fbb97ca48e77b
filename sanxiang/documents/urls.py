from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("cases/<int:pk>/generate/<slug:kind>/", views.generate, name="generate"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("templates/", views.templates, name="templates"),
]
