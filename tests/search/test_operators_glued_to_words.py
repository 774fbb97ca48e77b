"""defects10 (s23) #9: operators glued to words and FTS5's column filter answered 200 with nothing, silently;
refused now with how to search."""

import pytest

from sanxiang.search.tokens import SearchQueryError, query_phrases


@pytest.mark.parametrize("query", ["NOT罚款", "罚款 NEAR/2 警告", "ＮＯＴ罚款", "罚款near警告"])
def test_operators_glued_to_words_are_refused(query):
    with pytest.raises(SearchQueryError, match="多个词用空格分开，须同时出现"):
        query_phrases(query)


@pytest.mark.parametrize("query", ["col:罚款", "title:罚款 警告", "summary：罚款"])
def test_a_column_filter_is_refused(query):
    with pytest.raises(SearchQueryError, match="字段限定"):
        query_phrases(query)


def test_plain_words_with_operator_letters_inside_still_search():
    assert query_phrases("notebook 罚款") == [["notebook"], ["罚款"]]
