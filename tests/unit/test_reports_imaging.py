"""Photos are re-encoded from their pixels: no EXIF, no GPS, no text chunk survives."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from chalicelib.reports.imaging import NotAnImage, strip_metadata

GPS_IFD = 0x8825
MAKE = 0x010F
ORIENTATION = 0x0112


def jpeg_with_gps(size: tuple[int, int] = (64, 48), orientation: int | None = None) -> bytes:
    """A JPEG photo with a camera make and a GPS position (Eiffel Tower) in its EXIF."""
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    exif[MAKE] = "TelephoneDeTemoin"
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 30.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_the_fixture_really_carries_gps_tags() -> None:
    exif = Image.open(io.BytesIO(jpeg_with_gps())).getexif()
    assert exif.get_ifd(GPS_IFD)[2] == (48.0, 51.0, 30.0)


def test_a_jpeg_carrying_gps_tags_comes_out_without_them() -> None:
    clean = strip_metadata(jpeg_with_gps(), max_pixels=10_000_000)
    result = Image.open(io.BytesIO(clean.data))
    assert result.format == "JPEG"
    assert clean.content_type == "image/jpeg"
    assert dict(result.getexif()) == {}
    assert result.getexif().get_ifd(GPS_IFD) == {}
    assert b"Exif" not in clean.data
    assert b"TelephoneDeTemoin" not in clean.data


def test_the_exif_orientation_is_applied_before_it_is_dropped() -> None:
    clean = strip_metadata(jpeg_with_gps((64, 48), orientation=6), max_pixels=10_000_000)
    assert (clean.width, clean.height) == (48, 64)


def test_png_text_chunks_and_icc_profiles_are_dropped() -> None:
    image = Image.new("RGBA", (20, 10), (0, 0, 255, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "48.8583,2.2945")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, icc_profile=b"fake-profile")
    clean = strip_metadata(out.getvalue(), max_pixels=10_000_000)
    result = Image.open(io.BytesIO(clean.data))
    assert result.format == "PNG" and clean.extension == "png"
    assert "Location" not in result.info and "icc_profile" not in result.info
    assert result.mode == "RGBA"


def test_webp_stays_webp() -> None:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "green").save(out, "WEBP")
    clean = strip_metadata(out.getvalue(), max_pixels=10_000_000)
    assert clean.content_type == "image/webp"


@pytest.mark.parametrize(
    "payload",
    [
        b"<html><script>alert(1)</script></html>",
        b"%PDF-1.7 not a photo",
        b"",
        jpeg_with_gps()[:200],  # truncated
    ],
)
def test_what_is_not_a_readable_photo_is_refused(payload: bytes) -> None:
    with pytest.raises(NotAnImage) as refused:
        strip_metadata(payload, max_pixels=10_000_000)
    assert refused.value.field == "photo"
    assert "JPEG, PNG ou WebP" in refused.value.message


def test_a_gif_is_refused_even_though_pillow_reads_it() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "GIF")
    with pytest.raises(NotAnImage):
        strip_metadata(out.getvalue(), max_pixels=10_000_000)


def test_a_decompression_bomb_is_refused() -> None:
    out = io.BytesIO()
    Image.new("L", (4000, 4000)).save(out, "PNG")  # tiny file, 16 million pixels
    with pytest.raises(NotAnImage):
        strip_metadata(out.getvalue(), max_pixels=1_000_000)
