"""Image files: check an upload, strip it of metadata, write its sizes. The only code that
imports Pillow.

An upload is decoded (its type comes from its bytes, never from its name), turned the
way its EXIF says, converted to sRGB, flattened to RGB and re-encoded: what is stored
carries no EXIF, GPS, XMP or comment of the original, and the original is not kept.
Each image is stored as JPEG files named `<key>-<variant>.jpg`: `w<width>` (responsive
sizes, never wider than the upload) and `t<width>` (4:3 thumbnails for cards and map
popups).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

#: What an upload may be (by its bytes).
FORMATS = {"JPEG", "PNG", "WEBP"}
#: Widths of the responsive sizes; the stored master is the largest that fits the upload.
WIDTHS = (320, 640, 1024, 1600, 2400)
#: Widths of the 4:3 thumbnails.
THUMBS = (320, 640)
#: The smallest upload worth showing, and the most pixels we agree to decode.
MIN_SIDE = 200
MAX_PIXELS = 40_000_000
QUALITY = 84


class ImageRefused(ValueError):
    """The upload is not an image we take; `reason` says why (a code the caller translates)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Processed:
    """What was written: the master's size and the variants' names."""

    width: int
    height: int
    variants: list[str]


def _decode(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            if probe.format not in FORMATS:
                raise ImageRefused("type")
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRefused("pixels")
            probe.verify()  # a truncated or corrupt file fails here, before decoding
            image = Image.open(io.BytesIO(data))
            image.load()
        except ImageRefused:
            raise
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ):
            raise ImageRefused("type") from None
        except (OSError, SyntaxError, ValueError):
            raise ImageRefused("broken") from None
    return image


def _srgb(image: Image.Image) -> Image.Image:
    """The picture in sRGB RGB: embedded colour profile applied, transparency on white."""
    profile = image.info.get("icc_profile")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            mode = "RGBA" if "A" in image.getbands() else "RGB"
            image = ImageCms.profileToProfile(
                image.convert(mode), source, ImageCms.createProfile("sRGB"), outputMode=mode
            )
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: show the pixels as they are
    if image.mode in ("RGBA", "LA", "P") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _save(image: Image.Image, path: Path) -> None:
    # What `process` clears from `info` (comment, EXIF…) is not written; nothing is asked for.
    image.save(path, "JPEG", quality=QUALITY, optimize=True, progressive=True)


def process(data: bytes, folder: Path, key: str) -> Processed:
    """Check `data` and write its variants as `folder/<key>-<variant>.jpg`."""
    image = _decode(data)
    image = ImageOps.exif_transpose(image)
    if min(image.size) < MIN_SIDE:
        raise ImageRefused("small")
    image = _srgb(image)
    image.info = {}  # no comment, EXIF, XMP or profile travels on to what is written
    widths = [w for w in WIDTHS if w < image.width] + [min(image.width, WIDTHS[-1])]
    folder.mkdir(parents=True, exist_ok=True)
    variants = []
    for width in sorted(set(widths)):
        height = round(image.height * width / image.width)
        _save(
            image.resize((width, height), Image.Resampling.LANCZOS), folder / f"{key}-w{width}.jpg"
        )
        variants.append(f"w{width}")
    for width in THUMBS:
        if width <= image.width or width == THUMBS[0]:
            thumb = ImageOps.fit(image, (width, width * 3 // 4), Image.Resampling.LANCZOS)
            _save(thumb, folder / f"{key}-t{width}.jpg")
            variants.append(f"t{width}")
    master = max(widths)
    return Processed(master, round(image.height * master / image.width), variants)


def remove(folder: Path, key: str) -> None:
    """Delete every file of an image."""
    for path in folder.glob(f"{key}-*.jpg"):
        path.unlink(missing_ok=True)
