"""Sanxiang (三项): the platform for 行政执法三项制度 — 公示, 全过程记录, 法制审核."""
