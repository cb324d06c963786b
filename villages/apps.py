from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from common.text import connect_text_cleaning


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = _("Places and people")

    def ready(self):
        from villages import public_state, security
        from villages.roles import ensure_role_groups

        security.connect()
        public_state.connect()

        # Without a sender it runs after every app's migration, so the permissions of
        # apps migrated later (disclosures) are there by the last call.
        post_migrate.connect(ensure_role_groups, dispatch_uid="villages.ensure_role_groups")
        connect_text_cleaning(self)
