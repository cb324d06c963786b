"""The staff roles, as Django groups with fixed permissions.

Which villages a user works on is separate: Village.staff and Township.staff. A role says
what a user may do; the assignment says where.
"""

from django.utils.translation import gettext_noop

ACCOUNTANT = gettext_noop("Accountant")
REVIEWER = gettext_noop("Reviewer")
TOWNSHIP_STAFF = gettext_noop("Township staff")

ROLE_PERMISSIONS = {
    ACCOUNTANT: [
        "villages.view_village",
        "disclosures.view_category",
        "disclosures.view_ledgermonth",
        "disclosures.add_ledgermonth",
        "disclosures.change_ledgermonth",
        "disclosures.delete_ledgermonth",
        "disclosures.view_ledgerentry",
        "disclosures.add_ledgerentry",
        "disclosures.change_ledgerentry",
        "disclosures.delete_ledgerentry",
        "disclosures.view_ledgercorrection",
        "disclosures.add_ledgercorrection",
        "disclosures.change_ledgercorrection",
        "disclosures.delete_ledgercorrection",
        "disclosures.view_receiptphoto",
        "disclosures.add_receiptphoto",
        "disclosures.delete_receiptphoto",
        "disclosures.view_reviewevent",
    ],
    REVIEWER: [
        "villages.view_village",
        "disclosures.view_category",
        "disclosures.view_ledgermonth",
        "disclosures.view_ledgerentry",
        "disclosures.publish_ledgermonth",
        "disclosures.view_ledgercorrection",
        "disclosures.view_receiptphoto",
        "disclosures.view_reviewevent",
    ],
    TOWNSHIP_STAFF: [
        "villages.view_township",
        "villages.view_village",
        "villages.print_signs",
        "disclosures.view_category",
        "disclosures.add_category",
        "disclosures.change_category",
        "disclosures.delete_category",
        "disclosures.view_ledgermonth",
        "disclosures.view_ledgerentry",
        "disclosures.view_ledgercorrection",
        "disclosures.view_receiptphoto",
        "disclosures.view_reviewevent",
    ],
}


def ensure_role_groups(**kwargs):
    """Create or refresh the role groups. Runs after every migrate; safe to repeat."""
    from django.contrib.auth.models import Group, Permission

    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            wanted += Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        group.permissions.set(wanted)
