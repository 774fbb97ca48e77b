"""The search entries are what the portal shows: public, as the publications they stand for."""

from sanxiang.access.policy import register_public

from .models import SearchEntry

register_public(SearchEntry)
