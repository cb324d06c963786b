from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common.text import connect_text_cleaning


class DisclosuresConfig(AppConfig):
    name = "disclosures"
    verbose_name = _("Disclosures")

    def ready(self):
        # Connects the signal that deletes a receipt photo's files with its row.
        from disclosures import checks  # noqa: F401
        from disclosures.finance import photos  # noqa: F401

        # Connect what publishing queues: the month's poster, the power-list booklet.
        from disclosures.finance import tasks as finance_tasks  # noqa: F401
        from disclosures.powers import tasks as powers_tasks  # noqa: F401

        # Connect what any news queues: the village page's parts (in every process,
        # the daily jobs' too).
        from disclosures.village_page import summary  # noqa: F401

        connect_text_cleaning(self)
