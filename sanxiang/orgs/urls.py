from django.urls import path, re_path

from . import editing, views

urlpatterns = [
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/<slug:code>/", views.agency_detail, name="agency-detail"),
    path("agencies/<slug:code>/units/new/", editing.unit_create, name="unit-create"),
    path("agencies/<slug:code>/people/new/", editing.person_create, name="person-create"),
    path("agencies/<slug:code>/roles/new/", editing.role_assign, name="role-assign"),
    path("roles/<int:pk>/revoke/", editing.role_revoke, name="role-revoke"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/overseer/", editing.unit_overseer, name="unit-overseer"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/certificates/new/", editing.certificate_issue, name="certificate-issue"),
    path("people/<int:pk>/trainings/new/", editing.training_add, name="training-add"),
    path("people/<int:pk>/qualifications/new/", editing.qualification_add, name="qualification-add"),
    re_path(r"^certificates/(?P<pk>[0-9]+)/(?P<op>%s)/$" % "|".join(editing.CERTIFICATE_CHANGES),
            editing.certificate_change, name="certificate-change"),
    path("public/certificate/", views.public_certificate, name="public-certificate"),
    path("public/certificate/<str:number>/", views.public_certificate, name="public-certificate-number"),
]
