"""Demo data: each township's quarterly ranking (一季一晒) of the last complete quarter,
published from the demo's own facts, so the township and village pages show one."""

from django.utils import timezone

from disclosures.compliance import ranking
from disclosures.compliance.models import last_complete_quarter


def create_demo_rankings(townships, now=None):
    """Publish each township's ranking once; running it again changes nothing."""
    now = now or timezone.now()
    year, quarter = last_complete_quarter(timezone.localdate(now))
    return [ranking.publish(township, year, quarter, now=now) for township in townships]
