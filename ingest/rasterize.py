"""Originals → page images (8-bit grey), one page at a time, within limits.

PDF pages are rendered by poppler at the configured dpi, except pages that are one
scanned image at that resolution, which are decoded as they are (``ingest.pdfimage``);
TIFF frames (1-bit G4 too), JPEG and PNG are decoded by Pillow with their EXIF
orientation honoured. Sizes are checked against the pixel limit before anything is
decoded (decompression bombs).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from hoso.errors import RejectedInput
from hoso.settings import Settings
from ingest import pdfimage, poppler
from ingest.detect import describe_unsupported, sniff
from ocr.clean import gray_without_seals


@dataclass(frozen=True, slots=True)
class Limits:
    max_pages: int
    max_pixels: int
    dpi: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.max_pages, settings.max_pixels, settings.dpi)


@dataclass(frozen=True, slots=True)
class RasterPage:
    number: int  # 1-based
    image: np.ndarray  # uint8 grey
    dpi: int | None


def probe(data: bytes, path: Path, limits: Limits) -> tuple[str, int]:
    """Kind and page count of an original, or RejectedInput with the reason."""
    kind = sniff(data[:2048])
    if kind is None:
        raise RejectedInput(describe_unsupported(data[:2048]))
    if kind == "pdf":
        # A PDF that needs a password to open is rejected by poppler.info; one with only
        # an owner password (copy or edit restrictions, common from scanner software)
        # opens and renders like any other.
        meta = poppler.info(path)
        pages = meta.pages
        w_px = meta.page_size_pt[0] / 72 * limits.dpi
        h_px = meta.page_size_pt[1] / 72 * limits.dpi
        if w_px * h_px > limits.max_pixels:
            raise RejectedInput(
                f"PDF page of {meta.page_size_pt[0]:.0f}x{meta.page_size_pt[1]:.0f} pt is over "
                f"the pixel limit at {limits.dpi} dpi"
            )
    else:
        pages = _image_frames(data, limits)
    if pages <= 0:
        raise RejectedInput("the file has no pages")
    if pages > limits.max_pages:
        raise RejectedInput(f"{pages} pages is over the limit of {limits.max_pages} per file")
    return kind, pages


def _open(data: bytes, limits: Limits) -> Image.Image:
    # Pillow's own bomb guard is tied to a global; we check size ourselves before decoding.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        saved = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None
        try:
            img = Image.open(io.BytesIO(data))
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise RejectedInput(f"corrupt or truncated image ({exc})") from exc
        finally:
            Image.MAX_IMAGE_PIXELS = saved
    return img


def _check_pixels(img: Image.Image, limits: Limits, frame: int) -> None:
    w, h = img.size
    if w * h > limits.max_pixels:
        raise RejectedInput(
            f"image of {w}x{h} pixels (frame {frame}) is over the limit of "
            f"{limits.max_pixels:,} pixels"
        )
    if w < 16 or h < 16:
        raise RejectedInput(f"image of {w}x{h} pixels is too small to hold a document")


def _image_frames(data: bytes, limits: Limits) -> int:
    img = _open(data, limits)
    count = 0
    for count, frame in enumerate(ImageSequence.Iterator(img), start=1):
        _check_pixels(frame, limits, count)
        if count > limits.max_pages:
            break
    return count


def _to_gray(img: Image.Image) -> np.ndarray:
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        top = arr.max() or 1.0
        return np.clip(arr / top * 255.0, 0, 255).astype(np.uint8)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, img.convert("RGBA"))
    if img.mode in ("L", "1", "P") and not (img.mode == "P" and _has_colour_palette(img)):
        return np.asarray(img.convert("L"))
    # Colour: red and blue seals are washed out while greying.
    return gray_without_seals(np.ascontiguousarray(np.asarray(img.convert("RGB"))[..., ::-1]))


def _has_colour_palette(img: Image.Image) -> bool:
    palette = img.getpalette() or []
    rgb = [tuple(palette[i : i + 3]) for i in range(0, len(palette), 3)]
    return any(len(set(c)) > 1 for c in rgb)


def _dpi(img: Image.Image) -> int | None:
    dpi = img.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and dpi[0]:
        return round(float(dpi[0]))
    return None


def pages(data: bytes, path: Path, kind: str, count: int, limits: Limits) -> Iterator[RasterPage]:
    """Decode the original's pages one at a time (bounded memory)."""
    if kind == "pdf":
        yield from _pdf_pages(path, count, limits)
        return
    img = _open(data, limits)
    try:
        for n, frame in enumerate(ImageSequence.Iterator(img), start=1):
            _check_pixels(frame, limits, n)
            upright = ImageOps.exif_transpose(frame) if n == 1 else frame
            try:
                gray = _to_gray(upright)
            except (OSError, ValueError) as exc:
                raise RejectedInput(f"corrupt or truncated image, page {n} ({exc})") from exc
            yield RasterPage(n, gray, _dpi(frame))
    except OSError as exc:
        raise RejectedInput(f"corrupt or truncated image ({exc})") from exc


def _pdf_pages(path: Path, count: int, limits: Limits) -> Iterator[RasterPage]:
    """A page that is one scan at the configured resolution is taken as that scan
    (``ingest.pdfimage``); any other page is rendered by poppler."""
    colour: set[int] | None = None
    with _embedded(path) as embedded:
        for n in range(1, count + 1):
            found = embedded.page_image(n, limits.dpi, limits.max_pixels) if embedded else None
            if found is not None:
                pixels, dpi = found
                image = pixels if pixels.ndim == 2 else gray_without_seals(pixels)
                yield RasterPage(n, image, dpi)
                continue
            if colour is None:
                colour = poppler.colour_pages(path)
            yield RasterPage(
                n, poppler.render_page(path, n, limits.dpi, colour=n in colour), limits.dpi
            )


@contextmanager
def _embedded(path: Path) -> Iterator[pdfimage.Embedded | None]:
    """The PDF opened for its embedded scans, or None when pikepdf cannot open it (poppler,
    which accepted it in ``probe``, renders every page then)."""
    try:
        embedded = pdfimage.Embedded(path)
    except Exception:  # any failure here only means "render with poppler"
        yield None
        return
    try:
        yield embedded
    finally:
        embedded.close()
