from django.urls import path

from . import views

app_name = "publicity"
urlpatterns = [
    path("", views.obligations, name="obligations"),
    path("publications/<int:pk>/", views.publication, name="publication"),
    path("publications/<int:pk>/<slug:act>/", views.publication_act, name="publication-act"),
]
