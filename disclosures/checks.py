"""`manage.py check --deploy`: the chain signing key must be a real one."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def chain_signing_key(app_configs, **kwargs):
    key = settings.CHAIN_SIGNING_KEY
    if key.startswith("insecure-development") or len(key) < 32 or key == settings.SECRET_KEY:
        return [
            checks.Warning(
                "CHAIN_SIGNING_KEY is the development key, shorter than 32 characters, or "
                "the same as SECRET_KEY.",
                hint="Set a long random CHAIN_SIGNING_KEY, kept outside the database and "
                "its backups, and never change it (README, 'Publication is permanent').",
                id="disclosures.W001",
            )
        ]
    return []
