"""Small illustrative pictures for the demo data, drawn with Pillow (no files to ship, no network).

Each picture is a flat background, a simple shape hinting at the kind of object and a caption.
They are deliberately small (JPEG, a few kB) so that generating a few hundred takes seconds.
"""

import io
import textwrap
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from cms.colours import contrast_ratio, hex_to_rgb, relative_luminance  # noqa: F401 (re-exported)

FONT_FILES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "DejaVuSans-Bold.ttf",
]

ITEM_SIZE = (480, 360)
LOGO_SIZE = (240, 240)
BANNER_SIZE = (1200, 300)


@lru_cache(maxsize=16)
def font(size: int):
    """DejaVu when the system has it (complete French glyphs), otherwise Pillow's bundled font."""
    for path in FONT_FILES:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def shade(colour: str, factor: float) -> tuple[int, int, int]:
    """Darker (factor < 1) or lighter (factor > 1, towards white) variant of a colour."""
    rgb = hex_to_rgb(colour)
    if factor <= 1:
        return tuple(int(c * factor) for c in rgb)
    return tuple(int(c + (255 - c) * (factor - 1)) for c in rgb)


def text_colour_on(background: str) -> tuple[int, int, int]:
    return (
        (255, 255, 255)
        if contrast_ratio(background, "#ffffff") >= contrast_ratio(background, "#1d1d1b")
        else (29, 29, 27)
    )


def to_jpeg(image: Image.Image, quality: int = 80) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


# Shapes, drawn in a 200 × 160 box whose top-left corner is (x, y).


def _chair(d, x, y, fill, line):
    d.rectangle([x + 60, y, x + 72, y + 150], fill=fill, outline=line, width=3)  # back leg and back
    d.rectangle([x + 60, y + 10, x + 130, y + 22], fill=fill, outline=line, width=3)
    d.rectangle([x + 60, y + 80, x + 145, y + 94], fill=fill, outline=line, width=3)  # seat
    d.rectangle([x + 133, y + 94, x + 145, y + 150], fill=fill, outline=line, width=3)


def _table(d, x, y, fill, line):
    d.rectangle([x + 10, y + 50, x + 190, y + 66], fill=fill, outline=line, width=3)
    for lx in (x + 22, x + 166):
        d.rectangle([lx, y + 66, lx + 12, y + 150], fill=fill, outline=line, width=3)


def _sofa(d, x, y, fill, line):
    d.rounded_rectangle([x + 10, y + 30, x + 190, y + 100], radius=18, fill=fill, outline=line, width=3)
    d.rounded_rectangle([x, y + 70, x + 200, y + 130], radius=18, fill=fill, outline=line, width=3)
    d.rectangle([x + 15, y + 130, x + 27, y + 150], fill=line)
    d.rectangle([x + 173, y + 130, x + 185, y + 150], fill=line)


def _wardrobe(d, x, y, fill, line):
    d.rectangle([x + 45, y, x + 155, y + 155], fill=fill, outline=line, width=3)
    d.line([x + 100, y, x + 100, y + 155], fill=line, width=3)
    d.ellipse([x + 88, y + 70, x + 96, y + 78], fill=line)
    d.ellipse([x + 104, y + 70, x + 112, y + 78], fill=line)


def _jeans(d, x, y, fill, line):
    d.polygon(
        [
            (x + 55, y),
            (x + 145, y),
            (x + 160, y + 155),
            (x + 115, y + 155),
            (x + 100, y + 55),
            (x + 85, y + 155),
            (x + 40, y + 155),
        ],
        fill=fill,
        outline=line,
    )
    d.line([x + 55, y + 16, x + 145, y + 16], fill=line, width=3)


def _tshirt(d, x, y, fill, line):
    d.polygon(
        [
            (x + 70, y + 5),
            (x + 130, y + 5),
            (x + 195, y + 40),
            (x + 175, y + 75),
            (x + 150, y + 62),
            (x + 150, y + 155),
            (x + 50, y + 155),
            (x + 50, y + 62),
            (x + 25, y + 75),
            (x + 5, y + 40),
        ],
        fill=fill,
        outline=line,
    )
    d.arc([x + 80, y - 15, x + 120, y + 25], 0, 180, fill=line, width=3)


def _shoe(d, x, y, fill, line):
    d.polygon(
        [
            (x + 20, y + 50),
            (x + 75, y + 50),
            (x + 95, y + 85),
            (x + 180, y + 105),
            (x + 190, y + 130),
            (x + 15, y + 130),
        ],
        fill=fill,
        outline=line,
    )
    d.rectangle([x + 15, y + 130, x + 190, y + 142], fill=line)


def _washer(d, x, y, fill, line):
    d.rectangle([x + 35, y, x + 165, y + 155], fill=fill, outline=line, width=3)
    d.line([x + 35, y + 30, x + 165, y + 30], fill=line, width=3)
    d.ellipse([x + 55, y + 45, x + 145, y + 135], outline=line, width=6)
    d.ellipse([x + 140, y + 10, x + 154, y + 24], fill=line)


