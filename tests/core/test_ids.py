import pytest

from sanxiang.core.ids import row_by_id
from sanxiang.orgs.models import Agency

pytestmark = pytest.mark.django_db


def test_row_by_id_finds_by_a_plain_number_and_nothing_else():
    agency = Agency.objects.create(code="ids-test", name="测试主体")
    rows = Agency.objects.all()
    assert row_by_id(rows, str(agency.pk)) == agency
    assert row_by_id(rows, agency.pk) == agency
    for text in ("²", "١", f"{agency.pk}x", "", " 1", "-1", "9" * 19):
        assert row_by_id(rows, text) is None, text
