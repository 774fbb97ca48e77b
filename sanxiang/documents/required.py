"""What an agency's own template of a kind must keep: the 文号, the signature blocks, what the law
requires a document of that kind to state, and the notices the law requires it to give. The national
template of the kind is the measure — whatever of the lists below it holds, an agency's version must
hold too (s18 tester, defect 8: a 询问笔录 template without number, signatures or 告知事项 was taken)."""

from __future__ import annotations

import functools
import io

# The names a template fills in, with what they are and why they are required.
NAMES = {
    "number": "文书编号（文号）",
    "officer_signature": "执法人员签名",
    "party_signature": "当事人（被询问人）签名",
    "signed_on": "签名日期",
    "certificates_shown": "出示的执法证件（行政处罚法第五十五条）",
    "told": "告知事项（行政处罚法第五十五条）",
    "inquiry_time": "询问起止时间",
    "interviewee": "被询问人",
    "hearing_right": "听证权利告知（行政处罚法第六十三条、第六十四条）",
    "facts": "违法事实",
    "evidence": "证据",
    "basis": "依据",
    "penalties": "处罚种类和数额",
    "statement_adoption": "陈述、申辩的采纳情况",
    "reason": "理由",
    "items": "财物清单",
}

# Notices a document gives in its own words (the national template's text), by a phrase each keeps.
NOTICES = {
    "申请行政复议": "申请行政复议的途径和期限（行政处罚法第五十九条）",
    "提起行政诉讼": "提起行政诉讼的途径和期限（行政处罚法第五十九条）",
    "陈述、申辩的权利": "陈述、申辩的权利（行政处罚法第四十四条、第四十五条）",
}


def template_text(data: bytes) -> str:
    """The document's words outside the fill tags: paragraphs, table cells, headers and footers."""
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        for part in (section.header, section.footer):
            parts += [p.text for p in part.paragraphs]
    return "\n".join(parts)


@functools.lru_cache(maxsize=None)
def _national(kind: str, digest: str) -> tuple[frozenset, frozenset]:
    from . import actions, fill

    data = actions.packaged_template(kind)
    text = template_text(data)
    return (frozenset(fill.template_names(data)) & NAMES.keys(),
            frozenset(phrase for phrase in NOTICES if phrase in text))


def missing(kind: str, data: bytes) -> list[str]:
    """What of the national template's required names and notices `data` (a template of `kind`) lacks."""
    import hashlib

    from . import actions, fill

    names, notices = _national(kind, hashlib.sha256(actions.packaged_template(kind)).hexdigest())
    used = fill.template_names(data)
    text = template_text(data)
    return ([f"{NAMES[name]}（{{{{ {name} }}}}）" for name in sorted(names - used)]
            + [NOTICES[phrase] for phrase in sorted(notices) if phrase not in text])