def _fridge(d, x, y, fill, line):
    d.rounded_rectangle([x + 55, y - 10, x + 145, y + 160], radius=8, fill=fill, outline=line, width=3)
    d.line([x + 55, y + 45, x + 145, y + 45], fill=line, width=3)
    d.rectangle([x + 130, y + 10, x + 136, y + 35], fill=line)
    d.rectangle([x + 130, y + 60, x + 136, y + 100], fill=line)


def _microwave(d, x, y, fill, line):
    d.rounded_rectangle([x + 5, y + 30, x + 195, y + 140], radius=8, fill=fill, outline=line, width=3)
    d.rectangle([x + 20, y + 45, x + 140, y + 125], outline=line, width=4)
    for row in range(3):
        d.ellipse([x + 160, y + 50 + row * 25, x + 176, y + 66 + row * 25], fill=line)


def _laptop(d, x, y, fill, line):
    d.rectangle([x + 35, y + 10, x + 165, y + 105], fill=fill, outline=line, width=4)
    d.rectangle([x + 47, y + 22, x + 153, y + 93], fill=line)
    d.polygon([(x + 35, y + 110), (x + 165, y + 110), (x + 195, y + 145), (x + 5, y + 145)], fill=fill, outline=line)


def _smartphone(d, x, y, fill, line):
    d.rounded_rectangle([x + 65, y - 10, x + 135, y + 160], radius=12, fill=line)
    d.rectangle([x + 72, y + 8, x + 128, y + 135], fill=fill)
    d.ellipse([x + 94, y + 142, x + 106, y + 154], fill=fill)


def _box(d, x, y, fill, line):
    d.rectangle([x + 30, y + 30, x + 170, y + 150], fill=fill, outline=line, width=3)
    d.polygon([(x + 30, y + 30), (x + 60, y), (x + 200, y), (x + 170, y + 30)], fill=fill, outline=line)


SHAPES = {
    "chair": _chair,
    "table": _table,
    "sofa": _sofa,
    "wardrobe": _wardrobe,
    "jeans": _jeans,
    "tshirt": _tshirt,
    "shoe": _shoe,
    "washer": _washer,
    "fridge": _fridge,
    "microwave": _microwave,
    "laptop": _laptop,
    "smartphone": _smartphone,
    "box": _box,
}


def _caption(draw, text, *, box, size, fill, max_lines=2):
    left, top, right, bottom = box
    width_chars = max(8, int((right - left) / (size * 0.62)))
    lines = textwrap.wrap(text, width=width_chars)[:max_lines]
    typeface = font(size)
    line_height = size + 6
    y = top + (bottom - top - line_height * len(lines)) // 2
    for line in lines:
        text_width = draw.textlength(line, font=typeface)
        draw.text((left + (right - left - text_width) / 2, y), line, font=typeface, fill=fill)
        y += line_height


def item_picture(*, title: str, background: str, object_colour: str, shape: str) -> bytes:
    """A 480 × 360 JPEG: the object's silhouette on its family's background, captioned with its name."""
    image = Image.new("RGB", ITEM_SIZE, shade(background, 1.0))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 270, ITEM_SIZE[0], ITEM_SIZE[1]], fill=shade(background, 0.55))
    SHAPES.get(shape, _box)(draw, 140, 50, hex_to_rgb(object_colour), shade(object_colour, 0.45))
    _caption(draw, title, box=(12, 272, ITEM_SIZE[0] - 12, ITEM_SIZE[1] - 4), size=22, fill=(255, 255, 255))
    return to_jpeg(image)


def logo_picture(*, initials: str, primary: str, secondary: str) -> bytes:
    """A round badge with the shop's initials, on a transparent-looking secondary background."""
    image = Image.new("RGB", LOGO_SIZE, hex_to_rgb(secondary))
    draw = ImageDraw.Draw(image)
    draw.ellipse([10, 10, LOGO_SIZE[0] - 10, LOGO_SIZE[1] - 10], fill=hex_to_rgb(primary))
    draw.ellipse([26, 26, LOGO_SIZE[0] - 26, LOGO_SIZE[1] - 26], outline=hex_to_rgb(secondary), width=4)
    _caption(
        draw,
        initials,
        box=(30, 30, LOGO_SIZE[0] - 30, LOGO_SIZE[1] - 30),
        size=72,
        fill=text_colour_on(primary),
        max_lines=1,
    )
    return to_jpeg(image, quality=88)


def banner_picture(*, title: str, subtitle: str, primary: str, secondary: str) -> bytes:
    """A 1200 × 300 JPEG: bands of the shop's colours with its name and city."""
    image = Image.new("RGB", BANNER_SIZE, hex_to_rgb(secondary))
    draw = ImageDraw.Draw(image)
    for i, factor in enumerate((0.95, 0.9, 0.85)):
        offset = 760 + i * 150
        draw.polygon(
            [(offset, 0), (offset + 140, 0), (offset + 40, 300), (offset - 100, 300)], fill=shade(secondary, factor)
        )
    draw.rectangle([0, 250, BANNER_SIZE[0], BANNER_SIZE[1]], fill=hex_to_rgb(primary))
    _caption(draw, title, box=(40, 70, 760, 170), size=48, fill=hex_to_rgb(primary), max_lines=2)
    _caption(draw, subtitle, box=(40, 252, 760, 298), size=26, fill=text_colour_on(primary), max_lines=1)
    return to_jpeg(image, quality=82)
