"""Re-encoding an uploaded photo so that nothing but its pixels survives.

The new file is built from the decoded pixels alone: EXIF (GPS position,
camera, date), XMP, IPTC, ICC profiles and PNG text chunks are not carried
over. The EXIF orientation is applied first, so the photo still stands the
right way up. Pillow is imported here only (cold start).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.errors import InvalidInput

if TYPE_CHECKING:
    from PIL.Image import Image as PilImage

# What Pillow detects → what we store (the declared content type is not trusted).
_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


class NotAnImage(InvalidInput):
    """The uploaded file is not a JPEG, PNG or WebP image we can read."""

    default_message = "Le fichier envoyé n'est pas une photo JPEG, PNG ou WebP lisible."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, field="photo")


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def strip_metadata(data: bytes, max_pixels: int) -> CleanImage:
    """The photo re-encoded from its pixels only, or :class:`NotAnImage`.

    Refuses anything Pillow cannot decode as JPEG, PNG or WebP, and images over
    ``max_pixels`` (decompression bombs). Animated images keep their first frame.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=list(_FORMATS)) as source:
                detected = str(source.format)
                if source.width * source.height > max_pixels:
                    raise NotAnImage("Cette photo est trop grande (trop de pixels).")
                source.seek(0)
                upright = ImageOps.exif_transpose(source)
                upright.load()
                pixels = _plain_pixels(upright)
        except NotAnImage:
            raise
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
            OSError,
            SyntaxError,
            ValueError,
            EOFError,
        ) as error:
            raise NotAnImage() from error
    # A fresh image from raw pixels: no info dict, no EXIF, no profile, no text chunk.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if detected == "JPEG":
        clean.save(out, format="JPEG", quality=90, optimize=True)
    elif detected == "PNG":
        clean.save(out, format="PNG", optimize=True)
    else:
        clean.save(out, format="WEBP", quality=90)
    content_type, extension = _FORMATS[detected]
    return CleanImage(out.getvalue(), content_type, extension, clean.width, clean.height)


def _plain_pixels(image: PilImage) -> PilImage:
    """The pixels in a mode every target format can write (palettes and odd modes → RGB/RGBA)."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        return image.convert("RGBA")
    return image.convert("RGB")
