"""公示 (publicity): publications before, during and after enforcement (issue 10).

First slice: the redaction engine (脱敏, issue 10 §4) — pure functions in `redaction.py`, its
policy as profile data (`publicity.redaction`, `policy.py`) and the party context it reads
(`context.py`). See docs/publicity.md.
"""
