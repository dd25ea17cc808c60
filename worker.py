"""Composition root and job functions.

``process_file(sha256)`` is the unit of work, the same importable function whether it
runs in the embedded in-process pool (``hoso run``) or in an RQ worker in production.
It reads like the pipeline: fetch → rasterize → upright/deskew → clean → OCR →
classify → extract → validate → persist.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

import hoso
from extract import calibration, classify, fields
from hoso import db, persist
from hoso.errors import (
    HosoError,
    NotFound,
    OcrTimeout,
    ProcessingError,
    RejectedInput,
    StorageError,
)
from hoso.models import File, FileState, PageRow
from hoso.settings import Settings, load
from ingest import rasterize
from ocr import clean, corrections, orient, recover, tesseract
from ocr.engine import Engine as OcrEngine
from ocr.engine import open_engine
from ocr.model import Page
from ocr.reread import StripReader
from storage import open_store
from storage.base import (
    ObjectStore,
    page_image_key,
    page_reading_key,
    page_words_key,
    sha256_hex,
)

log = logging.getLogger("hoso.worker")

MAX_ATTEMPTS = 3
# Failures worth another attempt: a busy machine, a store or database hiccup.
TRANSIENT: tuple[type[BaseException], ...] = (OcrTimeout, StorageError, OperationalError)


@dataclass(frozen=True)
class Context:
    """Everything a job needs, built once per process from settings."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    store: ObjectStore
    #: Tesseract, as ``HOSO_OCR_ENGINE`` selects; the ``api`` one keeps its models loaded
    #: in this process from the first page on.
    ocr: OcrEngine


_context: Context | None = None


def build_context(settings: Settings, *, migrate: bool = True) -> Context:
    engine = db.make_engine(settings.database_url)
    if migrate:
        db.create_schema(engine)
    return Context(
        settings,
        engine,
        db.session_factory(engine),
        open_store(settings),
        open_engine(settings.ocr_engine),
    )


def _after_fork_in_child() -> None:
    # RQ forks a work-horse per job: pooled connections must not be shared with the parent.
    if _context is not None:
        _context.engine.dispose(close=False)


def init_process(settings: Settings | None = None) -> None:
    """Per worker process: one OCR thread per process (parallelism comes from processes)."""
    global _context
    os.environ["OMP_THREAD_LIMIT"] = "1"
    cv2.setNumThreads(1)
    _context = build_context(settings or load(), migrate=False)
    os.register_at_fork(after_in_child=_after_fork_in_child)


def load_models(ctx: Context) -> None:
    """Load every Tesseract model a job uses into ``ctx.ocr`` now (whole page, strips, OSD).

    For the RQ worker, which forks a work-horse per job: the horses inherit the loaded
    models instead of loading them again for every file.
    """
    s = ctx.settings
    ctx.ocr.load(s.ocr_lang, PAGE_PSM)
    ctx.ocr.load(s.ocr_lang, 6)
    if s.ocr_latin_lang:
        ctx.ocr.load(s.ocr_latin_lang, 6)
    if s.ocr_witness_lang and tesseract.installed(s.ocr_witness_lang):
        ctx.ocr.load(s.ocr_witness_lang, PAGE_PSM)
        ctx.ocr.load(s.ocr_witness_lang, 6)
    ctx.ocr.load("osd", 0)


def context() -> Context:
    if _context is None:
        init_process()
    assert _context is not None
    return _context


def versions(settings: Settings, ocr: OcrEngine) -> dict[str, str]:
    """What produced a document's values: the Tesseract version is the one ``ocr`` runs
    (the in-process library's, or the program's)."""
    langs = settings.ocr_lang.split("+") + (
        settings.ocr_latin_lang.split("+") if settings.ocr_latin_lang else []
    )
    witness = settings.ocr_witness_lang
    if witness and tesseract.installed(witness):
        langs += witness.split("+")
    out = {
        "hoso": hoso.__version__,
        "tesseract": ocr.version(),
        "ocr_engine": ocr.name,
        "calibration": calibration.version(),
    }
    for lang in langs:
        out[f"traineddata_{lang}"] = tesseract.traineddata_sha256(lang)[:16]
    return out


