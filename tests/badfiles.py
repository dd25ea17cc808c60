"""Bad inputs a scanning clerk can upload, made on the fly (nothing binary is committed)."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

from PIL import Image, ImageDraw


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(path: Path, width: int = 60000, height: int = 60000) -> Path:
    """A tiny PNG that claims an enormous size (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    data = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
    path.write_bytes(data + _png_chunk(b"IEND", b""))
    return path


def text_page(
    size: tuple[int, int] = (1240, 1754), text: str = "GIẤY KHAI ĐĂNG KÝ XE"
) -> Image.Image:
    img = Image.new("L", size, 255)
    ImageDraw.Draw(img).text((100, 100), text, fill=0)
    return img


def pdf_pages(path: Path, n: int) -> Path:
    pages = [text_page() for _ in range(n)]
    pages[0].save(path, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    return path


def truncated_pdf(path: Path) -> Path:
    buf = io.BytesIO()
    text_page().save(buf, "PDF", resolution=150)
    data = buf.getvalue()
    path.write_bytes(data[: len(data) // 3])
    return path


def _qpdf_encrypted(path: Path, tmp: Path, user: str, *restrictions: str) -> Path:
    """A one-page PDF encrypted by qpdf (Debian's package) with ``user`` as the password
    needed to open it ("" for none), owner password "owner" and ``restrictions``."""
    plain = pdf_pages(tmp / f"plain-for-{path.stem}.pdf", 1)
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        raise RuntimeError("qpdf is needed to make an encrypted PDF: apt-get install qpdf")
    cmd = [qpdf, "--encrypt", user, "owner", "256", *restrictions, "--", str(plain), str(path)]
    subprocess.run(cmd, check=True)
    plain.unlink()
    return path


def encrypted_pdf(path: Path, tmp: Path) -> Path:
    """A PDF with a user password."""
    return _qpdf_encrypted(path, tmp, "secret")


def owner_password_pdf(path: Path, tmp: Path) -> Path:
    """A PDF anyone can open, with an owner password restricting copy and edit."""
    return _qpdf_encrypted(path, tmp, "", "--extract=n", "--modify=none")


def fake_jpeg(path: Path) -> Path:
    path.write_text("Danh sách hồ sơ: this is a text file named like a photo\n", "utf-8")
    return path


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path
