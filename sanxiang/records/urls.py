"""The tus 1.0 endpoint, mounted at /api/v1/uploads/ ahead of the ninja API (see tus.py)."""

from django.urls import path

from . import tus

urlpatterns = [
    path("", tus.collection, name="uploads"),
    path("<str:upload_id>", tus.resource, name="upload"),
]
