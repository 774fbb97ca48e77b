"""Jobs that run by themselves (定时任务): a schedule table, a slot-once scheduler and the worker.

Tasks are django-tasks `Task`s (the backport of Django 6's `django.tasks`) stored by the database
backend of django-tasks-db, so the embedded default needs no other server and several workers
share one PostgreSQL database. See docs/decisions/0004-job-runner.md.
"""
