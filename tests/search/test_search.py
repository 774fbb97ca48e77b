"""The public search (公开检索, sanxiang/search/): two-character Chinese words, a surname with 某, phrases in
order, filters, newest first — the same answers on SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

import datetime as dt

import pytest

from sanxiang.orgs import testing as T
from sanxiang.search import engine
from sanxiang.search.tokens import SearchQueryError, query_phrases, tokens


@pytest.mark.parametrize("text, expected", [
    ("行政处罚", ["行政", "政处", "处罚"]),
    ("张某", ["张某"]),
    ("罚款：5000元", ["罚款", "5000", "元"]),
    ("ＡＢＣ公司２０２４年", ["abc", "公司", "2024", "年"]),
    ("株市监处罚〔2026〕12号", ["株市", "市监", "监处", "处罚", "2026", "12", "号"]),
    ("E-mail: a_b@x.cn", ["e", "mail", "a", "b", "x", "cn"]),
    ("", []),
])
def test_tokens(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize("query, message", [
    ("", "请输入要查找的文字"),
    ("   ", "请输入要查找的文字"),
    ("罚" * 51, "检索词过长"),
    ("甲乙 丙丁 " * 5, "检索词过多"),
    ("a", "只有一个字"),
    ('"*^:() -+ ~!', "没有可查找的文字"),
    ("罚", "请至少输入两个字"),
])
def test_queries_the_search_cannot_run_are_refused_with_a_reason(query, message):
    with pytest.raises(SearchQueryError, match=message):
        query_phrases(query)


@pytest.mark.parametrize("query", ["OR", "AND", "not", "NEAR(", "ＯＲ", "OR AND"])
def test_a_query_of_operator_words_alone_is_refused(query):
    """defects10 (s22) #9: 200 and no results before, as if the words were searched for."""
    with pytest.raises(SearchQueryError, match="没有可查找的文字"):
        query_phrases(query)


@pytest.mark.parametrize("query", ["罚款 OR 警告", "罚款 NOT 警告", '罚款 OR "张某"', "罚款 and 警告"])
def test_operator_words_between_words_are_refused_with_how_to_search(query):
    with pytest.raises(SearchQueryError, match="多个词用空格分开，须同时出现"):
        query_phrases(query)


def test_symbols_stay_literal():
    assert query_phrases('罚款 "张某" 湘B·12345') == [["罚款"], ["张某"], ["湘", "b", "12345"]]


@pytest.fixture
def published(db):
    a = T.agency(code="search-a")
    b = T.agency(code="search-b")
    rows = [
        (a, "penalty", "2026-03-02", "A-1", "行政处罚决定书", "当事人张某销售过期食品，罚款5000元。"),
        (a, "penalty", "2026-03-09", "A-2", "行政处罚决定书", "当事人李某违法情节轻微，给予警告。"),
        (a, "licence", "2026-04-01", "A-3", "行政许可决定书", "准予某某超市食品经营许可。"),
        (b, "penalty", "2026-03-10", "B-1", "行政处罚决定书", "用人单位违反工时规定，罚款2000元；法行不二。"),
        (a, "penalty", "2026-05-06", "A-4", "行政处罚决定书", "违法所得没收，罚款一万元，为违法行为人张某。"),
    ]
    for agency, kind, on, ref, title, summary in rows:
        engine.index(agency=agency, kind=kind, published_on=dt.date.fromisoformat(on), ref=ref, title=title,
                     summary=summary)
    return a, b


def refs(page):
    return [entry.ref for entry in page.entries]


@pytest.mark.django_db
def test_two_character_words_and_a_surname_with_mou_are_found_newest_first(published):
    a, b = published
    assert refs(engine.search("罚款")) == ["A-4", "B-1", "A-1"]
    assert refs(engine.search("张某")) == ["A-4", "A-1"]
    assert refs(engine.search("罚款", agency_id=a.pk)) == ["A-4", "A-1"]
    assert refs(engine.search("罚款", agency_id=b.pk)) == ["B-1"]
    assert refs(engine.search("ｐｅｎａｌｔｙ")) == []  # the kind is a filter, not a word of the text


@pytest.mark.django_db
def test_a_longer_word_is_found_only_where_its_characters_stand_in_order(published):
    # B-1 holds 违反 … 法行 and 行为 nowhere together; only A-4 says 违法行为.
    assert refs(engine.search("违法行为")) == ["A-4"]
    assert refs(engine.search("为违法")) == ["A-4"]
    assert refs(engine.search("违法 警告")) == ["A-2"]  # every term must match
    assert refs(engine.search("处罚决定书", agency_id=published[0].pk)) == ["A-4", "A-2", "A-1"]


@pytest.mark.django_db
def test_filters_by_kind_and_date_and_pages(published):
    a, _ = published
    assert refs(engine.search("决定书", kind="licence")) == ["A-3"]
    assert refs(engine.search("决定书", agency_id=a.pk, since=dt.date(2026, 3, 5),
                              until=dt.date(2026, 4, 30))) == ["A-3", "A-2"]
    first = engine.search("决定书", limit=2)
    assert refs(first) == ["A-4", "B-1"] and first.more
    last = engine.search("决定书", limit=2, offset=4)
    assert refs(last) == ["A-1"] and not last.more
    with pytest.raises(SearchQueryError):
        engine.search("决定书", limit=500)


@pytest.mark.django_db
def test_withdrawn_items_leave_the_index_and_a_correction_replaces_the_text(published):
    assert engine.remove("A-1") is True
    assert refs(engine.search("张某")) == ["A-4"]
    assert engine.remove("A-1") is False
    engine.index(agency=published[0], kind="penalty", published_on=dt.date(2026, 5, 6), ref="A-4",
                 title="行政处罚决定书（更正）", summary="罚款八千元。")
    assert refs(engine.search("张某")) == []
    assert refs(engine.search("更正")) == ["A-4"]
    assert refs(engine.search("罚款")) == ["A-4", "B-1"]
