"""The Range header as RFC 9110 §14 reads it, for a file of 1000 bytes (no database)."""

import pytest

from sanxiang.retrieval.serving import RangeNotSatisfiable, parse_range

# No database here (pure functions, files, profile data): the SQLite pass runs it once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic

SIZE = 1000


@pytest.mark.parametrize("header, span", [
    ("", None),                      # no Range: the whole file
    ("bytes=0-99", (0, 99)),         # first bytes
    ("bytes=500-599", (500, 599)),   # middle
    ("bytes=900-", (900, 999)),      # open end
    ("bytes=-100", (900, 999)),      # suffix
    ("bytes=-5000", (0, 999)),       # suffix longer than the file: all of it
    ("bytes=990-5000", (990, 999)),  # last beyond the end: clipped
    ("bytes=0-9,20-29", None),       # several ranges: answered with the whole file (200)
    ("items=0-9", None),             # another unit: ignored
    ("bytes=abc", None),             # malformed: ignored
    ("bytes=-", None),
])
def test_satisfiable_or_ignored(header, span):
    assert parse_range(header, SIZE) == span


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=1000-1100", "bytes=-0", "bytes=5-2"])
def test_unsatisfiable_ranges_answer_416_with_the_size(header):
    with pytest.raises(RangeNotSatisfiable) as refused:
        parse_range(header, SIZE)
    assert refused.value.status == 416 and refused.value.headers["Content-Range"] == f"bytes */{SIZE}"
