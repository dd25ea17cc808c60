"""OCR words regrouped into tokens and visual rows, from their boxes alone.

Tesseract's own lines may merge two columns or split one; here a row is the chain of
words that overlap vertically, left to right. Words are split where a label ends inside
them ("tên:NGUYỄN", "Số/No", "HONDA......"), and Tesseract's phantom words (marks of a
large line read again as a small line) and specks are left out.
"""

from __future__ import annotations

import functools
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from extract.normalize import fold
from ocr.model import Box, Page, Word, union

#: Dotted leaders and rules of blank forms, and lone separators ("-" and "," are text).
LEADER = re.compile(r"^(?:[.…·_:;|]+|[\-–—_.,]{2,})$")


@dataclass(frozen=True, slots=True)
class Token:
    """A word, or part of one split at a label delimiter ("tên:NGUYỄN" → "tên:", "NGUYỄN")."""

    text: str
    key: str  # folded: uppercase ASCII letters and digits only
    box: Box
    confidence: float
    glued: bool = False  # continues the previous token without a space
    #: The index of the page line the recognizer read the word in (-1: not from a page).
    line: int = -1

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2


@dataclass(frozen=True, slots=True)
class Row:
    """Tokens that sit side by side on one visual line, left to right."""

    tokens: tuple[Token, ...]

    @property
    def box(self) -> Box:
        return union([t.box for t in self.tokens])


def token_key(text: str) -> str:
    """Folded matching key of a word: uppercase ASCII letters and digits only."""
    return fold(text).replace(" ", "")


#: How wide a narrow mark is beside a letter or digit, for splitting a word's box: the
#: leader dots after "RLCUG0S4XPZ506105" take 0.4 of a capital's advance each (the VIN
#: was 55 % of its word's box, not the third its share of the characters would give).
NARROW = ".,:;·'|!"
NARROW_WIDTH = 0.4


def _advance(text: str) -> float:
    return sum(NARROW_WIDTH if c in NARROW else 1.0 for c in text)


def _piece(word: Word, start: int, stop: int, glued: bool) -> Token:
    x0, y0, x1, y1 = word.box
    total = max(_advance(word.text), 1e-9)
    a = x0 + int((x1 - x0) * _advance(word.text[:start]) / total)
    b = x0 + int((x1 - x0) * _advance(word.text[:stop]) / total)
    text = word.text[start:stop]
    return Token(text, token_key(text), (a, y0, max(b, a + 1), y1), word.confidence, glued)


_COLON_SPLIT = re.compile(
    r"(?:(?<=[^\W\d_]:)|(?<=[^\W\d_][.)°º]:)|(?<=[^\W\d_][°º][.)]:))(?=\S)"
    r"|(?<=[^\W\d_]/)(?=[^\W\d_])"
)


_LEADER_RUN = re.compile(r"[.…·_]{3,}|…+")
_SLASHES = re.compile("[\u2044\u2215]")


def split_word(word: Word) -> list[Token]:
    """Split a word after a label colon, between the halves of "Số/No", and around dotted
    leaders: "tên:AN" → "tên:", "AN"; "HONDA......" → "HONDA", "......". A fraction or
    division slash (as OCR reads some slashes) is a slash."""
    if _SLASHES.search(word.text):
        word = replace(word, text=_SLASHES.sub("/", word.text))
    cuts = {m.start() for m in _COLON_SPLIT.finditer(word.text)}
    for m in _LEADER_RUN.finditer(word.text):
        cuts |= {m.start(), m.end()}
    bounds = sorted({0, len(word.text), *cuts})
    return [
        _piece(word, bounds[i], bounds[i + 1], glued=i > 0)
        for i in range(len(bounds) - 1)
        if bounds[i + 1] > bounds[i]
    ]


def _v_overlap(a: Box, b: Box) -> float:
    inter = min(a[3], b[3]) - max(a[1], b[1])
    return inter / max(1, min(a[3] - a[1], b[3] - b[1]))


def _line_tokens(tail: Sequence[Token], line_h: float) -> Sequence[Token]:
    """The tokens of ``tail`` that set a row's band: a word box over three line heights
    tall (a photo or a seal read as a word) does not, or the next line's first word
    joins the row beside it ("Quê Kim quán:"); nor do marks without a letter or digit
    (dots of the line a value is typed on, read between its words, drew the band down
    until the rest of the value started a row of its own)."""
    return [t for t in tail if t.height <= 3 * line_h and t.key] or tail


def build_rows(tokens: Iterable[Token]) -> list[Row]:
    """Group tokens into visual rows by chaining left to right on vertical overlap.

    A token joins the row whose last few tokens it overlaps most (not the row's first
    token: that follows rows drifting under a small residual skew; and several tokens:
    one odd box, a tall "/" or a dropped comma, does not lead the row astray). Boxes may
    overlap horizontally: Tesseract's word boxes are not exact.
    """
    ordered = sorted(tokens, key=lambda t: (t.box[0], t.box[1]))
    line_h = statistics.median(t.height for t in ordered) if ordered else 0.0
    rows: list[list[Token]] = []
    bands: list[tuple[int, int]] = []  # median top and bottom of each row's last tokens
    for tok in ordered:
        best = -1
        best_score = 0.4
        for i, (top, bottom) in enumerate(bands):
            band_h = bottom - top
            ratio = max(band_h, tok.height) / max(1, min(band_h, tok.height))
            score = _v_overlap((0, top, 0, bottom), tok.box) - 0.1 * min(ratio - 1.0, 2.0)
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            rows.append([tok])
            bands.append((tok.box[1], tok.box[3]))
            continue
        rows[best].append(tok)
        tail = _line_tokens(rows[best][-3:], line_h)
        bands[best] = (
            int(statistics.median(t.box[1] for t in tail)),
            int(statistics.median(t.box[3] for t in tail)),
        )
    _rejoin_lines(rows, line_h)
    result = [Row(tuple(r)) for r in rows if r]
    result.sort(
        key=lambda r: (
            statistics.median((t.box[1] + t.box[3]) / 2 for t in r.tokens),
            r.tokens[0].box[0],
        )
    )
    return result


