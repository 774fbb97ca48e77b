"""Benchmark: redaction (脱敏) of a typical penalty decision — issue 10 §8 "in milliseconds".

A general-procedure 行政处罚决定书 of about 1,200 characters, twice (≈ 2,400) (party block, facts, evidence list,
legal basis, decision, rights notice) with an individual business, its operator, an agent, two
witnesses and an informant, their ID numbers, phones, addresses, a plate, a bank card and an
e-mail. Times `redact()` (context validated, policy given) against an anchor of pure str
operations on the same text: folding full-width characters and one `str.replace` per known value
— the least any redaction must do. No database is touched; `database` is reported for the table.
Prints one JSON line. `BENCH_REDACTIONS` (default 2,000) sets the number of runs.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if not os.environ.get("DATABASE_URL"):
    os.environ["SANXIANG_DATA_DIR"] = tempfile.mkdtemp(prefix="sanxiang-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from sanxiang.publicity.context import parse_context  # noqa: E402
from sanxiang.publicity.policy import policy_for  # noqa: E402
from sanxiang.publicity.redaction import fold, redact  # noqa: E402

N = int(os.environ.get("BENCH_REDACTIONS", "2000"))

PARTY = {
    "kind": "individual_business",
    "organization": {"name": "株洲市荷塘区王五便利店", "uscc": "92430202MA4PXY123G"},
    "persons": [
        {"role": "operator", "name": "王五", "id_number": "430202199001011233", "phone": "13800138000",
         "address": "湖南省株洲市荷塘区新华路12号3栋201室"},
        {"role": "agent", "name": "欧阳娜娜", "phone": "0731-28888888"},
        {"role": "witness", "name": "李四明"},
        {"role": "witness", "name": "赵六"},
        {"role": "informant", "name": "陈七", "phone": "139 1234 5678"},
    ],
}

DECISION = """株洲市市场监督管理局
行政处罚决定书
株市监罚〔2026〕12号

当事人：株洲市荷塘区王五便利店
主体资格证照名称：营业执照
统一社会信用代码：92430202MA4PXY123G
经营场所：湖南省株洲市荷塘区新华路12号
经营者：王五，身份证号：4302 0219 9001 0112 33，住址：湖南省株洲市荷塘区新华路12号3栋201室，联系电话：138-0013-8000。
委托代理人：欧阳娜娜，联系电话：0731-28888888。

2026年3月2日，本局接到陈七（电话：+86 139 1234 5678）举报，称当事人销售超过保质期的食品。2026年3月3日，本局执法人员对当事人经营场所进行现场检查，\
发现当事人货架上摆放有超过保质期的预包装食品共计12个品种58件，当事人驾驶的湘B·D12345号车辆内另存放同类食品7件。本局于同日予以立案调查。
经查，当事人自2026年1月起从株洲市某某商贸有限公司购进上述食品，购进价格合计人民币1,386.50元，已销售部分货值金额为人民币460元，违法所得人民币92元。\
当事人通过银行卡6217001234567890122收取部分货款，并通过电子邮箱wangwu.shop@example.com与供货商联系。证人李四明、赵六的证言证实了上述事实。
上述事实，有以下证据证明：
1.当事人营业执照复印件、经营者王五身份证复印件，证明当事人的主体资格；
2.2026年3月3日《现场检查笔录》及现场照片12张，证明违法食品的存放情况；
3.《王五询问笔录》《欧阳娜娜询问笔录》，证明当事人购进和销售涉案食品的情况；
4.《李四明证人证言》《赵六证人证言》，证明当事人销售涉案食品的事实；
5.购进票据复印件3张、银行交易明细1份，证明涉案食品的购进数量、价格和违法所得。
本局认为，当事人经营超过保质期食品的行为，违反了《中华人民共和国食品安全法》第三十四条第（十）项的规定。依据《中华人民共和国食品安全法》\
第一百二十四条第一款第（五）项的规定，考虑到当事人能够积极配合调查，主动改正违法行为，依据《湖南省市场监督管理行政处罚裁量权基准》，本局决定：
一、没收超过保质期的预包装食品65件；
二、没收违法所得人民币92元；
三、罚款人民币50,000元。
当事人应当自收到本行政处罚决定书之日起十五日内，将罚没款缴至指定银行。逾期不缴纳罚款的，本局可以根据《中华人民共和国行政处罚法》第七十二条第一款第（一）项\
的规定，每日按罚款数额的3%加处罚款。
当事人对本行政处罚决定不服的，可以在收到本行政处罚决定书之日起六十日内向株洲市人民政府申请行政复议，也可以在六个月内依法向株洲市荷塘区人民法院提起行政诉讼。\
申请行政复议或者提起行政诉讼期间，本行政处罚决定不停止执行。

株洲市市场监督管理局
2026年3月20日
"""


def main():
    text = (DECISION + "\n") * 2  # ≈ 2,400 characters: a full decision with an attached copy (摘要 and 告知)
    context = parse_context(PARTY)
    policy = policy_for("zhuzhou-amr")
    known = [(p.name, p.name[0] + "某") for p in context.persons]
    known += [(v, "［已隐去］") for p in context.persons for v in (p.id_number, p.phone, p.address) if v]

    def anchor():
        out = fold(text)
        for value, replacement in known:
            out = out.replace(value, replacement)
        return out

    result = redact(text, PARTY, policy)
    times, anchors = [], []
    for _ in range(N):
        t0 = time.perf_counter()
        redact(text, context, policy)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        anchor()
        anchors.append(time.perf_counter() - t0)
    times.sort()
    anchors.sort()
    median, p95 = statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000
    anchor_median = statistics.median(anchors) * 1000
    print(json.dumps({
        "bench": "redaction",
        "database": connection.vendor,
        "characters": len(text),
        "runs": N,
        "spans": len(result.spans),
        "kept": len(result.kept),
        "median_ms": round(median, 3),
        "p95_ms": round(p95, 3),
        "anchor_median_ms": round(anchor_median, 4),
        "ratio_to_anchor": round(median / anchor_median, 1),
        "with_context_parsing_ms": round(_with_parsing(text, policy) * 1000, 3),
    }, ensure_ascii=False))


def _with_parsing(text, policy, runs=min(200, N)):
    t0 = time.perf_counter()
    for _ in range(runs):
        redact(text, PARTY, policy)
    return (time.perf_counter() - t0) / runs


if __name__ == "__main__":
    main()
