"""Settings for the test suite: the project's settings with a test-only secret key.

The database still comes from DATABASE_URL, so the same suite runs on SQLite
locally and on PostgreSQL in CI.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from newsroom.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405

# The test client and the live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# Templates name static files without a collectstatic run (test_static collects
# into a temporary folder to check the production storage).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise warns about a missing STATIC_ROOT; the tests never collect into it.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# The public response cache is off: most tests change rows with factories, not
# through the write path. tests/test_cache.py turns it on, under its own keys.
RESPONSE_CACHE_SECONDS = 0
FRAGMENT_CACHE_SECONDS = 0
