"""Square picture cards drawn with Pillow: the image WeChat shows beside a shared link
(og:image, 300x300) and the favicon. A village's name on the portal's red, so that a
shared link says which village it is before anyone opens it."""

import io

from PIL import Image, ImageDraw, ImageFont

RED = (155, 24, 24)  # header.site in static/portal.css
WHITE = (255, 255, 255)
# Debian's fonts-noto-cjk (README: system packages); index 2 of the collection is SC.
FONT_PATH = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
FONT_INDEX = 2


def _font(size):
    return ImageFont.truetype(FONT_PATH, size, index=FONT_INDEX)


def _fitted(draw, text, width, largest):
    """The largest font, down to a third of `largest`, at which `text` fits `width`."""
    size = largest
    while size > largest // 3:
        font = _font(size)
        if draw.textlength(text, font=font) <= width:
            return font
        size -= 4
    return _font(size)


def card_png(title, subtitle="", size=300):
    """A size x size PNG: `title` large and centred, `subtitle` under it, white on red."""
    image = Image.new("RGB", (size, size), RED)
    draw = ImageDraw.Draw(image)
    margin = size // 10
    title_font = _fitted(draw, title, size - 2 * margin, size // 4)
    middle = size // 2 if not subtitle else size * 9 // 20
    draw.text((size / 2, middle), title, font=title_font, fill=WHITE, anchor="mm")
    if subtitle:
        sub_font = _fitted(draw, subtitle, size - 2 * margin, size // 11)
        draw.text((size / 2, size * 3 // 4), subtitle, font=sub_font, fill=WHITE, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
