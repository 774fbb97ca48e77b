from django.urls import path

from . import views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/act/<slug:action>/", views.case_act, name="case-act"),
]
