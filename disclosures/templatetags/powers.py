from django import template

register = template.Library()


@register.filter
def lines(text):
    """Risk points and what must be disclosed are stored one per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
