"""Seed the income and expense categories of the village collective accounting system.

The 2023 revision (村集体经济组织会计制度, in force from 1 January 2024) added 公益支出,
税金及附加 and 所得税费用 and dropped 发包及上交收入 and 农业税附加返还收入 of the 2004 system.
Ledgers from 2023 and earlier keep the old names, so each category carries its valid years.
"""

from django.db import migrations

STANDARD = [
    # kind, name, English name, valid_from, valid_until
    ("income", "经营收入", "Operating income", None, None),
    ("income", "发包及上交收入", "Contracting and remitted income", None, 2023),
    ("income", "投资收益", "Investment income", None, None),
    ("income", "补助收入", "Subsidy income", None, None),
    ("income", "农业税附加返还收入", "Agricultural tax surcharge refunds", None, 2023),
    ("income", "其他收入", "Other income", None, None),
    ("expense", "经营支出", "Operating expenses", None, None),
    ("expense", "税金及附加", "Taxes and surcharges", 2024, None),
    ("expense", "管理费用", "Management expenses", None, None),
    ("expense", "公益支出", "Public welfare expenses", 2024, None),
    ("expense", "其他支出", "Other expenses", None, None),
    ("expense", "所得税费用", "Income tax", 2024, None),
]


def seed(apps, schema_editor):
    Category = apps.get_model("disclosures", "Category")
    for position, (kind, name, name_en, valid_from, valid_until) in enumerate(STANDARD):
        Category.objects.update_or_create(
            kind=kind,
            name=name,
            parent=None,
            township=None,
            defaults={
                "name_en": name_en,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "position": position,
            },
        )


def unseed(apps, schema_editor):
    Category = apps.get_model("disclosures", "Category")
    Category.objects.filter(
        township=None, parent=None, name__in=[row[1] for row in STANDARD], entries=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
