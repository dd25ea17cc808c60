"""Type detection, limits and rasterization of originals, good and bad."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hoso.errors import RejectedInput
from ingest import rasterize
from ingest.detect import sniff
from tests import badfiles

LIMITS = rasterize.Limits(max_pages=5, max_pixels=50_000_000, dpi=150)


def _probe(path: Path, limits: rasterize.Limits = LIMITS) -> tuple[str, int]:
    return rasterize.probe(path.read_bytes(), path, limits)


def test_sniff_uses_content_not_extension(tmp_path: Path) -> None:
    png = tmp_path / "scan.pdf"
    badfiles.text_page().save(png, "PNG")
    assert sniff(png.read_bytes()[:16]) == "png"
    assert sniff(b"%PDF-1.7\n") == "pdf"
    assert sniff(b"II*\x00rest") == "tiff"
    assert sniff(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff(b"hello") is None


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: badfiles.empty(d / "empty.pdf"), "empty file"),
        (lambda d: badfiles.truncated_pdf(d / "cut.pdf"), "corrupt or truncated PDF"),
        (lambda d: badfiles.encrypted_pdf(d / "locked.pdf", d), "encrypted PDF"),
        (lambda d: badfiles.fake_jpeg(d / "photo.jpg"), "content is text"),
        (lambda d: badfiles.png_bomb(d / "bomb.png"), "over the limit"),
        (lambda d: badfiles.pdf_pages(d / "long.pdf", 6), "6 pages is over the limit of 5"),
    ],
)
def test_bad_inputs_are_rejected_with_a_reason(tmp_path: Path, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(RejectedInput, match=reason):
        _probe(path)


def test_multipage_pdf_renders_each_page_at_dpi(tmp_path: Path) -> None:
    path = badfiles.pdf_pages(tmp_path / "three.pdf", 3)
    kind, count = _probe(path)
    assert (kind, count) == ("pdf", 3)
    pages = list(rasterize.pages(path.read_bytes(), path, kind, count, LIMITS))
    assert [p.number for p in pages] == [1, 2, 3]
    # 1240x1754 px saved at 150 dpi is A4; rendered back at 150 dpi it is the same size
    assert all(abs(p.image.shape[1] - 1240) <= 2 for p in pages)
    assert all(p.image.dtype == np.uint8 and p.image.ndim == 2 for p in pages)


def test_multipage_g4_tiff_and_exif_orientation(tmp_path: Path) -> None:
    frames = [badfiles.text_page().convert("1") for _ in range(2)]
    tif = tmp_path / "dossier.tif"
    frames[0].save(
        tif, compression="group4", save_all=True, append_images=frames[1:], dpi=(200, 200)
    )
    kind, count = _probe(tif)
    pages = list(rasterize.pages(tif.read_bytes(), tif, kind, count, LIMITS))
    assert (kind, count) == ("tiff", 2) and pages[0].dpi == 200
    assert set(np.unique(pages[0].image)) <= {0, 255}

    # A JPEG whose EXIF says "rotate 90 cw to display" comes out in display orientation.
    img = Image.new("L", (300, 100), 255)
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    jpg = tmp_path / "phone.jpg"
    jpg.write_bytes(buf.getvalue())
    kind, count = _probe(jpg)
    (page,) = rasterize.pages(jpg.read_bytes(), jpg, kind, count, LIMITS)
    assert page.image.shape == (300, 100)


def test_rgba_png_is_flattened_on_white(tmp_path: Path) -> None:
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    path = tmp_path / "clear.png"
    img.save(path)
    kind, count = _probe(path)
    (page,) = rasterize.pages(path.read_bytes(), path, kind, count, LIMITS)
    assert int(page.image.min()) == 255


def _sealed_page(mode: str) -> Image.Image:
    from PIL import ImageDraw

    page = Image.new("RGB", (1200, 1600), (236, 236, 236))
    draw = ImageDraw.Draw(page)
    draw.rectangle((100, 500, 1100, 540), fill=(20, 20, 20))  # a black line of "text"
    draw.ellipse((300, 300, 700, 700), outline=(205, 35, 45), width=14)  # a red seal
    return page.convert(mode)


@pytest.mark.parametrize("suffix", ["pdf", "jpg"])
def test_colour_scans_are_greyed_without_their_seals(tmp_path: Path, suffix: str) -> None:
    colour, grey = tmp_path / f"colour.{suffix}", tmp_path / f"grey.{suffix}"
    _sealed_page("RGB").save(colour, resolution=150, quality=95)
    _sealed_page("L").save(grey, resolution=150, quality=95)
    if suffix == "pdf":
        from ingest import poppler

        assert poppler.colour_pages(colour) == {1} and poppler.colour_pages(grey) == set()
    limits = rasterize.Limits(dpi=150, max_pages=5, max_pixels=50_000_000)
    out = {}
    for path in (colour, grey):
        data = path.read_bytes()
        kind, count = rasterize.probe(data, path, limits)
        (page,) = list(rasterize.pages(data, path, kind, count, limits))
        out[path.stem] = page.image
    h = out["colour"].shape[0] / 1600
    top = out["colour"][int(305 * h) : int(312 * h), int(480 * h) : int(520 * h)]
    black = out["colour"][int(510 * h) : int(530 * h), int(150 * h) : int(250 * h)]
    assert top.mean() > 200 and black.mean() < 60  # the seal is gone, the text is not
    grey_top = out["grey"][int(305 * h) : int(312 * h), int(480 * h) : int(520 * h)]
    assert grey_top.mean() < 150  # a grey scan has no colour to tell the seal by


def test_a_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    """Copy/edit restrictions are not a reason to reject: poppler opens the file."""
    path = badfiles.owner_password_pdf(tmp_path / "restricted.pdf", tmp_path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Encrypted:       yes" in info.stdout
    kind, count = _probe(path)
    assert (kind, count) == ("pdf", 1)
    (page,) = list(rasterize.pages(path.read_bytes(), path, kind, count, LIMITS))
    assert page.image.ndim == 2
