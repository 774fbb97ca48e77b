"""Words for the public search (检索分词): Chinese by overlapping pairs of characters, other scripts by word.

Chinese has no spaces, and the public search must find two-character words (罚款) and a surname
with 某 (张某). A text is indexed as the pairs of neighbouring characters of each run of Chinese
(行政处罚 → 行政 政处 处罚) and the words of other scripts (letters and digits, lowercased); a query
is the same pairs, which must stand next to each other in that order. Both SQLite (FTS5) and
PostgreSQL (tsvector) index these tokens, so both answer the same (sanxiang/search/engine.py).
"""

import re
import unicodedata

QUERY_MAX_CHARS = 50
QUERY_MAX_TERMS = 8


class SearchQueryError(ValueError):
    """A query the search cannot run: one Chinese sentence for the person who typed it."""


def _is_han(char: str) -> bool:
    return unicodedata.category(char) == "Lo"


def normalize(text: str) -> str:
    """Full-width to half-width, one case: 罚款 and ＡＢＣ are found as typed either way."""
    return unicodedata.normalize("NFKC", text).lower()


_RUNS = re.compile(r"[^\W_]+")  # letters and digits of any script; everything else separates


def tokens(text: str) -> list[str]:
    """The index tokens of `text`, in order."""
    out: list[str] = []
    for run in _RUNS.findall(normalize(text)):
        word = ""
        han = ""
        for char in run + " ":
            if char != " " and _is_han(char):
                if word:
                    out.append(word)
                    word = ""
                han += char
                continue
            if han:
                out.extend(_pairs(han))
                han = ""
            if char != " ":
                word += char
        if word:
            out.append(word)
    return out


def _pairs(han: str) -> list[str]:
    if len(han) == 1:
        return [han]
    return [han[i:i + 2] for i in range(len(han) - 1)]


# The words a search box's user types as operators (FTS5's and most engines'): never searched for as words
# (decision 0080) — a query of them alone has nothing to find, and between words they would be read as
# AND by this search, silently, which is not what the user meant.
OPERATOR_WORDS = frozenset({"or", "and", "not", "near"})
_COLUMN_FILTER = re.compile(r"^([a-z_][a-z0-9_]*)\s*:")


def query_phrases(query: str) -> list[list[str]]:
    """Each term of the query as the tokens that must stand together; refused with a reason."""
    if query is None or not query.strip():
        raise SearchQueryError("请输入要查找的文字。")
    if len(query) > QUERY_MAX_CHARS:
        raise SearchQueryError(f"检索词过长：最多 {QUERY_MAX_CHARS} 个字。")
    terms = [term for term in normalize(query).split() if term]
    if len(terms) > QUERY_MAX_TERMS:
        raise SearchQueryError(f"检索词过多：最多 {QUERY_MAX_TERMS} 个，用空格分开。")
    phrases, operators = [], []
    for term in terms:
        column = _COLUMN_FILTER.match(term)
        if column:  # FTS5's column filter (col:罚款) would be searched as the words "col 罚款" and find nothing
            raise SearchQueryError(f"不支持“{column.group(1)}:”这样的字段限定：直接输入要查找的文字，多个词用空格分开。")
        found = tokens(term)
        # an operator word alone, or glued to the words (NOT罚款, NEAR/2): refused, never searched for as a word
        if any(t in OPERATOR_WORDS for t in found):
            if not all(t in OPERATOR_WORDS for t in found):
                raise SearchQueryError(f"不支持“{term.upper()}”中的运算符：多个词用空格分开，须同时出现。")
            operators.append(term)
            continue
        if not found:
            continue
        if len(found) == 1 and len(found[0]) == 1:
            raise SearchQueryError(f"“{term}”只有一个字：请至少输入两个字（如“罚款”“张某”）。")
        phrases.append(found)
    if not phrases:
        raise SearchQueryError("检索词中没有可查找的文字（符号和运算符不参与检索）。")
    if operators:
        raise SearchQueryError(f"不支持“{operators[0].upper()}”等运算符：多个词用空格分开，须同时出现。")
    return phrases
