"""The public numbers are public: they are the addresses of published decisions on the portal."""

from sanxiang.access.policy import register_public

from .models import DecisionNumber

register_public(DecisionNumber)
