"""Indexes that keep the admin flat in a province's history (issue 14, item 3):

- correction_newest_idx: the admin's list of corrections (LedgerCorrectionAdmin, newest
  first) reads its first page from the index instead of sorting every correction;
- disclosure_compliance_idx: the compliance dashboard and the staff's home page (lists
  due, villages behind; disclosures/compliance/report.py published_disclosures) read a
  township's publications of the last twelve months from the index alone, not every
  disclosure of its villages' history;
- question_waiting_idx: the home page's questions waiting for an answer (desk/queue.py
  questions_waiting) and escalate_questions read the open questions only;
- correction_unpublished_idx: the home page's "waiting for your review" and "sent back to
  you" (desk/queue.py) find the unpublished corrections without reading the others."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('disclosures', '0021_generated_file_subject'),
        ('villages', '0010_sign_batches'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='disclosure',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['village', 'period_start'], include=('item', 'published_at'), name='disclosure_compliance_idx'),
        ),
        migrations.AddIndex(
            model_name='ledgercorrection',
            index=models.Index(fields=['-created_at', '-id'], name='correction_newest_idx'),
        ),
        migrations.AddIndex(
            model_name='ledgercorrection',
            index=models.Index(condition=models.Q(('status__in', ['draft', 'submitted', 'returned'])), fields=['status'], name='correction_unpublished_idx'),
        ),
        migrations.AddIndex(
            model_name='question',
            index=models.Index(condition=models.Q(('status__in', ['received', 'escalated'])), fields=['due_on', 'id'], name='question_waiting_idx'),
        ),
    ]
