import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autofile.settings")
application = get_wsgi_application()

from autofile.core.deploy import refuse_insecure_start  # noqa: E402  (needs settings)

refuse_insecure_start()
