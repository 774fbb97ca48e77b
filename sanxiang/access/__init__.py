"""One access policy (访问控制) for every app: who may read and do what, as data.

`can(user, action, obj)` for actions, views and templates; `restrict(queryset, user, action)` for
every read. Apps register their models in `<app>/policies.py`; see `policy.py`.
"""
