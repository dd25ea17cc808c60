"""The data model (SQLAlchemy 2).

batch (one upload) ─┐
                    ├─ upload (a name the bytes arrived under) ─ file (original, SHA-256)
dossier ────────────┘                                            ├─ page (upright image, words)
                                                                 └─ document (pages of one type)
                                                                      ├─ field (+ field_history)
                                                                      └─ check (findings)

reference_import ─┬─ registry_vehicle (vehicle registry snapshot, keyed by registry_id;
                  │                    rows absent from a later snapshot are marked withdrawn)
                  └─ population_person (population extract, keyed by ID number)

Field values keep their origin and an append-only history; reprocessing never overwrites
a reviewer's value. Statuses are explicit enums.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def _key(length: int) -> String:
    """A lookup key column (normalized ASCII letters, digits and separators): on PostgreSQL
    in the "C" collation, so that its index is built by byte comparison. Equality is the
    same in every deterministic collation, and for such keys so is the order."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class FileState(enum.StrEnum):
    queued = "queued"
    processing = "processing"
    done = "done"
    rejected = "rejected"
    failed = "failed"


class DocStatus(enum.StrEnum):
    queued = "queued"
    processing = "processing"
    extracted = "extracted"
    needs_review = "needs_review"
    verified = "verified"
    rejected = "rejected"
    failed = "failed"


class Origin(enum.StrEnum):
    ocr = "ocr"
    reviewer = "reviewer"
    registry = "registry"


class Severity(enum.StrEnum):
    info = "info"
    warning = "warning"
    error = "error"


class CheckState(enum.StrEnum):
    open = "open"
    resolved = "resolved"


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=16, validate_strings=True)


class Batch(Base):
    __tablename__ = "batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Dossier(Base):
    __tablename__ = "dossier"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class File(Base):
    """One original, content-addressed. Its first upload fixes batch and dossier."""

    __tablename__ = "file"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str | None] = mapped_column(String(100))
    object_key: Mapped[str] = mapped_column(String(300))
    page_count: Mapped[int | None] = mapped_column(Integer)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), index=True)
    state: Mapped[FileState] = mapped_column(_enum(FileState), default=FileState.queued, index=True)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    uploads: Mapped[list[Upload]] = relationship(back_populates="file", order_by="Upload.id")
    documents: Mapped[list[Document]] = relationship(
        back_populates="file", order_by="Document.page_start"
    )