# -- stages -----------------------------------------------------------------------------


def fetch(store: ObjectStore, file: File) -> bytes:
    data = store.get(file.object_key)
    if sha256_hex(data) != file.sha256:
        raise ProcessingError(f"stored original {file.object_key} does not match its SHA-256")
    return data


def prepare_page(raster: rasterize.RasterPage, ocr: OcrEngine) -> orient.Upright:
    """Turn upright, deskew, then clean what measurably helps OCR."""
    gray = clean.to_gray(raster.image)
    up = orient.upright(gray, ocr)
    return orient.Upright(
        clean.clean_for_ocr(up.image), up.rotation_deg, up.skew_deg, up.rotation_confidence
    )


#: A page read with a mean word confidence under this may be upside down (the geometric and
#: OSD orientation cues fail on some photos and noisy scans): it is read turned by half a
#: turn as well, and the reading that Tesseract is surer of is kept.
RECHECK_BELOW = 0.55
#: How much surer the half-turned reading must be to replace the first.
RECHECK_MARGIN = 0.1


#: A reading of fewer words than this is no reading of a document: its mean confidence
#: says nothing (a faint certificate turned upside down read as one quote mark at 0.69,
#: and was never tried the other way up).
MIN_READ_WORDS = 10


def _mean_confidence(page: Page) -> float:
    confs = [w.confidence for w in page.words]
    return float(np.mean(confs)) if confs else 0.0


def _reading_confidence(page: Page) -> float:
    """Mean word confidence of a reading of a page; 0 for one of too few words
    (:data:`MIN_READ_WORDS`)."""
    words = [w for w in page.words if w.text.strip()]
    return _mean_confidence(page) if len(words) >= MIN_READ_WORDS else 0.0


def recognize_upright(
    up: orient.Upright, number: int, dpi: int | None, settings: Settings, ocr: OcrEngine
) -> tuple[orient.Upright, Page]:
    """OCR of the upright page; a half turn is tried when the reading looks like garbage,
    and a flattened copy when no document is recognised in it."""
    page = recognize(up.image, number, dpi, settings, ocr)
    first = _reading_confidence(page)
    if first < RECHECK_BELOW:
        turned = np.ascontiguousarray(np.rot90(up.image, 2))
        again = recognize(turned, number, dpi, settings, ocr)
        if _reading_confidence(again) >= first + RECHECK_MARGIN:
            log.info(
                "page %s read upside down (confidence %.2f); kept the half turn", number, first
            )
            rotation = (up.rotation_deg + 180) % 360
            up, page = orient.Upright(turned, rotation, up.skew_deg, up.rotation_confidence), again
    return _reread_unrecognised(up, page, dpi, settings, ocr)


def _document_evidence(page: Page) -> float:
    """How strongly the page reads as some document type (``classify.page_evidence``)."""
    return max((e.score for e in classify.page_evidence(page).values()), default=0.0)


def _reread_unrecognised(
    up: orient.Upright, page: Page, dpi: int | None, settings: Settings, ocr: OcrEngine
) -> tuple[orient.Upright, Page]:
    """A page in which no document type was recognised is read again flattened
    (``clean.flatten``: faint text on grey paper, a dark margin, uneven light); the reading
    with the stronger document evidence is kept, with the image it was read from. One that
    still reads as garbage with no document in it is tried on its side
    (:func:`_read_on_its_side`)."""
    if classify.classify_page(page)[0] != classify.UNKNOWN:
        return up, page
    flat = clean.flatten(up.image)
    again = recognize(flat, page.number, dpi, settings, ocr)
    if _document_evidence(again) > _document_evidence(page):
        log.info("page %s: no document recognised; kept its flattened reading", page.number)
        up = orient.Upright(flat, up.rotation_deg, up.skew_deg, up.rotation_confidence)
        page = again
        if classify.classify_page(page)[0] != classify.UNKNOWN:
            return up, page
    if _reading_confidence(page) >= RECHECK_BELOW:
        return up, page
    return _read_on_its_side(up, page, dpi, settings, ocr)


