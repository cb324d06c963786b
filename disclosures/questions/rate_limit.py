"""How many questions one client may ask: QUESTIONS_PER_HOUR accepted questions per
client address, counted in the database so that every server process shares the count.
Only a keyed hash of the address is stored (views.client_address and _client_key), for
a day."""

import datetime

from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _


class QuestionAttempt(models.Model):
    """One accepted question per row, for the rate limit: a keyed hash of the client's
    address (never the address) and the time. Rows older than a day are purged when the
    next question is accepted."""

    client = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("question attempt")
        verbose_name_plural = _("question attempts")

    def __str__(self):
        return f"{self.client[:8]} {self.at:%Y-%m-%d %H:%M}"


def use_hourly_allowance(client, now, per_hour):
    """Count an accepted question against the client's hourly allowance; False (and
    nothing counted) when the allowance is spent. Works across server processes: the
    count lives in the database, and the check and the insert are serialized per client
    (an advisory lock on PostgreSQL; SQLite allows one writer at a time anyway). Attempts
    older than a day are purged here."""
    since = now - datetime.timedelta(hours=1)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [client])
        # A write first: on SQLite it takes the database's write lock before the count.
        QuestionAttempt.objects.filter(at__lt=now - datetime.timedelta(days=1)).delete()
        if QuestionAttempt.objects.filter(client=client, at__gte=since).count() >= per_hour:
            return False
        QuestionAttempt.objects.create(client=client, at=now)
    return True
