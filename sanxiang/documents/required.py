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
def _national(kind: str, digest: str) -> tuple[frozenset, frozenset, frozenset]:
    """The required names the national template reads, those of them it prints (a marker value shows
    in its output; a flag such as `hearing_right` only chooses wording), and the notices it gives."""
    from . import actions, fill, kinds

    data = actions.packaged_template(kind)
    names = frozenset(fill.template_names(data)) & NAMES.keys()
    sample = kinds.sample_context(kind)
    markers = _markers(names, sample)
    text = template_text(fill.fill(data, {**sample, **markers}))
    printed = frozenset(name for name, marker in markers.items() if marker in text)
    return names, printed, frozenset(phrase for phrase in NOTICES if phrase in text)


def _markers(names, sample: dict) -> dict[str, str]:
    """A distinctive value for each required name the sample gives as text (digits inside 〔〕, so no
    filter a template might apply — upper, title, escape — changes it unnoticed)."""
    return {name: f"〔必填{index:04d}〕" for index, name in enumerate(sorted(names))
            if isinstance(sample.get(name), str)}


def missing(kind: str, data: bytes, sample: dict | None = None) -> list[str]:
    """What of the national template's required names and notices `data` (a template of `kind`) lacks
    in what it renders: the template is filled (in the sandbox) with the sample where each name the
    national template prints is a marker, and every marker and notice phrase must be in the filled
    document's text — a name read only in `{% if false %}`, `{% set %}` or `{{ number[:0] }}` does not
    count (s18 re-test, 2). A name the national template reads without printing must still be read."""
    import hashlib

    from . import actions, fill, kinds

    names, printed, notices = _national(kind, hashlib.sha256(actions.packaged_template(kind)).hexdigest())
    sample = dict(sample if sample is not None else kinds.sample_context(kind))
    markers = {name: marker for name, marker in _markers(names, sample).items() if name in printed}
    text = template_text(fill.fill(data, {**sample, **markers}))
    used = fill.template_names(data)
    absent = {name for name, marker in markers.items() if marker not in text}
    absent |= {name for name in names - printed if name not in used}
    return ([f"{NAMES[name]}（{{{{ {name} }}}}）" for name in sorted(absent)]
            + [NOTICES[phrase] for phrase in sorted(notices) if phrase not in text])
