"""The printed QR sign (一村一码) hung at each village committee office."""

from django.utils import timezone, translation

from common.pdf import render_pdf
from common.qr import qr_png_data_uri


def render_signs(villages, printed_on=None):
    """One A4 page per village, in the order given, as PDF bytes.

    Signs are always printed in Chinese: they hang in Chinese villages whatever the
    language of the person who clicked "print".
    """
    printed_on = printed_on or timezone.localdate()
    signs = [{"village": village, "qr": qr_png_data_uri(village.sign_url)} for village in villages]
    with translation.override("zh-hans"):
        return render_pdf("villages/signs.html", {"signs": signs, "printed_on": printed_on})