def _read_on_its_side(
    up: orient.Upright, page: Page, dpi: int | None, settings: Settings, ocr: OcrEngine
) -> tuple[orient.Upright, Page]:
    """A page read as garbage in which no document was recognised may lie on its side: a
    portrait form scanned landscape, so faint or skewed that its line direction was
    missed. It is read turned a quarter each way, and by half a turn (a faint page's
    half turn, read unflattened, may have stayed as garbage as the page read upside
    down); a reading in which a document type is recognised is kept, with its image
    (flattened, as such a page is faint)."""
    best, evidence = (up, page), _document_evidence(page)
    for turn in (90, 270, 180):
        side = orient.turned(up, turn)
        side = orient.Upright(
            clean.flatten(side.image), side.rotation_deg, side.skew_deg, side.rotation_confidence
        )
        again = recognize(side.image, page.number, dpi, settings, ocr)
        score = _document_evidence(again)
        if classify.classify_page(again)[0] != classify.UNKNOWN and score > evidence:
            best, evidence = (side, again), score
    if best[0] is not up:
        log.info("page %s: read turned by %d degrees", page.number, best[0].rotation_deg)
    return best


#: Tesseract's page segmentation for the pipeline's whole-page reading: 11, sparse text
#: (every text line on its own, no blocks or columns). Forms are labels and values
#: scattered over the page, and the extractor rebuilds rows from the word boxes; with the
#: default block analysis (3) Tesseract dropped the small labels of whole form columns
#: on photographed pages (photo fields 84.5 % → 87.6 % on the tuning set, clean unchanged,
#: the same CPU time; ``docs/accuracy.md``). ``hoso ocr`` keeps 3 for reading order.
PAGE_PSM = 11


def recognize(
    image: np.ndarray,
    number: int,
    dpi: int | None,
    settings: Settings,
    ocr: OcrEngine,
    lang: str | None = None,
) -> Page:
    """Whole-page OCR, then the text lines its layout analysis skipped (``ocr.recover``);
    full stops the image does not have are dropped, and those it has after an abbreviation
    restored (``ocr.periods``); a code's final 1 that the image shows as a dotted i is read
    as i (``ocr.dotted``). ``lang``: another model than ``settings.ocr_lang``."""
    lang = lang or settings.ocr_lang
    page = tesseract.ocr_page(
        image,
        number,
        lang=lang,
        psm=PAGE_PSM,
        dpi=dpi or settings.dpi,
        timeout=settings.ocr_timeout_s,
        engine=ocr,
    )
    page = recover.recover(
        image,
        page,
        lang=lang,
        dpi=dpi or settings.dpi,
        timeout=settings.ocr_timeout_s,
        engine=ocr,
    )
    return corrections.correct(image, page)


#: Fast zlib level with one fixed row filter ("up"): libpng's default tries every filter on
#: every row, which is most of the encoding time. Measured on a cleaned 300 dpi A4 page:
#: 60 ms instead of 190 ms, 0.29 MB instead of 0.28 MB, decoded as fast. OpenCV builds
#: without the filter flag (before 4.11) keep libpng's choice.
PNG_PARAMS: list[int] = [cv2.IMWRITE_PNG_COMPRESSION, 1]
if hasattr(cv2, "IMWRITE_PNG_FILTER"):
    PNG_PARAMS += [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_UP]


def encode_png(image: np.ndarray) -> bytes:
    """The stored form of an upright page image (lossless)."""
    ok, png = cv2.imencode(".png", image, PNG_PARAMS)
    if not ok:
        raise ProcessingError("could not encode a page image")
    return png.tobytes()


def put_words(store: ObjectStore, key: str, page: Page) -> None:
    """Store a page's reading (its words, as JSON) under ``key``."""
    store.put(key, json.dumps(page.to_dict(), ensure_ascii=False).encode(), "application/json")


def get_words(store: ObjectStore, key: str) -> Page:
    """A page's reading stored by :func:`put_words`."""
    return Page.from_dict(json.loads(store.get(key)))


