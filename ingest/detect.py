"""What a file is, from its content (never from its name)."""

from __future__ import annotations

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "tiff": "image/tiff",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


def sniff(head: bytes) -> str | None:
    """``pdf``, ``tiff``, ``jpeg`` or ``png`` from the first bytes; None when unsupported."""
    if head.lstrip(b"\r\n\t \x00")[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    return None


def describe_unsupported(head: bytes) -> str:
    """A reason a clerk can read for content hoso does not accept."""
    if not head:
        return "empty file (0 bytes)"
    known = {
        b"PK\x03\x04": "a ZIP archive or Office document",
        b"GIF8": "a GIF image",
        b"BM": "a BMP image",
        b"RIFF": "a RIFF/WebP file",
        b"\xd0\xcf\x11\xe0": "an old Office document",
        b"{\\rtf": "an RTF document",
    }
    for magic, what in known.items():
        if head.startswith(magic):
            return f"unsupported file type: the content is {what}, not PDF, TIFF, JPEG or PNG"
    try:
        head[:512].decode("utf-8")
        return "unsupported file type: the content is text, not PDF, TIFF, JPEG or PNG"
    except UnicodeDecodeError:
        return "unsupported file type: the content is not PDF, TIFF, JPEG or PNG"