#: A line's stray words are set apart from their row's own by more than this many line
#: heights (``_rejoin_lines``): a column gap (``extract.layout.COLUMN_GAP``).
STRAY_GAP = 4.0


def _rejoin_lines(rows: list[list[Token]], line_h: float) -> None:
    """Return to their line the one or two words that chaining put in the row of another
    column: the first word of an address's second line, set lower than the rest by its
    marks or a descender, joined the row of the left column's value beside it ("Mê" of
    "Mê Linh, TP Hà Nội" after "Không thời hạn"), cutting the address in two. The
    recognizer read them in one line with the rest; a word moves to that line's row when
    a column gap parts it from its own row's words and it still overlaps the line's row."""
    where: dict[int, dict[int, list[Token]]] = {}
    for i, row in enumerate(rows):
        for t in row:
            if t.line >= 0:
                where.setdefault(t.line, {}).setdefault(i, []).append(t)
    for parts in where.values():
        if len(parts) < 2:
            continue
        home = max(parts, key=lambda i: len(parts[i]))
        home_box = union([t.box for t in parts[home]])
        for i, stray in parts.items():
            if i == home or len(stray) > 2 or len(stray) >= len(parts[home]):
                continue
            others = [t for t in rows[i] if t not in stray]
            box = union([t.box for t in stray])
            apart = all(
                max(t.box[0] - box[2], box[0] - t.box[2]) > STRAY_GAP * line_h for t in others
            )
            if others and apart and _v_overlap(box, home_box) > 0.3:
                rows[i] = others
                rows[home] = sorted([*rows[home], *stray], key=lambda t: t.box[0])


_EDGE_MARKS = ":.,;"


def _is_noise(word: Word, median_h: float) -> bool:
    """Tesseract's readings of rules, dotted lines and specks: unsure and oddly shaped."""
    if word.confidence >= 0.3 or word.text in ("-", "–", ",", "/"):
        return False  # separators are short by nature
    if word.text.endswith(":") and len(word.text) >= 4 and word.text[:-1].isalpha():
        return False  # a label's last word and its colon ("chi:" of "Địa chỉ:"), boxed tall
    h = word.height
    if h < 0.5 * median_h or h > 1.7 * median_h:
        return True
    key = token_key(word.text)
    if word.confidence >= 0.05 or len(key) > 2 or key.isdigit():
        return False
    # Letters with Vietnamese marks ("Họ", "tê:", "Số") are a short word read unsure,
    # not a speck: specks read as ASCII marks and letters ("ii", "=", "a").
    letters = word.text.strip(_EDGE_MARKS)
    return not (letters.isalpha() and not letters.isascii())


def _inside_others(tokens: Sequence[Token]) -> set[int]:
    """Tokens lying mostly inside a taller token: Tesseract sometimes reads the marks of
    a large line a second time as words of a small line that overlaps it."""
    if len(tokens) < 2:
        return set()
    b = np.array([t.box for t in tokens], dtype=np.float64)
    area = np.maximum(1.0, (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]))
    out: set[int] = set()
    for i in range(len(tokens)):
        w = np.clip(np.minimum(b[i, 2], b[:, 2]) - np.maximum(b[i, 0], b[:, 0]), 0, None)
        h = np.clip(np.minimum(b[i, 3], b[:, 3]) - np.maximum(b[i, 1], b[:, 1]), 0, None)
        covered = w * h / area[i]
        taller = (b[:, 3] - b[:, 1]) > 1.2 * (b[i, 3] - b[i, 1])
        covered[i] = 0.0
        if np.any((covered > 0.6) & taller):
            out.add(i)
    return out


def tokens_of(page: Page) -> list[Token]:
    """All tokens of a page (words split at label delimiters), noise left out."""
    words = [(n, w) for n, line in enumerate(page.lines) for w in line.words if w.text.strip()]
    heights = [w.height for _, w in words if w.confidence >= 0.5]
    median_h = float(statistics.median(heights)) if heights else 30.0
    tokens = [
        replace(tok, line=n)
        for n, w in words
        if not _is_noise(w, median_h)
        for tok in split_word(w)
    ]
    ghosts = _inside_others(tokens)
    return [t for i, t in enumerate(tokens) if i not in ghosts]


@functools.lru_cache(maxsize=64)
def page_rows(page: Page) -> tuple[tuple[Token, ...], tuple[Row, ...]]:
    """The tokens of ``page`` and their rows, kept for the last pages asked about: the
    classifier and the layout of each document regroup the same page (10 ms a page)."""
    tokens = tokens_of(page)
    return tuple(tokens), tuple(build_rows(tokens))