class Upload(Base):
    """One arrival of a file under a name (duplicates are recorded, not stored twice)."""

    __tablename__ = "upload"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("file.sha256"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"))
    filename: Mapped[str] = mapped_column(String(500))
    path: Mapped[str | None] = mapped_column(Text)
    duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    file: Mapped[File] = relationship(back_populates="uploads")


class PageRow(Base):
    """A page of a file, as made upright; the image and OCR words live in the object store."""

    __tablename__ = "page"
    file_sha256: Mapped[str] = mapped_column(ForeignKey("file.sha256"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    rotation_deg: Mapped[int] = mapped_column(Integer, default=0)
    skew_deg: Mapped[float] = mapped_column(Float, default=0.0)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    dpi: Mapped[int | None] = mapped_column(Integer)
    image_key: Mapped[str] = mapped_column(String(300))
    words_key: Mapped[str] = mapped_column(String(300))
    doc_type: Mapped[str] = mapped_column(String(40))
    doc_type_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    mean_word_confidence: Mapped[float | None] = mapped_column(Float)


class Document(Base):
    __tablename__ = "document"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("file.sha256"), index=True)
    page_start: Mapped[int | None] = mapped_column(Integer)
    page_end: Mapped[int | None] = mapped_column(Integer)
    doc_type: Mapped[str] = mapped_column(String(40), index=True)
    doc_type_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[DocStatus] = mapped_column(_enum(DocStatus), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    versions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    file: Mapped[File] = relationship(back_populates="documents")
    fields: Mapped[list[FieldRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="FieldRow.position"
    )
    checks: Mapped[list[Check]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Check.id"
    )


class FieldRow(Base):
    __tablename__ = "field"
    document_id: Mapped[str] = mapped_column(ForeignKey("document.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[str | None] = mapped_column(Text)
    # What the reviewer sees and the threshold applies to: the extraction's confidence,
    # raised or lowered by the other documents of the dossier (crosscheck.dossier).
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    # The extraction's own confidence (None in rows written before migration 0004: same
    # as ``confidence``).
    extracted_confidence: Mapped[float | None] = mapped_column(Float)
    page: Mapped[int | None] = mapped_column(Integer)
    bbox: Mapped[list[Any] | None] = mapped_column()
    origin: Mapped[Origin] = mapped_column(_enum(Origin), default=Origin.ocr)
    valid: Mapped[bool | None] = mapped_column(Boolean)
    problems: Mapped[list[Any]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Where the dossier's value replaced the extraction's own reading (crosscheck.dossier
    # fills): {"value": own value, "valid": own validity, "source": document id the value
    # was taken from}; None where ``value`` is the extraction's own.
    replaced: Mapped[dict[str, Any] | None] = mapped_column()
    document: Mapped[Document] = relationship(back_populates="fields")

    @property
    def own_confidence(self) -> float:
        """The extraction's confidence, before the dossier's evidence moved it."""
        return self.confidence if self.extracted_confidence is None else self.extracted_confidence

    @property
    def own_value(self) -> str | None:
        """The extraction's value, before the dossier's value replaced it."""
        return self.value if self.replaced is None else self.replaced.get("value")

    @property
    def own_valid(self) -> bool | None:
        """The validators' verdict on the extraction's own value."""
        return self.valid if self.replaced is None else self.replaced.get("valid")


class FieldHistory(Base):
    """Append-only: every change of a field's value, who made it and when."""

    __tablename__ = "field_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("document.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    old_origin: Mapped[str | None] = mapped_column(String(16))
    new_origin: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Check(Base):
    """A finding attached to a document: a failed validation or a cross-check result."""

    __tablename__ = "check_result"
    __table_args__ = (UniqueConstraint("document_id", "rule", "fields_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("document.id"), index=True)
    rule: Mapped[str] = mapped_column(String(60))
    severity: Mapped[Severity] = mapped_column(_enum(Severity))
    message: Mapped[str] = mapped_column(Text)
    fields: Mapped[list[Any]] = mapped_column(default=list)
    fields_key: Mapped[str] = mapped_column(String(300), default="")
    paper_value: Mapped[str | None] = mapped_column(Text)
    reference_value: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[CheckState] = mapped_column(_enum(CheckState), default=CheckState.open)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The import the reference value came from (cross-check findings only).
    reference_import_id: Mapped[int | None] = mapped_column(ForeignKey("reference_import.id"))
    document: Mapped[Document] = relationship(back_populates="checks")


class ReferenceImport(Base):
    """One import of a reference file (registry snapshot or population extract)."""

    __tablename__ = "reference_import"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # 'registry' | 'population'
    filename: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    # A full registry snapshot: rows it does not list were marked withdrawn (how many).
    snapshot: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    withdrawn: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RegistryVehicle(Base):
    """A registered vehicle as the registry knows it. Plates are not unique.

    ``*_key`` columns are the exact normalized lookup keys (``crosscheck.keys``).
    """

    __tablename__ = "registry_vehicle"
    registry_id: Mapped[str] = mapped_column(_key(100), primary_key=True)
    plate_number: Mapped[str | None] = mapped_column(String(40))
    plate_key: Mapped[str | None] = mapped_column(_key(40), index=True)
    chassis_number: Mapped[str | None] = mapped_column(String(60))
    chassis_key: Mapped[str | None] = mapped_column(_key(60), index=True)
    engine_number: Mapped[str | None] = mapped_column(String(120))
    engine_key: Mapped[str | None] = mapped_column(_key(120), index=True)
    brand: Mapped[str | None] = mapped_column(String(100))
    model_code: Mapped[str | None] = mapped_column(String(100))
    vehicle_type: Mapped[str | None] = mapped_column(String(100))
    color: Mapped[str | None] = mapped_column(String(60))
    manufacture_year: Mapped[int | None] = mapped_column(Integer)
    seats: Mapped[int | None] = mapped_column(Integer)
    engine_capacity_cc: Mapped[int | None] = mapped_column(Integer)
    owner_name: Mapped[str | None] = mapped_column(String(200))
    owner_id_number: Mapped[str | None] = mapped_column(String(40))
    owner_id_key: Mapped[str | None] = mapped_column(_key(40), index=True)
    owner_address: Mapped[str | None] = mapped_column(Text)
    registration_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(40))
    # The import that last listed the row (where it was last seen).
    import_id: Mapped[int] = mapped_column(ForeignKey("reference_import.id"), index=True)
    # The first snapshot import that no longer listed it; None while it is listed.
    withdrawn_import_id: Mapped[int | None] = mapped_column(ForeignKey("reference_import.id"))


class PopulationPerson(Base):
    """A person in the population extract, keyed by ID number (số định danh)."""

    __tablename__ = "population_person"
    id_number: Mapped[str] = mapped_column(_key(20), primary_key=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    name_key: Mapped[str | None] = mapped_column(_key(200), index=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(8))
    place_of_residence: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int] = mapped_column(ForeignKey("reference_import.id"), index=True)
