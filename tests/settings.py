"""The tests' settings: the portal's, with a random SECRET_KEY when none is set.

With DEBUG off (as in production) the portal refuses to start without a real key
(portal/settings.py). Setting it in the environment here also hands it to the servers the
tests start as subprocesses.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from portal.settings import *  # noqa: E402, F403
