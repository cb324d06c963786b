"""Indexes for the admin's long lists at a province's scale (issue 14): each lets a
change list read its first page in its default order from the index instead of sorting
every row (months: LedgerMonthAdmin; entries: LedgerEntryAdmin; disclosures:
DisclosureAdmin; questions: QuestionAdmin)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0019_attachment_text_and_summary"),
        ("villages", "0009_account_log_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="disclosure",
            index=models.Index(fields=["-period_start", "-id"], name="disclosure_newest_idx"),
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                condition=models.Q(("correction__isnull", True)),
                fields=["date", "voucher_number", "id"],
                name="entry_admin_order_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ledgermonth",
            index=models.Index(fields=["-year", "-month"], name="ledger_newest_idx"),
        ),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(fields=["-received_at", "-id"], name="question_newest_idx"),
        ),
    ]
