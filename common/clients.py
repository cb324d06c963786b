"""The client's address, as the deployment says to find it."""

from django.conf import settings


def client_address(request):
    """REMOTE_ADDR, or behind a reverse proxy the header the deployment names
    (settings.CLIENT_ADDRESS_HEADER). Never a header nobody named: anyone can send an
    X-Forwarded-For. Of a list (X-Forwarded-For) only the last entry, the one the
    deployment's own proxy appended."""
    header = settings.CLIENT_ADDRESS_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
