"""Builders of the document tests: a decided penalty case with the 说理 the decision carries."""

import io
import sys
from pathlib import Path

import docx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from cases_cast import new_case, settle, step  # noqa: E402

from sanxiang import storage  # noqa: E402
from sanxiang.cases import actions as C  # noqa: E402
from sanxiang.workflow import get_table  # noqa: E402

GENERAL = get_table("penalty_general")
FACTS = "经查，当事人于2026年8月在其经营场所销售超过保质期的牛奶12箱，货值金额1200元。"
REASONS = {"evidence": "现场笔录、询问笔录及进货单据相互印证，足以认定违法事实。",
           "basis": "依据《中华人民共和国食品安全法》第一百二十四条第一款第（五）项予以处罚。",
           "statement_adoption": "当事人放弃陈述申辩，无需采纳。"}


def decided_case(env, state="decided"):
    """`reach` with the review the agency's catalogue asks for passed just before 作出处罚决定 (泉州鲤城
    reviews every 普通程序 penalty, 市场监督管理行政处罚程序规定第四十九条)."""
    import datetime as dt

    from cases_cast import D0

    from sanxiang.cases.review_gate import proposal_of, review_required
    from sanxiang.review.testing import agree, sign_whole_chain

    case, day = new_case(env, party=env.org_party), D0
    for action in GENERAL.paths()[state]:
        day += dt.timedelta(days=1)
        if action == "decide":
            step(env, GENERAL, case, "waive_rights", day)
            if review_required(case, proposal_of(case), on=day)[0]:
                rnd = agree(case, officer=env.officer, reviewer=env.reviewer, on=day)
                sign_whole_chain(rnd, head=env.head, on=day)
                case.refresh_from_db()
        if action == "close" and case.status in ("served", "executing"):
            settle(env, GENERAL, case, day)
        case = step(env, GENERAL, case, action, day)
    C.do_update_case(case, version=case.version, facts=FACTS, discretion="首次违法且积极配合，依法从轻处罚。",
                      actor=env.officer)
    case.refresh_from_db()
    return case


def docx_text(path: str) -> str:
    """Every paragraph and table cell of the stored docx, read back with python-docx."""
    with storage.open_file(path) as fh:
        document = docx.Document(io.BytesIO(fh.read()))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)

# 询问起止时间 (Art.28): an 询问笔录 needs both
TIMES = {"started_at": "2026-01-05 09:30", "ended_at": "2026-01-05 10:45"}


def png(width=120, height=40, ink=(0, 0, 0), signer="") -> bytes:
    """A small real PNG (a stroke across a white field), as a tablet's canvas exports it: each `signer`
    draws a stroke of their own (steps up and down from their name's digest) — the same image for two
    signers of one document is refused (decision 0085); `ink` alone does not make it another one."""
    import hashlib
    import struct
    import zlib

    hand = hashlib.sha256(signer.encode()).digest()
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            at = height // 2 + hand[(x // 8) % 32] % 9 - 4
            row += bytes(ink) if abs(y - at) <= 1 and 10 <= x < width - 10 else b"\xff\xff\xff"
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows)))
            + chunk(b"IEND", b""))
