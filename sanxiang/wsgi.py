import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
application = get_wsgi_application()

from sanxiang.core.backup import refuse_to_serve_if_restore_unfinished  # noqa: E402  (needs the settings)
from sanxiang.core.datadir import prepare  # noqa: E402

# Before prepare(): it must not create keys in a data directory a restore is still filling.
refuse_to_serve_if_restore_unfinished()
prepare()
