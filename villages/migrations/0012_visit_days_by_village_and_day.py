"""The visits page (villages/admin_visits.py, monthly_counts: a township's villages'
last twelve months) reads those days from the unique (village, day) index: the
village-only index of the foreign key is dropped, with it PostgreSQL read every day the
villages were ever counted and dropped the older ones (issue 14, item 3)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('villages', '0011_finance_version'),
    ]

    operations = [
        migrations.AlterField(
            model_name='villagevisitday',
            name='village',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='visit_days', to='villages.village', verbose_name='village'),
        ),
    ]
