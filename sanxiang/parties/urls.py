from django.urls import path

from . import views

app_name = "parties"

urlpatterns = [
    path("", views.party_list, name="list"),
    path("new/", views.party_create, name="create"),
    path("<int:party>/", views.party_detail, name="detail"),
    path("<int:party>/edit/", views.party_edit, name="edit"),
]
