"""Pause points (测试暂停点): places where a long operation can be held still from outside.

The kill tests and the backup-under-load test need to stop `sanxiang backup` or `restore` at a
known step — to SIGKILL it there, or to write through the actions while its snapshot is open —
without timing guesses. With `SANXIANG_TEST_PAUSE_AT=<point>=<flag file>` in its environment, the
process writes its pid into the flag file when it reaches `<point>` and waits until the file is
deleted. Without the variable (every real run) a pause point does nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ENV = "SANXIANG_TEST_PAUSE_AT"


def point(name: str) -> None:
    wanted = os.environ.get(ENV, "")
    if not wanted:
        return
    where, _, flag = wanted.partition("=")
    if where != name or not flag:
        return
    flag_path = Path(flag)
    partial = flag_path.with_name(flag_path.name + ".tmp")
    partial.write_text(str(os.getpid()))
    os.replace(partial, flag_path)  # the watcher never reads a half-written pid
    while flag_path.exists():
        time.sleep(0.02)
