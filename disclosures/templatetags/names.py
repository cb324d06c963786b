from django import template

from common.names import person_name as format_person_name

register = template.Library()


@register.filter
def person_name(user):
    """A user's name as villagers write it (韩兴和), the same on every page and poster."""
    return format_person_name(user)
