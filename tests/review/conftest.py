"""The review tests publish catalogue versions with fixed 2026–2027 dates. A version may not take effect
before the day it is published (`review.actions.adoption_day`, no back-dating): the tests publish as of
2026-01-01 unless a test pins another day itself."""

import datetime as dt

import pytest

PUBLISHED_ON = dt.date(2026, 1, 1)


@pytest.fixture(autouse=True)
def _catalogue_published_on(monkeypatch):
    monkeypatch.setattr("sanxiang.review.actions.adoption_day", lambda: PUBLISHED_ON)
