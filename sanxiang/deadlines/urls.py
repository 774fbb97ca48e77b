from django.urls import path

from . import views

urlpatterns = [
    path("calculator/", views.calculator, name="deadline-calculator"),
    path("calendar/", views.calendar_view, name="deadline-calendar"),
    path("calendar/import/", views.calendar_import, name="deadline-calendar-import"),
]
