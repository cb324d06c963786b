from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosuresConfig(AppConfig):
    name = "disclosures"
    verbose_name = _("Disclosures")

    def ready(self):
        # Connects the signal that deletes a receipt photo's files with its row.
        from disclosures import checks  # noqa: F401
        from disclosures.finance import photos  # noqa: F401
