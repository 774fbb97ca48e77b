
import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def login(client):
    """Log the client in as a demo user (no password or TOTP round trip: the pages are under test)."""
    def as_user(username):
        client.force_login(get_user_model().objects.get(username=username))
        return client
    return as_user


@pytest.fixture
def visible():
    return visible_text


def visible_text(html: str) -> str:
    """What a reader sees in <main>: tags, scripts and attributes removed."""
    import re

    main = html.split("<main>", 1)[-1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))
