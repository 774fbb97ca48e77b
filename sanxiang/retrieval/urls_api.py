"""The serving endpoint, mounted at /api/v1/retrieval/files/ ahead of the ninja API (see files.py)."""

from django.urls import path

from . import files

urlpatterns = [
    path("<slug:kind>/<str:pk>/<slug:file>", files.record_file, name="retrieval-file"),
]
