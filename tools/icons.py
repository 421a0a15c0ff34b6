"""Draw the site's icons (favicon, web-manifest icons) from the brand mark in site.css.

The mark is a disc in four quarters (a CSS conic gradient from 30 degrees): the same
four colours are drawn here, so the tab icon matches the header. Run once after
changing the colours: `.venv/bin/python tools/icons.py` (writes static/icons/ and
static/favicon.ico).
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
#: The quarters of `.brand-mark` in site.css, clockwise from 30 degrees past the top.
COLOURS = ("#8a3b12", "#c58b2b", "#2f6b5a", "#284a7a")
START = 30


def disc(size: int) -> Image.Image:
    """The mark on a transparent square, drawn large and scaled down for smooth edges."""
    big = size * 8
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for i, colour in enumerate(COLOURS):
        # CSS angles start at the top; Pillow's at three o'clock: both turn clockwise.
        a = START + 90 * i - 90
        draw.pieslice((0, 0, big - 1, big - 1), a, a + 90, fill=colour)
    return image.resize((size, size), Image.LANCZOS)


def svg() -> str:
    """The mark as SVG: four quarter sectors of a circle of radius 16 around (16, 16)."""
    paths = []
    for i, colour in enumerate(COLOURS):
        a0 = math.radians(START + 90 * i - 90)
        a1 = math.radians(START + 90 * (i + 1) - 90)
        x0, y0 = 16 + 16 * math.cos(a0), 16 + 16 * math.sin(a0)
        x1, y1 = 16 + 16 * math.cos(a1), 16 + 16 * math.sin(a1)
        paths.append(
            f'<path d="M16 16L{x0:.3f} {y0:.3f}A16 16 0 0 1 {x1:.3f} {y1:.3f}Z" fill="{colour}"/>'
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' + "".join(paths) + "</svg>\n"
    )


def main() -> None:
    icons = ROOT / "static" / "icons"
    icons.mkdir(parents=True, exist_ok=True)
    (icons / "icon.svg").write_text(svg(), encoding="utf-8")
    for size in (192, 512):
        disc(size).save(icons / f"icon-{size}.png", optimize=True)
    # A maskable icon keeps its content inside the central 80% circle; the disc on paper.
    maskable = Image.new("RGBA", (512, 512), "#fbf8f3")
    maskable.alpha_composite(disc(360), (76, 76))
    maskable.save(icons / "maskable-512.png", optimize=True)
    disc(180).save(icons / "apple-touch-icon.png", optimize=True)
    disc(64).save(ROOT / "static" / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64)])


if __name__ == "__main__":
    main()
