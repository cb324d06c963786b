from django import template

from disclosures.money import format_yuan

register = template.Library()


@register.filter
def yuan(value):
    """6500 -> 6,500.00"""
    return format_yuan(value)
