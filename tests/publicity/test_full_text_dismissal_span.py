"""s25 defects10c #4: a full-text dismissal whose range is not exactly one masked span there is refused in Chinese
(it was accepted and lifted nothing, silently), as a dismissal in the 原文 is."""

import pytest
from test_full_text_hides_party_code import WITNESS, cal, hrss_with_decision  # noqa: F401 (cal: a fixture)

from sanxiang.core.errors import RuleViolation
from sanxiang.publicity import actions as P

pytestmark = pytest.mark.django_db
HOTLINE = "本机关公开的监督电话0991-2345678。"


def test_a_full_text_dismissal_not_on_one_span_is_refused(cal, client):  # noqa: F811
    agency, editor, head, pub = hrss_with_decision([WITNESS, HOTLINE])
    row = P.do_prepare_publication(pub, actor=editor)
    hot = next(s for s in row.full_text_spans if row.full_text_original[s["start"]:s["end"]] == "0991-2345678")
    wider = {"op": "dismiss", "in": "full_text", "start": hot["start"] - 2, "end": hot["end"], "reason": "x"}
    with pytest.raises(RuleViolation, match="决定书全文该位置没有隐去的内容"):
        P.do_prepare_publication(pub, edits=[wider], actor=editor)
    inside = {"op": "dismiss", "in": "full_text", "start": hot["start"] + 1, "end": hot["end"] - 1, "reason": "x"}
    with pytest.raises(RuleViolation, match="决定书全文该位置没有隐去的内容"):
        P.do_prepare_publication(pub, edits=[inside], actor=editor)
    client.force_login(editor)
    page = client.post(f"/publicity/publications/{pub.pk}/dismiss-span/",
                       {"in": "full_text", "start": hot["start"] - 2, "end": hot["end"], "reason": "x"})
    assert page.status_code == 400 and "决定书全文该位置没有隐去的内容" in page.content.decode()
    assert pub.current().full_text_dismissed == []
    P.do_prepare_publication(pub, edits=[{**wider, "start": hot["start"]}], actor=editor)  # exactly the span
    assert "0991-2345678" in pub.current().full_text
