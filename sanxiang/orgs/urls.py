from django.urls import path

from . import views

urlpatterns = [
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/<slug:code>/", views.agency_detail, name="agency-detail"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("public/certificate/", views.public_certificate, name="public-certificate"),
    path("public/certificate/<str:number>/", views.public_certificate, name="public-certificate-number"),
]
