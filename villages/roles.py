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
        "disclosures.view_disclosure",
        "disclosures.add_disclosure",
        "disclosures.change_disclosure",
        "disclosures.delete_disclosure",
        "disclosures.view_livelihoodrow",
        "disclosures.add_livelihoodrow",
        "disclosures.change_livelihoodrow",
        "disclosures.delete_livelihoodrow",
        "disclosures.view_attachment",
        "disclosures.add_attachment",
        "disclosures.change_attachment",
        "disclosures.delete_attachment",
        "disclosures.view_majormatter",
        "disclosures.add_majormatter",
        "disclosures.change_majormatter",
        "disclosures.delete_majormatter",
        "disclosures.view_matterstep",
        "disclosures.add_matterstep",
        "disclosures.change_matterstep",
        "disclosures.delete_matterstep",
        "disclosures.view_cadre",
        "disclosures.add_cadre",
        "disclosures.change_cadre",
        "disclosures.delete_cadre",
        "disclosures.view_catalogitem",
        "disclosures.view_poweritem",
        "disclosures.view_powerstep",
        "disclosures.view_sunshinereport",
        "disclosures.add_sunshinereport",
        "disclosures.change_sunshinereport",
        "disclosures.delete_sunshinereport",
        "disclosures.view_cadreevaluation",
        "disclosures.add_cadreevaluation",
        "disclosures.change_cadreevaluation",
        "disclosures.delete_cadreevaluation",
        "disclosures.view_sunshinequestion",
        "disclosures.add_sunshinequestion",
        "disclosures.change_sunshinequestion",
        "disclosures.delete_sunshinequestion",
        "disclosures.view_sunshinetask",
        "disclosures.add_sunshinetask",
        "disclosures.change_sunshinetask",
        "disclosures.delete_sunshinetask",
        "disclosures.view_taskfollowup",
        "disclosures.add_taskfollowup",
        "disclosures.change_taskfollowup",
        "disclosures.delete_taskfollowup",
        "disclosures.view_question",
        "disclosures.answer_question",
        "disclosures.view_answer",
        "disclosures.add_answer",
        "disclosures.view_asset",
        "disclosures.add_asset",
        "disclosures.change_asset",
        "disclosures.delete_asset",
        "disclosures.view_resource",
        "disclosures.add_resource",
        "disclosures.change_resource",
        "disclosures.delete_resource",
        "disclosures.view_contract",
        "disclosures.add_contract",
        "disclosures.change_contract",
        "disclosures.delete_contract",
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
        "disclosures.view_disclosure",
        "disclosures.view_livelihoodrow",
        "disclosures.view_attachment",
        "disclosures.view_majormatter",
        "disclosures.view_matterstep",
        "disclosures.view_cadre",
        "disclosures.view_catalogitem",
        "disclosures.view_poweritem",
        "disclosures.view_powerstep",
        "disclosures.publish_disclosure",
        "disclosures.publish_matterstep",
        "disclosures.view_sunshinereport",
        "disclosures.view_cadreevaluation",
        "disclosures.view_sunshinequestion",
        "disclosures.view_sunshinetask",
        "disclosures.view_taskfollowup",
        "disclosures.publish_sunshinereport",
        "disclosures.view_question",
        "disclosures.answer_question",
        "disclosures.view_answer",
        "disclosures.add_answer",
        "disclosures.view_asset",
        "disclosures.publish_asset",
        "disclosures.view_resource",
        "disclosures.publish_resource",
        "disclosures.view_contract",
        "disclosures.publish_contract",
    ],
    TOWNSHIP_STAFF: [
        # The account log and the lockouts of the people of the township.
        "villages.view_securityevent",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "villages.view_township",
        "villages.change_township",  # Its supervision telephone and answer deadline only.
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
        "disclosures.view_disclosure",
        "disclosures.view_livelihoodrow",
        "disclosures.view_attachment",
        "disclosures.view_majormatter",
        "disclosures.view_matterstep",
        "disclosures.view_cadre",
        "disclosures.view_catalogitem",
        "disclosures.add_catalogitem",
        "disclosures.change_catalogitem",
        "disclosures.delete_catalogitem",
        "disclosures.view_poweritem",
        "disclosures.add_poweritem",
        "disclosures.change_poweritem",
        "disclosures.delete_poweritem",
        "disclosures.view_powerstep",
        "disclosures.add_powerstep",
        "disclosures.change_powerstep",
        "disclosures.delete_powerstep",
        "disclosures.view_sunshinereport",
        "disclosures.view_cadreevaluation",
        "disclosures.view_sunshinequestion",
        "disclosures.view_sunshinetask",
        "disclosures.view_taskfollowup",
        "disclosures.view_question",
        "disclosures.answer_question",
        "disclosures.view_answer",
        "disclosures.add_answer",
        "disclosures.view_asset",
        "disclosures.view_resource",
        "disclosures.view_contract",
        "disclosures.moderate_question",
        "disclosures.view_questionevent",
        # The weights of the township's quarterly ranking (一季一晒).
        "disclosures.view_rankingformula",
        "disclosures.add_rankingformula",
        "disclosures.change_rankingformula",
        "disclosures.view_quarterlyranking",
    ],
}


def ensure_role_groups(**kwargs):
    """Create or refresh the role groups. Runs after every migrate; safe to repeat."""
    from django.contrib.auth.models import Group, Permission

    from villages.security import by_migration

    token = by_migration.set(True)
    try:
        _set_role_permissions(Group, Permission)
    finally:
        by_migration.reset(token)


def _set_role_permissions(Group, Permission):
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            wanted += Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        group.permissions.set(wanted)


def accountant_and_reviewer(village):
    """The first accountant and reviewer assigned to the village (either may be None):
    who enters and who publishes when the demo data is built."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(villages=village)
    return (
        users.filter(groups__name=ACCOUNTANT).first(),
        users.filter(groups__name=REVIEWER).first(),
    )
