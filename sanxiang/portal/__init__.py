"""公开门户 (issue 10 §7): public, session-less pages per agency."""
