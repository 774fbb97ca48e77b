"""Property: what is masked never appears in the published text, in any written form.

Random persons (names, ID numbers, phones, bank cards) are written into a decision in random forms
— spaces or dashes between digits, full-width digits, +86 — with or without labels; the redacted
text, folded and stripped of separators, must contain none of the values, and no known person's
name.
"""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from sanxiang.publicity.policy import policy_for
from sanxiang.publicity.redaction import normalise, redact

# The subject is text and profile files, no database: run once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic

SURNAMES = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "欧阳", "司马", "诸葛"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英"
DIVISIONS = ["110101", "430202", "650102", "350502", "640221", "430211"]
FILLER = ["经查", "现场检查发现", "责令改正", "当事人陈述", "本局认为", "予以警告", "依法送达", "调查终结"]
LABELS = {"id": ["", "身份证号：", "公民身份号码", "证件号码 "], "phone": ["", "电话", "联系电话：", "手机 "],
          "card": ["", "银行卡号", "账户 "]}
POLICY = policy_for("national")

names = st.builds(lambda s, g: s + g, st.sampled_from(SURNAMES), st.text(GIVEN, min_size=1, max_size=2))


@st.composite
def id_numbers(draw):
    born = draw(st.dates(dt.date(1930, 1, 1), dt.date(2010, 12, 31)))
    body = f"{draw(st.sampled_from(DIVISIONS))}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + ric.calc_check_digit(body + "0")


@st.composite
def phones(draw):
    return "1" + draw(st.sampled_from("3456789")) + "".join(draw(st.lists(st.sampled_from("0123456789"),
                                                                          min_size=9, max_size=9)))


@st.composite
def cards(draw):
    body = "62" + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=13, max_size=16)))
    return body + luhn.calc_check_digit(body)


@st.composite
def written(draw, value: str, plus86=False):
    """The value as a person might type it: separators, full-width characters, +86."""
    out = []
    for i, ch in enumerate(value):
        if i and draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from([" ", "-", "\u3000", "－"])))
        out.append(chr(ord(ch) + 0xFEE0) if draw(st.booleans()) and ch.isascii() and ch.isalnum() else ch)
    prefix = draw(st.sampled_from(["", "+86 ", "+86-", "＋８６"])) if plus86 else ""
    return prefix + "".join(out)


@st.composite
def decisions(draw):
    people = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    secrets, parts, persons = [], [], []
    for name in people:
        number, phone, card = draw(id_numbers()), draw(phones()), draw(cards())
        known = draw(st.booleans())  # half of them also in the context, half left to the detectors
        persons.append({"role": draw(st.sampled_from(["party", "witness", "agent", "informant"])), "name": name,
                        **({"id_number": number, "phone": phone} if known else {})})
        secrets += [number, phone, card]
        parts += [draw(st.sampled_from(FILLER)), name, "，",
                  draw(st.sampled_from(LABELS["id"])), draw(written(number)), "，",
                  draw(st.sampled_from(LABELS["phone"])), draw(written(phone, plus86=True)), "，",
                  draw(st.sampled_from(LABELS["card"])), draw(written(card)), "。"]
    return "".join(parts), {"kind": "person", "persons": persons}, secrets, people


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(decisions())
def test_masked_values_never_appear_in_any_form(decision):
    text, context, secrets, people = decision
    published = redact(text, context, POLICY).text
    flat = normalise(published)
    for secret in secrets:
        assert normalise(secret) not in flat, (secret, published)
    for name in people:
        assert name not in "".join(published.split()), (name, published)
