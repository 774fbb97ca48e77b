from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("sanxiang.accounts.urls")),
    path("", include("sanxiang.orgs.urls")),
    path("profiles/", include("sanxiang.profiles.urls")),
    path("deadlines/", include("sanxiang.deadlines.urls")),
]
