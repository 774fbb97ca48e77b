import uuid

import pytest
from django.conf import settings
from django.test import override_settings
from seaweedfs import BUCKET


@pytest.fixture(params=["filesystem", "s3"])
def store_backend(request, tmp_path):
    """The store on each back end: DATA_DIR/files on the filesystem, or SeaweedFS under a fresh prefix."""
    records = settings.STORAGES["records"]
    server = None
    if request.param == "s3":
        server = request.getfixturevalue("seaweedfs")
        records = server.storage_settings(BUCKET, location=f"t-{uuid.uuid4().hex[:12]}")
    with override_settings(DATA_DIR=tmp_path, FILES_DIR=tmp_path / "files",
                           STORAGES={**settings.STORAGES, "records": records}):
        yield request.param, server
