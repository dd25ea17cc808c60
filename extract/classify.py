"""Which document a page belongs to, and how consecutive pages group into documents.

A page is classified from its title (fuzzy on folded text: OCR often mangles titles),
cue wordings that only one document type prints, and how many of each type's field
labels are on it. Confidence is high only when a full title is present, so a page
without one (the ĐKX10 electronic-data pages, the back of a card) reads as a
continuation of the document before it (:func:`split_documents`).
"""

from __future__ import annotations

import functools
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from rapidfuzz import fuzz

from extract.labels import CUES, FIELD_LABELS, MAX_PAGES, OTHER_LABELS, TITLES
from extract.layout import Vocabulary, find_labels
from extract.rows import Row, Token, page_rows, token_key
from hoso.schema import DOC_TYPES
from ocr.model import Page

UNKNOWN = "unknown"
#: A page with at least this confidence carries a title and starts a new document.
START_CONFIDENCE = 0.6
# Below this total evidence a page is "unknown". 0.2 is about two fifths of a type's
# labels with no title read: photocopied cards whose title the specks garbled (hard tuning
# set: 3 such pages of 93 documents typed right instead of unknown, none typed wrong on
# the clean, scan, hard and photo tuning sets).
_MIN_SCORE = 0.2
_MIN_SIMILARITY = 0.78  # folded partial-ratio similarity for a title or cue to count


@dataclass(frozen=True, slots=True)
class Evidence:
    """Per doc type: title strength (0..1), cue strength (0..1), share of field labels."""

    title: float
    cues: float
    labels: float

    @property
    def score(self) -> float:
        return self.title + 0.35 * self.cues + 0.5 * self.labels


@dataclass(frozen=True, slots=True)
class Span:
    """One document: pages ``page_start..page_end`` (1-based, inclusive) of the input list."""

    doc_type: str
    page_start: int
    page_end: int
    confidence: float

    @property
    def indices(self) -> range:
        """0-based indices of the span's pages in the list given to ``split_documents``."""
        return range(self.page_start - 1, self.page_end)


@functools.cache
def _phrases(table: str) -> tuple[tuple[str, str, float], ...]:
    source = TITLES if table == "titles" else CUES
    return tuple(
        (doc_type, token_key(phrase), weight)
        for doc_type, items in source.items()
        for phrase, weight in items
    )


def _segments(rows: Sequence[Row]) -> list[tuple[str, float, float]]:
    """Runs of closely spaced tokens: (squashed key, median height, centre y)."""
    out = []
    for row in rows:
        run: list[Token] = []
        for tok in [*row.tokens, None]:
            if tok is not None and (
                not run or tok.box[0] - run[-1].box[2] <= 1.5 * max(tok.height, run[-1].height)
            ):
                run.append(tok)
                continue
            key = "".join(t.key for t in run)
            if len(key) >= 4:
                height = statistics.median(t.height for t in run)
                cy = statistics.median((t.box[1] + t.box[3]) / 2 for t in run)
                out.append((key, float(height), float(cy)))
            run = [tok] if tok is not None else []
    return out


def _similarity(phrase: str, text: str) -> float:
    if len(text) >= len(phrase):
        return fuzz.partial_ratio(phrase, text) / 100.0
    return fuzz.ratio(phrase, text) / 100.0


def _strength(sim: float) -> float:
    return max(0.0, min(1.0, (sim - _MIN_SIMILARITY) / (0.95 - _MIN_SIMILARITY)))


@functools.cache
def _vocabulary(doc_type: str) -> Vocabulary:
    fields = tuple((f, lb) for f, labels in FIELD_LABELS[doc_type].items() for lb in labels)
    return fields + tuple((None, lb) for lb in OTHER_LABELS)


