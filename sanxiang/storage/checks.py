"""Re-hashing a large store a part at a time (文件抽检): which recorded files to read again, and
when each was last found intact.

A 10 TB store takes most of a day to read at disk speed, so `sanxiang verify` can re-hash a part:

- `all` (the default): every recorded file is read again — the answer after a restore, before a
  transfer to the archive, or on suspicion;
- `sample`: a random `percent` of the recorded files (at least one);
- `since-last`: the files not found intact since a date (or never), the longest unchecked first.

Both partial modes stop at a byte budget when one is given. Whatever the mode, every recorded file
is looked up in one listing of the store (missing files, sizes where the back end lists them) and
every stored file is matched against the records (untracked files): only the reading of the bytes
is partial.

When each file was last re-hashed is kept in DATA_DIR/file_checks.sqlite3 (stdlib sqlite3,
whatever the main database): it is a schedule, not a record — losing it only means every file
counts as never checked, and the ledger holds the digests that decide.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import sqlite3
from contextlib import closing
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger("sanxiang.storage")
MODES = ("all", "sample", "since-last")
STATE_FILE = "file_checks.sqlite3"


@dataclass(frozen=True)
class Selection:
    """文件抽检范围 — what part of the recorded files is re-hashed."""

    mode: str = "all"
    percent: float | None = None
    checked_before: dt.datetime | None = None  # since-last: re-hash files not found intact since then
    max_bytes: int | None = None

    def describe(self) -> str:
        budget = f"，不超过 {self.max_bytes} 字节" if self.max_bytes else ""
        if self.mode == "sample":
            return f"随机抽检 {self.percent:g}% 的文件{budget}"
        if self.mode == "since-last":
            since = (f"自 {self.checked_before:%Y-%m-%d %H:%M} 起未核验" if self.checked_before else "从未核验")
            return f"{since}的文件，最久未核验者优先{budget}"
        return "全部文件"


def _connect():
    path = settings.DATA_DIR / STATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30)
    db.execute("CREATE TABLE IF NOT EXISTS checks (path TEXT PRIMARY KEY, checked_at REAL NOT NULL, ok INTEGER NOT NULL)")
    return db


def last_checked(paths) -> dict[str, float]:
    """path → when it was last re-hashed and found intact (UNIX time); absent: never. An unreadable
    state file counts as "never": the schedule restarts, nothing is skipped."""
    wanted = set(paths)
    try:
        with closing(_connect()) as db:
            rows = db.execute("SELECT path, checked_at FROM checks WHERE ok = 1").fetchall()
    except (sqlite3.Error, OSError):
        return {}
    return {path: when for path, when in rows if path in wanted}


def record(results: dict[str, bool], when: float | None = None) -> None:
    """Remember the outcome of the re-hashes just done (True: intact). A data directory that cannot
    be written loses only the schedule (the findings are reported anyway), but `since-last` would
    then read the same files again and again: say so on the log."""
    if not results:
        return
    when = dt.datetime.now(dt.UTC).timestamp() if when is None else when
    try:
        _record(results, when)
    except (sqlite3.Error, OSError) as exc:
        logger.warning("文件抽检：无法记录核验时间（%s）：%s；增量核验将从头开始", settings.DATA_DIR / STATE_FILE, exc)


def _record(results: dict[str, bool], when: float) -> None:
    with closing(_connect()) as db, db:
        db.executemany("INSERT INTO checks (path, checked_at, ok) VALUES (?, ?, ?) "
                       "ON CONFLICT(path) DO UPDATE SET checked_at = excluded.checked_at, ok = excluded.ok",
                       [(path, when, int(ok)) for path, ok in results.items()])


def choose(files: dict[str, dict], selection: Selection, *, rng: random.Random | None = None) -> list[str]:
    """The paths among `files` (path → ledger record with its size) to re-hash, in reading order."""
    paths = sorted(files)
    if selection.mode == "all" or not paths:
        return paths
    if selection.mode == "sample":
        count = max(1, round(len(paths) * selection.percent / 100))
        picked = (rng or random.SystemRandom()).sample(paths, min(count, len(paths)))
    elif selection.mode == "since-last":
        seen = last_checked(paths)
        cutoff = selection.checked_before.timestamp() if selection.checked_before else None
        picked = sorted((p for p in paths if p not in seen or (cutoff is not None and seen[p] < cutoff)),
                        key=lambda p: (seen.get(p, 0.0), p))
    else:
        raise ValueError(f"未知的文件核验方式：{selection.mode}（可选：{'、'.join(MODES)}）")
    if selection.max_bytes is None:
        return picked
    chosen, spent = [], 0
    for path in picked:
        size = files[path].get("size") or 0
        if chosen and spent + size > selection.max_bytes:
            break  # at least one file, even one larger than the budget
        chosen.append(path)
        spent += size
    return chosen


def parse_size(text: str) -> int:
    """'500G', '2T', '1048576' → bytes (binary units); ValueError in 中文 otherwise."""
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    raw = (text or "").strip().upper().removesuffix("B").removesuffix("I")
    number, unit = (raw[:-1], raw[-1]) if raw and raw[-1] in units else (raw, "")
    try:
        value = float(number)
    except ValueError:
        value = -1
    if value <= 0:
        raise ValueError(f"字节预算应为正数，可带单位 K/M/G/T（如 500G），收到：{text}")
    return int(value * units[unit])
