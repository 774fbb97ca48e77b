"""s26 defects10e #3 (decision 0102): the free texts of a publication (更正原因, 撤下说明, 答复, 提前停止说明) and the
version itself refuse **another** case's printed 公示查询码 in any written form, not only in its usual 4 + 4 shape —
as the texts of no case and the 检查事由 already did (decision 0097). Document numbers, credit codes, URLs and
product models stay accepted. Each failed before the fix."""

import pytest
import test_public_free_text as base

from sanxiang.core.errors import RuleViolation
from sanxiang.publicity import actions as P
from sanxiang.publicity.models import Publication

pytestmark = pytest.mark.django_db

shown = base.shown  # the fixture: a published decision; another case's 决定书 printed BWYB-AMZC
FORMS = ("前四位BWYB，后四位AMZC", "码B-W-Y-B-A-M-Z-C", "码BWYB和AMZC", "码 B W Y B A M Z C", "bwyb——amzc")


@pytest.mark.parametrize("form", FORMS)
def test_another_cases_code_in_any_form_is_refused_in_the_correction_reason(shown, form):
    agency, pub, editor, head, _ = shown
    with pytest.raises(RuleViolation, match="更正原因中含有当事人的公示查询码") as err:
        P.do_correct_publication(pub, reason=f"据当事人申请更正（查询码{form}）", actor=editor)
    assert err.value.code == "party_code_public"


def test_another_cases_code_in_any_form_is_refused_in_the_version(shown):
    agency, pub, editor, head, _ = shown
    P.do_correct_publication(pub, reason="补正", actor=editor)
    pub = Publication.objects.get(pk=pub.pk)
    for form in FORMS[:3]:
        with pytest.raises(RuleViolation, match="公示查询码"):
            P.do_prepare_publication(pub, field_edits=[
                {"part": "fields", "name": "执法结论", "value": f"罚款1,000.00元。备注：{form}", "reason": "t"}],
                actor=editor)


def test_numbers_codes_and_addresses_that_are_no_printed_code_pass(shown):
    agency, pub, editor, head, _ = shown
    ok = ("依据株市监罚〔2026〕12号，统一社会信用代码91430200MA4L2C3X5K，见 https://x.example/ABCD-EFGH/，"
          "型号V2.3.4-RC1、KFRW-35GW，2026年3月12日，金额12,345.67元")
    row = P.do_correct_publication(pub, reason=ok, actor=editor)
    assert row.correction_reason == ok
    P.do_prepare_publication(Publication.objects.get(pk=pub.pk), field_edits=[
        {"part": "fields", "name": "执法结论", "value": f"罚款1,000.00元。{ok}", "reason": "t"}], actor=editor)
