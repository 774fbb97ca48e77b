"""Benchmark: the public search over published decisions — issue 10 §8.

Generates `BENCH_SEARCH_ENTRIES` (default 1,000,000) published decisions across 20 agencies — the
SAMR summary of each (文号, 当事人, 违法行为类型, 处罚内容, 机关, 日期; ≈ 110 characters) — indexes them
as `sanxiang.search.engine.index` does (same tokens; rows written in batches, SQLite's FTS5 index
rebuilt once at the end), then times `engine.search()` for two- and four-character queries with an
agency filter, a page of 20, newest first. The anchor is the least a search page must do: one
primary-key read of an entry through the same connection. Prints one JSON line; the target is a
p95 ≤ 100 ms for both query lengths on SQLite.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("SANXIANG_DATA_DIR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from sanxiang.access.actors import OPERATOR  # noqa: E402
from sanxiang.orgs import actions as A  # noqa: E402
from sanxiang.search import engine  # noqa: E402

N = int(os.environ.get("BENCH_SEARCH_ENTRIES", "1000000"))
QUERIES = int(os.environ.get("BENCH_SEARCH_QUERIES", "200"))
AGENCIES = 20
BATCH = 5000

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
BUSINESSES = ["便利店", "超市", "商贸有限公司", "餐饮店", "药房", "建材经营部", "汽车维修厂", "食品有限公司", "加油站", "五金店"]
PLACES = ["株洲市荷塘区", "乌鲁木齐市高新区", "平罗县", "泉州市鲤城区", "石嘴山市", "芦淞区", "天元区", "沙依巴克区"]
ACTS = ["销售超过保质期的食品", "未按规定明码标价", "虚假宣传", "无照经营", "使用未经检定的计量器具",
        "销售不符合食品安全标准的食品", "未建立进货查验记录", "生产销售假冒伪劣产品", "拒不配合检查", "违反广告法发布违法广告",
        "未按规定公示营业执照", "超范围经营", "未取得许可从事食品经营", "用人单位未按规定支付加班费", "违反工时规定"]
PENALTIES = ["警告", "罚款{n}元", "没收违法所得{m}元，罚款{n}元", "警告，并处罚款{n}元", "没收违法物品，罚款{n}元",
             "责令停产停业，罚款{n}元"]


def summary(rng, number, agency_name, year):
    if rng.random() < 0.4:
        party = f"{rng.choice(SURNAMES)}某"
    else:
        party = f"{rng.choice(PLACES)}{rng.choice(SURNAMES)}{rng.choice(SURNAMES)}{rng.choice(BUSINESSES)}"
    penalty = rng.choice(PENALTIES).format(n=rng.choice([500, 1000, 2000, 5000, 10000, 30000, 50000]),
                                           m=rng.randint(50, 9000))
    return (f"文号：{agency_name[:2]}罚〔{year}〕{number}号；当事人：{party}；违法行为类型：{rng.choice(ACTS)}；"
            f"处罚内容：{penalty}；处罚机关：{agency_name}；")


def generate(agencies):
    rng = random.Random(20261124)
    cursor_sql = ("INSERT INTO search_searchentry (agency_id, kind, published_on, ref, title, summary, tokens)"
                  " VALUES (%s, %s, %s, %s, %s, %s, %s)")
    start = time.perf_counter()
    import datetime as dt

    first_day = dt.date(2020, 1, 1)
    for offset in range(0, N, BATCH):
        rows = []
        for i in range(offset, min(N, offset + BATCH)):
            agency = agencies[i % AGENCIES]
            day = first_day + dt.timedelta(days=i * 2400 // N)
            text = summary(rng, i, agency.name, day.year)
            title = "行政处罚决定书"
            rows.append((agency.pk, "penalty", day, f"B-{i}", title, text,
                         engine._entry_tokens(agency.pk, "penalty", title, text)))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(cursor_sql, rows)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchentry")
    return time.perf_counter() - start


def timed(fn, runs):
    times = []
    for args in runs:
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000


def main():
    call_command("migrate", interactive=False, verbosity=0)
    agencies = [A.do_create_agency(f"bench-search-{k}", f"{PLACES[k % len(PLACES)]}市场监督管理局{k}",
                                   categories=["行政处罚"], actor=OPERATOR) for k in range(AGENCIES)]
    built = generate(agencies)
    rng = random.Random(7)
    two = ["罚款", "警告", "张某", "超市", "没收"]
    four = ["食品安全", "违法所得", "明码标价", "虚假宣传", "超范围经"]
    runs2 = [(rng.choice(two), rng.choice(agencies).pk) for _ in range(QUERIES)]
    runs4 = [(rng.choice(four), rng.choice(agencies).pk) for _ in range(QUERIES)]
    found = engine.search("罚款", agency_id=agencies[0].pk)
    assert found.entries and found.more, "the generated decisions must be found"

    def query(q, agency_id):
        return engine.search(q, agency_id=agency_id, limit=20).entries

    def anchor(_q, _agency_id, ids=iter(range(1, 10**9))):
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, title FROM search_searchentry WHERE id = %s", [next(ids) % N + 1])
            return cursor.fetchone()

    query(*runs2[0])  # warm the caches as a serving process has them
    median2, p95_2 = timed(query, runs2)
    median4, p95_4 = timed(query, runs4)
    anchor_median, _ = timed(anchor, runs2)
    print(json.dumps({
        "bench": "search",
        "database": connection.vendor,
        "entries": N,
        "agencies": AGENCIES,
        "index_build_s": round(built, 1),
        "queries": QUERIES,
        "two_char_median_ms": round(median2, 2),
        "two_char_p95_ms": round(p95_2, 2),
        "four_char_median_ms": round(median4, 2),
        "four_char_p95_ms": round(p95_4, 2),
        "anchor_median_ms": round(anchor_median, 3),
        "ratio_to_anchor_two_char": round(median2 / anchor_median, 1),
        "target_p95_ms": 100,
        "meets_target": p95_2 <= 100 and p95_4 <= 100,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
