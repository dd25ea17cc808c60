"""Accepting originals: store once by SHA-256, record every upload, assign dossiers."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoso.errors import HosoError, RejectedInput
from hoso.models import Batch, Dossier, File, FileState, Upload
from ingest.detect import MEDIA_TYPES, sniff
from ingest.rasterize import Limits, probe
from storage.base import ObjectStore, original_key

_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Incoming:
    path: Path
    dossier_id: str


@dataclass(frozen=True, slots=True)
class Ingested:
    sha256: str
    filename: str
    dossier_id: str
    duplicate: bool
    page_count: int | None


def read_manifest(path: Path) -> dict[str, str]:
    """``file,dossier_id`` rows (a header row is optional) → file name or path → dossier."""
    mapping: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.reader(fh):
            if len(row) < 2 or not row[0].strip():
                continue
            if row[0].strip().lower() in {"file", "filename", "path"}:
                continue
            mapping[row[0].strip()] = row[1].strip()
    return mapping


def discover(inputs: Sequence[Path], manifest: dict[str, str] | None = None) -> list[Incoming]:
    """Files to ingest and their dossiers.

    A file given directly, or lying at the top of a given folder, is its own dossier (named
    after the file); every file inside one subfolder of a given folder belongs to the dossier
    named after that subfolder. A manifest (file name or relative path → dossier id) wins.
    """
    found: list[Incoming] = []
    for root in inputs:
        if root.is_file():
            found.append(Incoming(root, root.stem))
            continue
        if not root.is_dir():
            raise HosoError(f"no such file or folder: {root}")
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            rel = path.relative_to(root)
            dossier = rel.parts[0] if len(rel.parts) > 1 else path.stem
            found.append(Incoming(path, dossier))
    if manifest:
        found = [
            Incoming(
                i.path, manifest.get(i.path.as_posix(), manifest.get(i.path.name, i.dossier_id))
            )
            for i in found
        ]
    return found


def get_or_create_batch(session: Session, name: str) -> Batch:
    batch = session.scalar(select(Batch).where(Batch.name == name))
    if batch is None:
        batch = Batch(name=name)
        session.add(batch)
        session.flush()
    return batch


def _ensure_dossier(session: Session, dossier_id: str) -> None:
    if session.get(Dossier, dossier_id) is None:
        session.add(Dossier(id=dossier_id))
        session.flush()


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def ingest_one(
    session: Session, store: ObjectStore, batch: Batch, item: Incoming, limits: Limits
) -> Ingested:
    """Store one original (once per content) and record its upload. Never raises on bad
    content: whether a file is usable is decided, with a reason, when it is processed."""
    sha, size = _hash_file(item.path)
    _ensure_dossier(session, item.dossier_id)
    existing = session.get(File, sha)
    duplicate = existing is not None
    if existing is None:
        key = original_key(sha)
        if not store.exists(key):
            with item.path.open("rb") as fh:
                store.put_stream(key, fh, size, sha)
        with item.path.open("rb") as fh:
            head = fh.read(2048)
        kind = sniff(head)
        page_count: int | None = None
        if kind is not None:
            try:
                _, page_count = probe(item.path.read_bytes(), item.path, limits)
            except RejectedInput:
                page_count = None
        existing = File(
            sha256=sha,
            filename=item.path.name,
            size=size,
            media_type=MEDIA_TYPES.get(kind or ""),
            object_key=key,
            page_count=page_count,
            batch_id=batch.id,
            dossier_id=item.dossier_id,
            state=FileState.queued,
        )
        session.add(existing)
        session.flush()
    session.add(
        Upload(
            file_sha256=sha,
            batch_id=batch.id,
            dossier_id=item.dossier_id,
            filename=item.path.name,
            path=str(item.path),
            duplicate=duplicate,
        )
    )
    session.flush()
    return Ingested(sha, item.path.name, existing.dossier_id, duplicate, existing.page_count)


def ingest_all(
    session: Session,
    store: ObjectStore,
    batch_name: str,
    items: Iterable[Incoming],
    limits: Limits,
) -> list[Ingested]:
    """Ingest every item into the batch; one transaction per file."""
    out: list[Ingested] = []
    for item in items:
        with session.begin():
            batch = get_or_create_batch(session, batch_name)
            out.append(ingest_one(session, store, batch, item, limits))
    return out
