"""The one place that runs poppler (pdfinfo, pdftoppm), through pdf2image."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pdf2image
from pdf2image import exceptions as pdf_errors

from hoso.errors import ProcessingError, RejectedInput


@dataclass(frozen=True, slots=True)
class PdfInfo:
    pages: int
    encrypted: bool
    page_size_pt: tuple[float, float]


def info(path: Path, timeout: float = 60.0) -> PdfInfo:
    """Page count, encryption and first page size; RejectedInput for unreadable PDFs."""
    try:
        raw = pdf2image.pdfinfo_from_path(str(path), timeout=int(timeout))
    except pdf_errors.PDFInfoNotInstalledError as exc:
        raise ProcessingError("poppler is not installed (apt-get install poppler-utils)") from exc
    except pdf_errors.PDFPageCountError as exc:
        text = str(exc)
        if "Incorrect password" in text or "encrypted" in text.lower():
            raise RejectedInput("encrypted PDF: remove the password and upload again") from exc
        raise RejectedInput("corrupt or truncated PDF: poppler cannot read its pages") from exc
    except pdf_errors.PopplerNotInstalledError as exc:
        raise ProcessingError("poppler is not installed (apt-get install poppler-utils)") from exc
    except Exception as exc:  # subprocess.TimeoutExpired and poppler crashes
        raise RejectedInput(f"unreadable PDF ({type(exc).__name__})") from exc
    size = str(raw.get("Page size", "595 x 842 pts"))
    try:
        w, _, h = size.split()[:3]
        page_size = (float(w), float(h))
    except ValueError:
        page_size = (595.0, 842.0)
    encrypted = str(raw.get("Encrypted", "no")).startswith("yes")
    return PdfInfo(int(raw.get("Pages", 0)), encrypted, page_size)


def render_page(path: Path, page: int, dpi: int, timeout: float = 120.0) -> np.ndarray:
    """One page (1-based) as an 8-bit grey array at ``dpi``."""
    try:
        images = pdf2image.convert_from_path(
            str(path),
            dpi=dpi,
            first_page=page,
            last_page=page,
            grayscale=True,
            fmt="ppm",
            timeout=int(timeout),
            thread_count=1,
        )
    except pdf_errors.PDFPopplerTimeoutError as exc:
        raise ProcessingError(f"poppler ran past {timeout:.0f} s on page {page}") from exc
    except Exception as exc:
        raise RejectedInput(f"page {page} of the PDF cannot be rendered ({exc})") from exc
    if not images:
        raise RejectedInput(f"page {page} of the PDF is empty or unreadable")
    return np.asarray(images[0].convert("L"))
