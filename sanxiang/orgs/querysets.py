"""`Model.objects.restrict(user, action)` on every orgs model: the access policy of `sanxiang.access`.

Kept as the import path older code uses; the rules themselves are in `orgs/policies.py`.
"""

from sanxiang.access.policy import VIEW, RestrictedManager, RestrictedQuerySet, current_roles, today

__all__ = ["VIEW", "RestrictedManager", "RestrictedQuerySet", "current_roles", "today"]