def store_page(store: ObjectStore, sha: str, image: np.ndarray, page: Page) -> tuple[str, str]:
    png = encode_png(image)
    image_key, words_key = page_image_key(sha, page.number), page_words_key(sha, page.number)
    store.put(image_key, png, "image/png")
    put_words(store, words_key, page)
    return image_key, words_key


def load_page(store: ObjectStore, sha: str, number: int) -> np.ndarray | None:
    """The stored upright image of a page."""
    data = np.frombuffer(store.get(page_image_key(sha, number)), dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return None if image is None else np.asarray(image)


#: Upright page images a job keeps in memory for its second readings, in bytes: a file's
#: first pages up to this (22 grey A4 pages at 300 dpi) are not decoded back from the store
#: (26 ms a page, 2 % of a page's time), the rest of a long file is. Bounds a worker's
#: memory whatever the file's length.
KEEP_PAGE_BYTES = 192 * 2**20


@dataclass
class KeptPages:
    """The upright images of a file's pages while its job runs: the first ones in memory
    up to ``budget`` bytes, the others read back from the store when asked for."""

    store: ObjectStore
    sha256: str
    budget: int = KEEP_PAGE_BYTES
    images: dict[int, np.ndarray] = field(default_factory=dict)
    held: int = 0

    def keep(self, number: int, image: np.ndarray) -> None:
        if self.held + image.nbytes <= self.budget:
            self.images[number] = image
            self.held += image.nbytes

    def __call__(self, number: int) -> np.ndarray | None:
        kept = self.images.get(number)
        return kept if kept is not None else load_page(self.store, self.sha256, number)


def extract_spans(
    pages: list[Page], reader: StripReader | None = None, calibrated: bool = True
) -> list[tuple[classify.Span, dict[str, fields.ExtractedField]]]:
    """Classify pages, group them into documents and extract each document's fields.

    With a ``reader``, extraction runs twice: the first pass records which value boxes to
    read again, the reader reads them (one Tesseract call per page and model) and the second pass
    lets the readings vote.
    """
    return _extract(pages, [classify.classify_page(p) for p in pages], reader, calibrated)


def _extract(
    pages: list[Page],
    labels: list[tuple[str, float]],
    reader: StripReader | None,
    calibrated: bool,
    only: Callable[[classify.Span], bool] | None = None,
) -> list[tuple[classify.Span, dict[str, fields.ExtractedField]]]:
    spans = classify.split_documents(labels)
    if only is not None:
        spans = [span for span in spans if only(span)]
    again = second_readings(pages, reader, doubtful_pages(pages, spans) if reader else set())

    def extract(span: classify.Span, done: bool) -> dict[str, fields.ExtractedField]:
        own = pages[span.page_start - 1 : span.page_end]
        second = [again[p.number] for p in own if p.number in again]
        return fields.extract_fields(span.doc_type, own, reader, calibrated and done, second)

    if reader is not None:
        for span in spans:
            extract(span, False)  # records the boxes to read again
        reader.read()
    return [(span, extract(span, True)) for span in spans]


#: A page whose words Tesseract read with a mean confidence under this (damaged, grey,
#: stamped, folded pages: on the tuning sets about half of the hard pages, no clean page
#: and two of 84 scanned ones) is read a second time; the extractor takes from that
#: reading what the first one lost (``extract.fields.Document.second``) ...
SECOND_LOOK_BELOW = 0.8
#: ... and so is a page read with a mean confidence under this whose document, extracted
#: from the first reading alone, has ``SECOND_LOOK_FIELDS`` fields lost (a value its
#: validator rejects, or none after its label; one field without its label found counts
#: too), or ``SECOND_LOOK_UNLABELLED`` fields without their labels found. Older forms do
#: not print every field (a CMND has no sex, nationality or expiry; a motorbike's
#: certificate no seats): counting those as lost had 15 % of the clean tuning set's pages
#: read again for nothing, 9 % without (``docs/accuracy.md``).
SECOND_LOOK_DOUBTFUL = 0.9
SECOND_LOOK_FIELDS = 2
SECOND_LOOK_UNLABELLED = 4


def _mean_below(page: Page, level: float) -> bool:
    return next(page.words, None) is not None and _mean_confidence(page) < level


def doubtful_pages(pages: Sequence[Page], spans: Sequence[classify.Span]) -> set[int]:
    """The pages to read a second time (:data:`SECOND_LOOK_BELOW`,
    :data:`SECOND_LOOK_DOUBTFUL`), by number."""
    out = {p.number for p in pages if _mean_below(p, SECOND_LOOK_BELOW)}
    for span in spans:
        own = pages[span.page_start - 1 : span.page_end]
        doubtful = {p.number for p in own if _mean_below(p, SECOND_LOOK_DOUBTFUL)} - out
        if not doubtful or span.doc_type == classify.UNKNOWN:
            continue
        got = fields.extract_fields(span.doc_type, own, None, False).values()
        unlabelled = sum(f.value is None and not f.features.get("label_seen") for f in got)
        lost = sum(f.valid is False or f.value is None for f in got) - unlabelled
        if lost + min(unlabelled, 1) >= SECOND_LOOK_FIELDS or unlabelled >= SECOND_LOOK_UNLABELLED:
            out |= doubtful
    return out


def second_readings(
    pages: Sequence[Page], reader: StripReader | None, numbers: set[int]
) -> dict[int, Page]:
    """Second whole-page readings of the pages ``numbers``, by page number.

    The stored upright image is flattened (``clean.flatten``: divided by its local paper
    level, so grey print on grey or unevenly lit paper and a tinted card become black on
    white), then its levels stretched (``clean.ink_levels``: grey well lighter than the
    ink is paper, so a grey seal's ring and lettering and a fold's shadow go) and read
    with the first reading's page segmentation. Measured on the hard tuning set
    (``docs/accuracy.md``): it finds labels and values the first reading lost under seals
    and fold bands; the same image read with Tesseract's block layout found half as many.
    Best effort: a reading that runs past the timeout is skipped."""
    out: dict[int, Page] = {}
    if reader is None:
        return out
    for page in pages:
        if page.number not in numbers:
            continue
        image = reader.load(page.number)
        if image is None:
            continue
        try:
            out[page.number] = tesseract.ocr_page(
                clean.ink_levels(clean.flatten(image)),
                page.number,
                lang=reader.lang,
                psm=PAGE_PSM,
                dpi=reader.dpi,
                timeout=reader.timeout,
                engine=reader.engine,
            )
        except OcrTimeout:
            log.warning("page %s: second reading ran past the timeout; skipped", page.number)
    return out


#: A document with a field whose calibrated confidence is under this is read again by the
#: witness model. On the evaluation seed 141414 (``docs/accuracy.md``, session 25), with the
#: first reading's confidences before the dossier step: 0.6 read 26 % of the clean and
#: scanned pages twice and cost a third of the throughput (hard 467 → 403 wrong); 0.3
#: reads 4 % of them, 64 % of the hard pages, and keeps most of the gain (hard 411).
WITNESS_BELOW = 0.3
#: A field found empty whose calibrated confidence is under this (it is more likely
#: printed and missed than left blank) also sends its document to the witness: the first
#: reading has no value of it to read again. Without it, whether such a document was read
#: twice hung on another field's doubt (a declaration's place-and-date line read
#: "ngày 02 thang 98 năm 2020" by the witness only while a stain read as its phone was
#: under 0.3).
MISSING_BELOW = 0.5


@dataclass
class Witness:
    """A second Vietnamese model (``HOSO_OCR_WITNESS_LANG``) for the documents of a file
    that have a field under ``below`` (:data:`WITNESS_BELOW`) or one found empty under
    ``missing_below`` (:data:`MISSING_BELOW`): ``read`` gives its whole-page reading of
    a page (as :func:`recognize` reads, from the same upright image), ``reader`` reads
    value boxes with it. The two models misread different characters (``ocr.models``)."""

    lang: str
    read: Callable[[int], Page | None]
    reader: StripReader
    below: float
    missing_below: float = MISSING_BELOW


def witness(
    ctx: Context,
    sha256: str,
    images: Callable[[int], np.ndarray | None],
    dpis: dict[int, int | None],
    fresh: bool,
) -> Witness | None:
    """The witness of a file's pages, or None when none is set or its model is not
    installed. ``fresh``: read every page anew (a file processed from its original) rather
    than take the reading kept in the store (``hoso reextract``)."""
    s = ctx.settings
    lang = s.ocr_witness_lang
    if not lang:
        return None
    if not tesseract.installed(lang):
        _warn_once(f"the witness model {lang} is not installed (python -m ocr.models); skipped")
        return None

    def read(number: int) -> Page | None:
        key = page_reading_key(sha256, number, lang)
        if not fresh and ctx.store.exists(key):
            return get_words(ctx.store, key)
        image = images(number)
        if image is None:
            return None
        try:
            page = recognize(image, number, dpis.get(number), s, ctx.ocr, lang)
        except OcrTimeout:
            log.warning("page %s: the witness reading ran past the timeout; skipped", number)
            return None
        put_words(ctx.store, key, page)
        return page

    return Witness(lang, read, strip_reader(ctx, sha256, images, lang), WITNESS_BELOW)


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning(message)


def _doubtful(
    extracted: dict[str, fields.ExtractedField], below: float, missing_below: float
) -> bool:
    """A field under ``below``, one found empty under ``missing_below``, or one found
    without its label by what it says (``fields.ALONE``: the witness may find its label)."""
    return any(
        f.confidence < below
        or (f.value is None and f.confidence < missing_below)
        or f.features.get("label_tier") == fields.ALONE
        for f in extracted.values()
    )


def _surer(
    first: dict[str, fields.ExtractedField], second: dict[str, fields.ExtractedField]
) -> dict[str, fields.ExtractedField]:
    """Field by field, the reading the calibration is surer of (the first on a tie)."""
    out = dict(first)
    for name, f in second.items():
        if name not in out or f.confidence > out[name].confidence:
            out[name] = f
    return out


def _witnessed(
    pages: list[Page],
    labels: list[tuple[str, float]],
    found: list[tuple[classify.Span, dict[str, fields.ExtractedField]]],
    witness: Witness,
) -> list[tuple[classify.Span, dict[str, fields.ExtractedField]]]:
    """``found`` with the documents that have a doubtful field read again by the witness
    model, page and value boxes, and each field taken from the surer reading. The
    documents keep the first reading's pages and types."""
    doubtful = {
        (span.page_start, span.page_end)
        for span, extracted in found
        if span.doc_type != classify.UNKNOWN
        and _doubtful(extracted, witness.below, witness.missing_below)
    }
    again: dict[int, Page] = {}
    for start, end in sorted(doubtful):
        for number in range(start, end + 1):
            page = witness.read(number)
            if page is not None:
                again[number] = page
    if not again:
        return found
    read = [again.get(p.number, p) for p in pages]
    second = {
        (span.page_start, span.page_end): extracted
        for span, extracted in _extract(
            read,
            labels,
            witness.reader,
            calibrated=True,
            only=lambda span: (span.page_start, span.page_end) in doubtful,
        )
    }
    return [
        (span, _surer(ex, second.get((span.page_start, span.page_end), {}))) for span, ex in found
    ]


def extract_documents(
    pages: list[Page], reader: StripReader | None = None, witness: Witness | None = None
) -> tuple[list[tuple[str, float]], list[persist.DocumentResult]]:
    """Page labels and the documents of a file, ready to persist (:func:`extract_spans`);
    with a ``witness``, its doubtful documents read by a second model too
    (:func:`_witnessed`)."""
    labels = [classify.classify_page(p) for p in pages]
    found = _extract(pages, labels, reader, calibrated=True)
    if witness is not None:
        found = _witnessed(pages, labels, found, witness)
    results: list[persist.DocumentResult] = []
    for span, extracted in found:
        field_results = [
            persist.FieldResult(
                name, f.value, f.raw, f.confidence, f.page, f.bbox, f.valid, tuple(f.problems)
            )
            for name, f in extracted.items()
        ]
        checks = [
            persist.CheckResult(
                persist.VALIDATION_RULE,
                "error",
                f"{f.name}: " + "; ".join(f.problems or ("invalid value",)),
                (f.name,),
            )
            for f in field_results
            if f.valid is False
        ]
        results.append(
            persist.DocumentResult(
                span.page_start,
                span.page_end,
                span.doc_type,
                span.confidence,
                field_results,
                checks,
            )
        )
    return labels, results


# -- the job ----------------------------------------------------------------------------


def process_file(sha256: str) -> dict[str, Any]:
    """Process one stored original end to end. Idempotent; never raises for bad input."""
    return run_file(context(), sha256)


def _begin(ctx: Context, sha256: str) -> File:
    with ctx.sessions() as session, session.begin():
        file = session.get(File, sha256)
        if file is None:
            raise NotFound(f"no file {sha256}")
        file.state = FileState.processing
        file.attempts = (file.attempts or 0) + 1
        session.flush()
        session.expunge(file)
        return file


def run_file(ctx: Context, sha256: str) -> dict[str, Any]:
    settings = ctx.settings
    file = _begin(ctx, sha256)
    vers = versions(settings, ctx.ocr)
    limits = rasterize.Limits.of(settings)
    try:
        if file.size > settings.max_file_bytes:
            raise RejectedInput(
                f"file of {file.size:,} bytes is over the limit of "
                f"{settings.max_file_bytes:,} bytes"
            )
        data = fetch(ctx.store, file)
        with tempfile.TemporaryDirectory(prefix="hoso-file-") as tmp:
            path = Path(tmp) / "original"
            path.write_bytes(data)
            kind, count = rasterize.probe(data, path, limits)
            # The words and a few numbers stay in memory; page images go to the store, and
            # the first ones stay for the second readings too (``KeptPages``).
            page_results: list[persist.PageResult] = []
            ocr_pages: list[Page] = []
            kept = KeptPages(ctx.store, sha256)
            for raster in rasterize.pages(data, path, kind, count, limits):
                up, page = recognize_upright(
                    prepare_page(raster, ctx.ocr), raster.number, raster.dpi, settings, ctx.ocr
                )
                image_key, words_key = store_page(ctx.store, sha256, up.image, page)
                kept.keep(raster.number, up.image)
                ocr_pages.append(page)
                confs = [w.confidence for w in page.words]
                page_results.append(
                    persist.PageResult(
                        raster.number,
                        up.rotation_deg,
                        round(up.skew_deg, 3),
                        up.image.shape[1],
                        up.image.shape[0],
                        raster.dpi,
                        image_key,
                        words_key,
                        doc_type="unknown",
                        doc_type_confidence=0.0,
                        mean_word_confidence=float(np.mean(confs)) if confs else None,
                    )
                )
        return extract_and_save(ctx, sha256, ocr_pages, page_results, vers, kept)
    except RejectedInput as exc:
        return record_error(ctx, sha256, FileState.rejected, str(exc), vers)
    except TRANSIENT as exc:
        if file.attempts < MAX_ATTEMPTS:
            raise  # the queue (or the embedded pool) tries again with backoff
        return record_error(
            ctx, sha256, FileState.failed, f"gave up after {file.attempts} attempts: {exc}", vers
        )
    except Exception as exc:  # one bad file never kills a worker
        log.error("processing %s failed:\n%s", sha256, traceback.format_exc())
        reason = (
            str(exc)
            if isinstance(exc, HosoError)
            else f"internal error: {type(exc).__name__}: {exc}"
        )
        return record_error(ctx, sha256, FileState.failed, reason, vers)


def strip_reader(
    ctx: Context,
    sha256: str,
    pages: Callable[[int], np.ndarray | None] | None = None,
    lang: str | None = None,
) -> StripReader:
    """Second readings of a file's value boxes, from its upright pages: ``pages`` where the
    job still holds them, else the stored ones. ``lang``: another model than
    ``settings.ocr_lang`` (the witness's)."""
    return StripReader(
        pages or (lambda n: load_page(ctx.store, sha256, n)),
        lang or ctx.settings.ocr_lang,
        timeout=ctx.settings.ocr_timeout_s,
        latin_lang=ctx.settings.ocr_latin_lang or None,
        engine=ctx.ocr,
    )


def extract_and_save(
    ctx: Context,
    sha256: str,
    ocr_pages: list[Page],
    page_results: list[persist.PageResult],
    vers: dict[str, Any],
    images: Callable[[int], np.ndarray | None] | None = None,
) -> dict[str, Any]:
    """Classify, extract and persist a file's OCRed pages in one transaction; the job's
    result. ``images``: the upright pages by number, where the job still holds them (the
    file is being processed from its original: the witness model reads its pages anew)."""
    reader = strip_reader(ctx, sha256, images)
    dpis = {r.number: r.dpi for r in page_results}
    second = witness(ctx, sha256, reader.load, dpis, fresh=images is not None)
    labels, documents = extract_documents(ocr_pages, reader, second)
    pages = [
        dataclasses.replace(p, doc_type=doc_type, doc_type_confidence=conf)
        for p, (doc_type, conf) in zip(page_results, labels, strict=True)
    ]
    with ctx.sessions() as session, session.begin():
        # The row lock serializes two runs of the same file (at-least-once delivery).
        f = session.get(File, sha256, with_for_update=True)
        assert f is not None
        outcome = persist.save_processed(
            session, f, pages, documents, vers, ctx.settings.review_threshold
        )
        # The other documents of the dossier confirm or contradict this file's fields.
        persist.reconcile_dossier(session, f.dossier_id, ctx.settings.review_threshold)
    return {
        "sha256": sha256,
        "state": "done",
        "pages": len(pages),
        "documents": outcome.documents,
        "error": None,
    }


def reextract_file(sha256: str) -> dict[str, Any]:
    """Classify and extract a processed file again from its stored pages, without OCR of
    whole pages: the words and upright images kept in the object store are read back.

    For an improved extractor or a new calibration: reviewers' values are kept, as in any
    reprocessing. Files that are not ``done`` are skipped (``hoso retry`` handles those).
    """
    ctx = context()
    settings = ctx.settings
    with ctx.sessions() as session:
        file = session.get(File, sha256)
        if file is None:
            raise NotFound(f"no file {sha256}")
        if file.state != FileState.done:
            return {"sha256": sha256, "state": "skipped", "pages": 0, "error": None}
        rows = session.scalars(
            select(PageRow).where(PageRow.file_sha256 == sha256).order_by(PageRow.number)
        ).all()
        page_results = [
            persist.PageResult(
                r.number,
                r.rotation_deg,
                r.skew_deg,
                r.width,
                r.height,
                r.dpi,
                r.image_key,
                r.words_key,
                r.doc_type,
                r.doc_type_confidence,
                r.mean_word_confidence,
            )
            for r in rows
        ]
    ocr_pages = [get_words(ctx.store, r.words_key) for r in page_results]
    return extract_and_save(ctx, sha256, ocr_pages, page_results, versions(settings, ctx.ocr))


def record_error(
    ctx: Context, sha256: str, state: FileState, reason: str, vers: dict[str, Any]
) -> dict[str, Any]:
    with ctx.sessions() as session, session.begin():
        f = session.get(File, sha256)
        assert f is not None
        persist.save_file_error(session, f, state, reason, vers)
    return {"sha256": sha256, "state": state.value, "pages": 0, "documents": 1, "error": reason}


def main() -> None:
    """``python worker.py [N]``: the RQ worker pool, as ``hoso worker --workers N``."""
    import sys

    from hoso.workerpool import Pool

    settings = load()
    size = int(sys.argv[1]) if len(sys.argv) > 1 else settings.worker_count
    raise SystemExit(Pool(settings, size).run())


if __name__ == "__main__":
    main()
