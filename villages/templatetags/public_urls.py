from django import template

from common.qr import public_url as absolute

register = template.Library()


@register.filter
def public_url(path):
    """/v/371603201201/ -> the absolute address the portal is reached at (PUBLIC_BASE_URL):
    never the request's Host header, which a client chooses."""
    return absolute(path)
