import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
application = get_wsgi_application()

from sanxiang.core.datadir import prepare  # noqa: E402  (needs the settings loaded above)

prepare()
