"""The same bytes uploaded twice are one piece of evidence (s18 tester U2: two uploads of one photo became
two items, two 件 of the case file): the second registration in the same case is refused, writing nothing;
another case may hold the same file; a correction may keep the same bytes."""

import pytest
from records_cast import EVIDENCE, counts

from sanxiang.core.errors import Conflict
from sanxiang.records import evidence as E
from sanxiang.records import samples

pytestmark = pytest.mark.django_db


def test_the_same_file_twice_in_one_case_is_refused(env):
    from cases_cast import new_case

    case, other = new_case(env), new_case(env)
    data = samples.png(seed=4242)
    first = E.do_register_evidence(case, samples.completed_upload(data, "现场照片.png", actor=env.officer),
                                   actor=env.officer, **EVIDENCE)
    before = counts()
    with pytest.raises(Conflict) as refused:
        E.do_register_evidence(case, samples.completed_upload(data, "副本.png", actor=env.officer), actor=env.officer,
                               **{**EVIDENCE, "title": "同一张照片"})
    assert refused.value.code == "evidence_duplicate" and first.title in refused.value.message
    assert counts()[0] == before[0]
    E.do_register_evidence(other, samples.completed_upload(data, "现场照片.png", actor=env.officer),
                           actor=env.officer, **EVIDENCE)  # another case may hold it
    again = samples.completed_upload(data, "更正.png", actor=env.officer)
    corrected = E.do_correct_evidence(first, again, actor=env.officer, correction_reason="照片拍错", **{**EVIDENCE, "title": "现场照片（更正）"})
    assert corrected.replaces == first
