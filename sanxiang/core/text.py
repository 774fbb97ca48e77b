"""Control characters in people's text (s21 tester8 #6): one rule for record text at input, and one
for writing XML.

NUL and the other C0 controls (U+0000–U+001F) other than TAB, LF and CR — and U+FFFE, U+FFFF — are
not characters of any text a person types; XML 1.0 cannot hold them at all (not even as references),
so an archive package's case.xml with one is not well-formed (DA/T 70 usability). Nor can a lone
UTF-16 surrogate (U+D800–U+DFFF, written `"\ud800"` in JSON): it is half of a character, no UTF-8
encoder (the database's included) writes it (s22 tester8 #3). Nor DEL, the C1 controls, U+2028/2029 and
the bidirectional controls (U+202A–U+202E, U+2066–U+2069), which make a title display other than it is
(s23 tester8 #4). `json_problem` finds them in a request
body, which the API's body parser refuses (400 `control_characters`) before any view reads it.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Refused in people's text besides (s23 tester8 #4): DEL and the C1 controls, the line and paragraph
# separators, and the bidirectional embeddings, overrides and isolates — U+202E shows 「照片\u202egnp.exe」
# as 「照片exe.png」 in every register. (XML can hold these, so `xml_safe` leaves them.)
_INPUT_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                             "\ud800-\udfff\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


_LINE_BREAKS = re.compile("[\t\n\r]")


def control_characters(text: str, *, one_line: bool = False) -> list[str]:
    """The control characters in `text`, as U+XXXX, each once, in order — with `one_line` a tab and the
    line ends too (a file's name is one line)."""
    found = _INPUT_CONTROLS.findall(text or "")
    if one_line:
        found = [c for c in (text or "") if c in found or _LINE_BREAKS.match(c)]
    return list(dict.fromkeys(f"U+{ord(c):04X}" for c in found))


def check_no_controls(text: str, label: str, field: str, *, one_line: bool = False) -> str:
    """`text` unchanged, or 400 `control_characters` naming them (record text at input; `one_line`: nor a
    tab or a line end)."""
    from .errors import RuleViolation

    found = control_characters(text, one_line=one_line)
    if found:
        raise RuleViolation(f"{label}含有不可见的控制字符（{'、'.join(found[:5])}），请删去后重新填写。",
                            field=field, code="control_characters")
    return text


def json_problem(data, path: str = "") -> tuple[str, str] | None:
    """(field, U+XXXX) of the first string — a value or a key, at any depth of a parsed JSON body — holding
    a lone surrogate; None when there is none. Other control characters are each field's rule
    (`check_no_controls`): a body may carry them where a field allows them (a tab, a line end)."""
    if isinstance(data, str):
        found = _SURROGATES.search(data)
        return (path, f"U+{ord(found.group()):04X}") if found else None
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            problem = json_problem(key, where) or json_problem(value, where)
            if problem:
                return problem
    elif isinstance(data, list):
        for n, value in enumerate(data):
            problem = json_problem(value, f"{path}[{n}]")
            if problem:
                return problem
    return None


def check_json_body(data) -> None:
    """A parsed request body, or 400 `control_characters` naming the field with a lone surrogate."""
    from .errors import RuleViolation

    problem = json_problem(data)
    if problem:
        field, char = problem
        raise RuleViolation(f"请求中“{field}”含有无效的字符（不成对的代理码 {char}，不是完整的字符），请删去后重新填写。",
                            field=field, code="control_characters")


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


def check_reason_text(text: str, *, label: str = "理由", field: str = "reason") -> str:
    """The purpose's rule (`says_something`) for a reason that waives a duty or changes what is kept — an
    exception to a mandatory recording, a missing recording's explanation, a legal hold and its release,
    a late storage, a correction, a supplement after 归档 (s22 tester8 #8): `text` unchanged, or 400
    `reason_too_short`. An empty reason is each caller's own (it says which reason is missing)."""
    from .errors import RuleViolation

    if text and not says_something(text):
        raise RuleViolation(f"{label}“{text[:20]}”过于简单：请写明具体理由（至少两个汉字）。",
                            field=field, code="reason_too_short")
    return check_no_controls(text, label, field)
