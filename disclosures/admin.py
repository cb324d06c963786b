"""Django's admin autodiscovery imports this module: each feature registers its own
admin classes in `<feature>/admin.py`. The project's AdminSite (portal/admin.py) adds the
pages that are not about one model (compliance, visits)."""

from disclosures.affairs import admin as affairs_admin  # noqa: F401
from disclosures.assets import admin as assets_admin  # noqa: F401
from disclosures.compliance import admin_ranking  # noqa: F401
from disclosures.finance import admin as finance_admin  # noqa: F401
from disclosures.finance import admin_receipts  # noqa: F401
from disclosures.matters import admin as matters_admin  # noqa: F401
from disclosures.powers import admin as powers_admin  # noqa: F401
from disclosures.questions import admin as questions_admin  # noqa: F401
from disclosures.sunshine import admin as sunshine_admin  # noqa: F401
