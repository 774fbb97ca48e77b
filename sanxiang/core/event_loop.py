"""Calling a library that runs its own event loop (`asyncio.run`: pyHanko signs and validates that way)
from a thread that may already run one — an async caller, or a test process driving Playwright's sync
API — where `asyncio.run` would refuse: there it runs in a thread of its own."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def call_outside_event_loop(fn, *args, **kwargs):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()
