"""Settings for the test suite: the real settings, on Redis databases of their own.

Tests flush their cache database between tests, so neither the cache nor the broker
shares a database with a running development server.
"""

import os

os.environ.setdefault("DEBUG", "1")

from practice.settings import *  # noqa: E402,F403
from practice.settings import CACHES, REDIS_URL, redis_with_db  # noqa: E402

CACHES["default"]["LOCATION"] = redis_with_db(REDIS_URL, 14)
CACHES["default"]["KEY_PREFIX"] = "test"
CELERY_BROKER_URL = redis_with_db(REDIS_URL, 15)
EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", EMAIL_FILE_PATH)  # noqa: F405
SITE_URL = "http://testserver"
