from django.urls import include, path

from sanxiang.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("sanxiang.core.urls")),
]
