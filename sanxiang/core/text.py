"""Control characters in people's text (s21 tester8 #6): one rule for record text at input, and one
for writing XML.

NUL and the other C0 controls (U+0000–U+001F) other than TAB, LF and CR — and U+FFFE, U+FFFF — are
not characters of any text a person types; XML 1.0 cannot hold them at all (not even as references),
so an archive package's case.xml with one is not well-formed (DA/T 70 usability).
"""

from __future__ import annotations

import re

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def control_characters(text: str) -> list[str]:
    """The control characters in `text`, as U+XXXX, each once, in order."""
    return list(dict.fromkeys(f"U+{ord(c):04X}" for c in _CONTROLS.findall(text or "")))


def check_no_controls(text: str, label: str, field: str) -> str:
    """`text` unchanged, or 400 `control_characters` naming them (record text at input)."""
    from .errors import RuleViolation

    found = control_characters(text)
    if found:
        raise RuleViolation(f"{label}含有不可见的控制字符（{'、'.join(found[:5])}），请删去后重新填写。",
                            field=field, code="control_characters")
    return text


def xml_safe(text: str) -> str:
    """`text` with each control character XML cannot hold written as the visible escape \\uXXXX (for
    data stored before the input rule)."""
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# ---- a purpose (用途) or a reason that says something ------------------------------------------------

_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def says_something(text: str) -> bool:
    """At least two Chinese characters, or four letters or digits (a Chinese character counting as two):
    not 「.」, 「x」 or punctuation alone (s21 tester8 #9)."""
    text = text or ""
    cjk = len(_CJK.findall(text))
    others = sum(1 for c in text if c.isalnum() and not _CJK.match(c))
    return 2 * cjk + others >= 4


def check_purpose_text(text: str, *, label: str = "用途", field: str = "purpose") -> str:
    """The one rule wherever a purpose is asked (a look at a guarded record, its text, an archive package's
    download, a 调阅 request's 事由): `text` unchanged, or 400 `purpose_too_short`."""
    from .errors import RuleViolation

    if text and not says_something(text):
        raise RuleViolation(f"{label}“{text[:20]}”过于简单：请写明为何查看或下载（至少两个汉字，如“核对证据”）。",
                            field=field, code="purpose_too_short")
    return check_no_controls(text, label, field)
