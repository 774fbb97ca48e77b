"""An upload is its uploader's own: nobody else sees it until it becomes a record of a case."""

from sanxiang.access.policy import OWN, SELF, register

from .models import Upload

register(Upload, agency="agency", own="owner", rules={"view": {SELF: OWN}})
