"""The tests' settings: the portal's, with a random SECRET_KEY when none is set.

With DEBUG off (as in production) the portal refuses to start without a real key
(portal/settings.py). Setting it in the environment here also hands it to the servers the
tests start as subprocesses.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from portal.settings import *  # noqa: E402, F403

# The browser tests' live server serves static files through the finders, which know no
# hashed names: the tests link the plain ones. Production's hashed, compressed files are
# tested through gunicorn with portal.settings (tests/portal/test_production_server.py).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# The tests write visit counts when they ask (villages.visits.flush_visits), not from a
# background thread in the middle of a test.
VISIT_FLUSH_SECONDS = 0