@functools.lru_cache(maxsize=64)
def page_evidence(page: Page) -> Mapping[str, Evidence]:
    """Title, cue and label evidence for every doc type (except ``unknown``).

    Kept for the last pages asked about (a page is hashed by its words, 0.02 ms): a job
    asks about each page when it is read (is any document recognised in it?) and again
    when its file is split into documents; the evidence takes 17 ms a page.
    """
    _, rows = page_rows(page)
    segments = _segments(rows)
    heights = [t.height for r in rows for t in r.tokens if t.key]
    median_h = statistics.median(heights) if heights else 1.0
    titles = dict.fromkeys(FIELD_LABELS, 0.0)
    cues = dict.fromkeys(FIELD_LABELS, 0.0)
    for key, height, cy in segments:
        prominence = 0.8 + 0.2 * min(1.0, max(0.0, (height / median_h - 1.0) / 0.3))
        if cy > 0.5 * page.height:
            prominence *= 0.85
        coverage_cache: dict[str, float] = {}
        for doc_type, phrase, weight in _phrases("titles"):
            sim = _similarity(phrase, key)
            if sim < _MIN_SIMILARITY:
                continue
            coverage = coverage_cache.setdefault(phrase, min(1.0, len(phrase) / len(key)))
            # A title stands on its own line; the same words inside a sentence ("cấp đổi
            # chứng nhận đăng ký xe" on a declaration) count for much less.
            value = weight * _strength(sim) * prominence * (0.4 + 0.6 * coverage**0.5)
            titles[doc_type] = max(titles[doc_type], value)
        for doc_type, phrase, weight in _phrases("cues"):
            sim = _similarity(phrase, key)
            if sim >= _MIN_SIMILARITY:
                cues[doc_type] += weight * _strength(sim)
    out = {}
    for doc_type in FIELD_LABELS:
        hits = find_labels(rows, _vocabulary(doc_type))
        found = {h.tag for h in hits if h.tag is not None}
        share = len(found) / max(1, len(FIELD_LABELS[doc_type]))
        out[doc_type] = Evidence(titles[doc_type], min(1.0, cues[doc_type]), share)
    return MappingProxyType(out)


def classify_page(page: Page) -> tuple[str, float]:
    """Doc type of one upright OCRed page (one of ``DOC_TYPES``) and a confidence in [0, 1].

    Confidence at or above :data:`START_CONFIDENCE` means a full title was read (the page
    starts a document); lower values mean the type rests on cues and labels alone.
    """
    evidence = page_evidence(page)
    ranked = sorted(evidence.items(), key=lambda kv: kv[1].score, reverse=True)
    best_type, best = ranked[0]
    second = ranked[1][1].score if len(ranked) > 1 else 0.0
    if best.score < _MIN_SCORE:
        return UNKNOWN, round(max(0.0, 1.0 - best.score / _MIN_SCORE) * 0.5, 3)
    margin = min(1.0, 2.0 * (best.score - second) / best.score)
    if best.title >= 0.6:
        conf = 0.6 + 0.2 * min(1.0, best.title) + 0.2 * margin
    else:
        conf = 0.2 + 0.15 * min(1.0, best.cues + best.labels) + 0.2 * margin
    assert best_type in DOC_TYPES
    return best_type, round(min(conf, 1.0), 3)


def split_documents(pages: Sequence[tuple[str, float]]) -> list[Span]:
    """Group consecutive classified pages into documents.

    A page with a title (confidence >= ``START_CONFIDENCE``) starts a new document, even
    of the same type as the one before. A page without one ('unknown' or low confidence)
    continues the document before it while that type still has room (``MAX_PAGES``);
    otherwise it starts a document of its own type.
    """
    spans: list[Span] = []
    for number, (doc_type, conf) in enumerate(pages, start=1):
        starts = doc_type != UNKNOWN and conf >= START_CONFIDENCE
        # Without a title, labels of another doc type still say "not a continuation".
        starts = starts or (bool(spans) and doc_type != UNKNOWN and doc_type != spans[-1].doc_type)
        if spans and not starts:
            cur = spans[-1]
            length = cur.page_end - cur.page_start + 1
            same_unknown = cur.doc_type == UNKNOWN and doc_type == UNKNOWN
            if (cur.doc_type != UNKNOWN and length < MAX_PAGES[cur.doc_type]) or same_unknown:
                spans[-1] = Span(cur.doc_type, cur.page_start, number, cur.confidence)
                continue
        spans.append(Span(doc_type, number, number, conf))
    return spans
