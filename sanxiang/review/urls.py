from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("rounds/<int:pk>/<slug:act>/", views.round_act, name="round-act"),
    path("consultations/<int:pk>/", views.consultation_page, name="consultation"),
    path("cases/<int:pk>/submit/", views.submit, name="submit"),
    path("statistics/", views.statistics, name="statistics"),
]
