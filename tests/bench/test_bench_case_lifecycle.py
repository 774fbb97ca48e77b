"""The case bench's lifecycle helper takes one case from clue to closed through the actions,
with a ledger that verifies (so `bench/bench_cases.py` measures a case the law lets through)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from case_lifecycle import make_cast, run_case  # noqa: E402

from sanxiang.cases.models import Case  # noqa: E402
from sanxiang.ledger import verify  # noqa: E402

pytestmark = pytest.mark.django_db


def test_the_bench_lifecycle_closes_a_case():
    stats = {}
    acts = run_case(make_cast(), stats)
    case = Case.objects.get()
    assert case.status == "closed" and case.number.startswith("立〔2026〕")
    assert acts in (14, 16) and stats.get("conflicts", 0) == 0
    report = verify.run()
    assert report.ok, report.findings
