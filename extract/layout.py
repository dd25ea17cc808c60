"""Geometry on OCR word boxes: where the printed labels are and what is written after them.

Works from word boxes only: Tesseract's own line grouping may merge two columns or split
one, so words are regrouped into visual rows by vertical overlap. Labels are matched on
diacritic-folded tokens with an edit-distance tolerance (OCR turns "Nhãn hiệu" into
"Nhän hiêu" or "Nhanhieu"), may carry a colon, a footnote mark "(4)" and an English half
("Họ và tên / Full name:"). A label's value is what follows it on the same row up to the
next label; when that is empty, the row(s) below within the label's column.
"""

from __future__ import annotations

import functools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from extract.labels import Label
from extract.normalize import clean_text
from extract.rows import LEADER, Row, Token, page_rows, token_key
from ocr.model import Box, Page, union

#: (tag, label): the tag is what a hit reports (a field name, or None for a label that
#: only ends the value before it).
Vocabulary = tuple[tuple[str | None, Label], ...]

_FOOTNOTE = re.compile(r"^\(\s*(\d{1,2}|\*)\s*\)[:.]?$")
_PUNCT = set(":/()-|.,;[]–—")
#: A label read this garbled (share of its folded letters) is still recovered when no
#: other label is near (``recover_labels``).
RECOVER_SHARE = 0.4
#: ... and every other label's wording is this much further (share of its letters) from it.
RECOVER_MARGIN = 0.2
#: Rows kept per field (the value after one of them must still validate).
RECOVER_PER_FIELD = 3
_SHORT_KEY = 4  # wordings this short ("Số", "Hạng", "Màu") need a delimiter after them


# -- label matching --------------------------------------------------------------------


def field_of(tag: str | None) -> str | None:
    """The field a vocabulary tag names ("brand#1" → "brand"); None for a label that
    names none."""
    return tag.partition("#")[0] if tag else None


@dataclass(frozen=True, slots=True)
class _Wording:
    tag: str | None
    text: str
    key: str
    ntok: int
    strict: bool
    english: bool
    label: Label


@dataclass(frozen=True, slots=True)
class LabelHit:
    """One label found on a page: tokens ``[start, end)`` of ``row`` (incl. delimiters)."""

    tag: str | None
    wording: str
    row: int
    start: int
    end: int
    box: Box
    score: float  # 1.0 = exact folded match
    delimited: bool  # a colon or an English half follows the label
    label: Label | None = None

    @property
    def field(self) -> str | None:
        return field_of(self.tag)

    @property
    def tier(self) -> int:
        """0 for a field's main wording, higher for its short or fallback forms."""
        return int(self.tag.partition("#")[2] or 0) if self.tag else 0


def allowed_edits(length: int) -> int:
    """Edits tolerated when matching a folded label of ``length`` characters."""
    if length <= 4:
        return 0
    if length <= 8:
        return 1
    if length <= 14:
        return 2
    return 3 + (length - 15) // 8


def _marked(text: str) -> str:
    return "".join(c for c in clean_text(text).lower() if c.isalnum())


def _same_marks(tokens: Sequence[Token], wording: str) -> bool:
    """True when the tokens spell ``wording`` with at most one wrong tone or letter."""
    return Levenshtein.distance(_marked("".join(t.text for t in tokens)), _marked(wording)) <= 1


def _wording_tokens(text: str) -> list[str]:
    return [k for k in (token_key(p) for p in re.split(r"[\s/]+", text)) if k]


@functools.cache
def _compile(vocabulary: Vocabulary) -> tuple[_Wording, ...]:
    out: dict[str, _Wording] = {}
    for tag, label in vocabulary:
        for english, texts in ((False, label.vi), (True, label.en)):
            for text in texts:
                toks = _wording_tokens(text)
                key = "".join(toks)
                if not key:
                    continue
                short = _SHORT_KEY if not english else 7
                strict = label.strict or len(key) <= short
                w = _Wording(tag, text, key, len(toks), strict, english, label)
                old = out.get(key)
                # One wording, several labels: keep the one that names a field, and the
                # Vietnamese reading over an English one.
                if (
                    old is None
                    or (old.tag is None and tag is not None)
                    or (old.english and not english)
                ):
                    out[key] = w
    return tuple(out.values())


def _spans(row: Row, max_tokens: int, gap: float) -> list[tuple[int, int, int, str]]:
    """Candidate token spans (start, end, n_keys, joined key) of a row."""
    idx = [i for i, t in enumerate(row.tokens) if t.key]
    spans = []
    for j, first in enumerate(idx):
        key = ""
        prev = row.tokens[first]
        for m in range(max_tokens):
            if j + m >= len(idx):
                break
            tok = row.tokens[idx[j + m]]
            if m and tok.box[0] - prev.box[2] > gap * max(tok.height, prev.height):
                break  # a label is compact; a wide gap is a column boundary
            key += tok.key
            prev = tok
            spans.append((first, idx[j + m] + 1, m + 1, key))
    return spans


@functools.cache
def _english_words(label: Label) -> frozenset[str]:
    return frozenset(k for e in label.en for k in _wording_tokens(e) if len(k) >= 3)


@functools.cache
def _english_keys(label: Label) -> tuple[str, ...]:
    return tuple(k for k in ("".join(_wording_tokens(e)) for e in label.en) if k)


#: An English half has no digits: one read in a word of it is the letter it looks like
#: ("fu11"); a word of digits only is the value.
_DIGIT_LOOKALIKES = str.maketrans("0158", "OLSB")


def english_span(tokens: Sequence[Token], j: int, label: Label, prefix: bool = False) -> int:
    """Index after an English half of ``label`` starting at ``tokens[j]``, or ``j``.

    With ``prefix``, a run of ASCII words that starts an English half counts too (a
    half printed on its own line is often read only in part: "Place oƒ").
    """
    best, best_d = j, 1 << 30
    key = ""
    for m in range(j, min(len(tokens), j + 7)):
        part = tokens[m].key
        key += part.translate(_DIGIT_LOOKALIKES) if not part.isdigit() else part
        if not key:
            continue
        for w in _english_keys(label):
            d = Levenshtein.distance(key, w)
            # On a tie the shorter span wins: "(Engine N°): Số" is no nearer to "Engine No"
            # than "(Engine N°):", and the "Số" starts the next label.
            if d <= allowed_edits(len(w)) and (d < best_d or (d == best_d and m + 1 == best)):
                best, best_d = m + 1, d
    if best == j and prefix:
        key = ""
        for m in range(j, min(len(tokens), j + 7)):
            if any(c.isdigit() for c in tokens[m].text):
                break
            key += tokens[m].key
            if len(key) >= 4 and any(
                Levenshtein.distance(key, w[: len(key)]) <= allowed_edits(len(key))
                for w in _english_keys(label)
            ):
                best = m + 1
    return best


def english_fragment(token: Token, label: Label) -> bool:
    """``token`` is a piece of ``label``'s English half read in part or with an error
    ("rand", "Brond", "rype-", "colo.", "capac" before the value): a word in small
    letters (values of these fields are capitals, digits or capitalised Vietnamese) whose
    letters are, within an edit or two, a run of an English wording's letters."""
    if not any(c.islower() for c in token.text):
        return False
    key = token.key.translate(_DIGIT_LOOKALIKES)
    n = len(key)
    if n < 3 or not key.isalpha():
        return False
    limit = 0 if n <= 3 else 1 if n <= 7 else 2
    for w in _english_keys(label):
        for size in range(max(3, n - limit), n + limit + 1):
            for i in range(len(w) - size + 1):
                if Levenshtein.distance(key, w[i : i + size]) <= limit:
                    return True
    return False


def _unknown_english(tokens: Sequence[Token], j: int, paren: bool) -> int:
    """Index after an unlisted (or unreadable) English half: up to a ':' or ')' within
    5 words ("(Engine w°):" is the italic "(Engine N°):" as OCR reads it), or ``j``.
    After a slash, words with digits end the search (they are the value); inside
    parentheses OCR may read italic letters as digits ("(a42 )" for "(Address)").
    A lone word ending in a full stop right after the slash is such a half too."""
    for m in range(j, min(len(tokens), j + 5)):
        text = tokens[m].text.rstrip("*'\"`")
        if not paren and sum(c.isdigit() for c in text) > 1:
            return j
        if text.endswith((":", ")")):
            return m + 1
        if m == j and paren and re.fullmatch(r"\([^\d\s()]{1,15}\)[.,;]", text):
            return m + 1  # "(Aszess).", "(r„s).": a word in parentheses, the colon a stop
        # The colon read as a full stop: one italic word right after the slash ("granơ."
        # for "Brand:"), with the value after it.
        if m == j and m + 1 < len(tokens) and re.fullmatch(r"[^\W\d_]{3,}\.", text):
            return m + 1
    return j


_WEAK, _STRONG = 1, 2
#: How OCR reads the slash between a label's halves in italic or thin print.
_SLASH_READINGS = frozenset({"Í", "Ì", "I", "l", "|", "1", "í"})


#: A label printed without a colon, its value in a column of its own: the gap after it is
#: at least this many times the label's height (a word gap is about a third of it).
COLUMN_GAP = 2.5


def _column_label(row: Row, start: int, end: int, w: _Wording) -> bool:
    """Tokens ``start:end`` begin ``row`` and are followed, after a gap of
    :data:`COLUMN_GAP`, by more of it: a label of a card that prints none of its labels
    with a colon ("Hạng      A1, C"), or whose colon OCR lost to noise. Not a label of two
    letters ("Số", "ĐT"): alone at the head of a row those are as often a stray word of a
    number's line or of a seal's ring (hard tuning set: a CCCD number lost to "Số 07")."""
    toks = row.tokens
    if start != 0 or end >= len(toks) or len(w.key) < 3:
        return False
    height = max(t.height for t in toks[start:end])
    return toks[end].box[0] - toks[end - 1].box[2] >= COLUMN_GAP * height


def _extend(row: Row, end: int, label: Label, short: bool) -> tuple[int, int]:
    """Consume the delimiters, footnote marks and English half after a label (and, for a
    label that is not ``short``, the rest of a longer wording up to its colon).

    Returns the index after the label and how clearly it was delimited: 0 not at all,
    ``_WEAK`` by a "." or ";" (OCR often reads a colon so), ``_STRONG`` by a colon, a
    slash or an English half.
    """
    toks = row.tokens

    def strength(text: str) -> int:
        if any(c in text for c in ":/") or (paren and ")" in text):
            return _STRONG
        return _WEAK if any(c in text for c in ".;") else 0

    last = toks[end - 1].text
    opened = last.endswith(("/", "("))
    paren = last.endswith("(")
    delimited = strength(last[-1:])
    j = end
    while j < len(toks):
        t = toks[j]
        if not t.key and (set(t.text) <= _PUNCT):
            delimited = max(delimited, strength(t.text))
            opened = opened or any(c in t.text for c in "/(")
            paren = paren or "(" in t.text
            j += 1
            continue
        if _FOOTNOTE.match(t.text):
            j += 1
            continue
        if j == end and t.text in _SLASH_READINGS and english_span(toks, j + 1, label) > j + 1:
            # the slash before the English half read as a letter ("Số máy Í Engine N°:")
            opened = True
            j += 1
            continue
        opened = opened or t.text.startswith(("(", "/"))
        paren = paren or t.text.startswith("(")
        k = english_span(row.tokens, j, label)
        if k == j and opened:
            k = _unknown_english(row.tokens, j, paren)
        if k > j:
            delimited = _STRONG
            opened = False
            j = k
            continue
        break
    if not delimited and not short:
        j, rest = _rest_of_label(toks, j)
        delimited = _STRONG if rest else 0
    return j, delimited


#: The rest of a longer wording of a label ("thường trú" after "Nơi ĐKHK") is taken with
#: the label when it is at least this many letters long.
LONGER_REST = 4


@functools.cache
def _rests(label: Label, wording: str) -> tuple[tuple[str, int], ...]:
    """The folded keys (and word counts) of what the label's longer wordings that begin
    with ``wording`` add to it."""
    head = _wording_tokens(wording)
    out = []
    for text in (*label.vi, *label.en):
        toks = _wording_tokens(text)
        rest = "".join(toks[len(head) :])
        if toks[: len(head)] == head and len(rest) >= LONGER_REST:
            out.append((rest, len(toks) - len(head)))
    return tuple(out)


def _longer_wording(toks: Sequence[Token], end: int, w: _Wording) -> int:
    """The end of the label matched as ``w`` through the rest of a longer wording of it
    that follows in lowercase ("Nơi ĐKHK" + "thường tr" of "Nơi ĐKHK thường trú:"), read
    with up to its letters' allowed edits and no colon: without the colon the longer
    wording is not found on its own, and its last words would open the value."""
    best = end
    for rest, words in _rests(w.label, w.text):
        key = ""
        for m in range(end, min(len(toks), end + words + 1)):
            if not toks[m].text[:1].islower():
                break
            key += toks[m].key
            if m + 1 > best and Levenshtein.distance(key, rest) <= allowed_edits(len(rest)):
                best = m + 1
    return best


def _rest_of_label(toks: Sequence[Token], j: int) -> tuple[int, bool]:
    """Through the colon of a longer label than the one matched ("Số máy 1:", "Số
    CMND/Hộ chiếu của chủ xe:"): label words are lowercase, values mostly are not."""
    for m in range(j, min(len(toks), j + 5)):
        text = toks[m].text
        numbered = m == j and re.fullmatch(r"[\dIl|]:", text) is not None
        if LEADER.match(text) or not (numbered or text[:1].islower()):
            break
        if text.endswith(":"):
            return m + 1, True
    return j, False


#: A value that did not validate is read again from a region reaching back to its label
#: (when more than this many line heights lie between them) and on to the next label (at
#: most ``REACH`` line heights past its last word): words the page reading dropped.
GAP_BEFORE = 1.5
REACH = 12.0
#: Labels of this many words or more are matched without a colon on their letters alone.
LONG = 5


def find_labels(rows: Sequence[Row], vocabulary: Vocabulary) -> list[LabelHit]:
    """Every label of ``vocabulary`` on the rows, best non-overlapping matches first.

    Multi-word labels are matched on the concatenated folded keys of 1..n+1 adjacent
    tokens, so a split ("Nh ãn hiệu") or merged ("Sốmáy") word still matches.
    """
    wordings = _compile(vocabulary)
    if not wordings or not rows:
        return []
    max_tokens = max(w.ntok for w in wordings) + 1
    keys = [w.key for w in wordings]
    ntoks = np.array([w.ntok for w in wordings])
    limits = np.array([allowed_edits(len(k)) for k in keys])
    lengths = np.array([len(k) for k in keys])
    hits: list[LabelHit] = []
    for r, row in enumerate(rows):
        spans = _spans(row, max_tokens, gap=1.5)
        if not spans:
            continue
        dist = process.cdist(
            [s[3] for s in spans], keys, scorer=Levenshtein.distance, dtype=np.int32
        )
        n = np.array([s[2] for s in spans])[:, None]
        # Fewer words than the label has is fine (OCR glues "Biểnsốmới"), one more too.
        ok = (dist <= limits[None, :]) & (n <= ntoks[None, :] + 1)
        cands = []
        for si, wi in zip(*np.nonzero(ok), strict=True):
            start, end, _, _ = spans[si]
            w = wordings[wi]
            d = int(dist[si, wi])
            span_key = spans[si][3]
            if Levenshtein.distance(span_key[:2], w.key[:2]) > 1:
                continue  # a label's first letters are read; "GIẤY PHÉP" is not "Số giấy phép"
            span = row.tokens[start:end]
            end = _longer_wording(row.tokens, end, w)
            full_end, strength = _extend(row, end, w.label, w.strict or w.ntok < 2)
            if w.strict and (
                (strength < _STRONG and not (d == 0 and _column_label(row, start, end, w)))
                or not all(re.fullmatch(r"[^\W\d_]+[:.;/(]*", t.text) for t in span)
            ):
                # "Số", "Hạng", "ĐT" only as a whole word with a colon after it, or
                # read exactly at the head of a row with the value column well apart
                continue
            if w.english and not all(t.text.isascii() for t in span):
                continue  # an English label is not spelled with Vietnamese letters
            if sum(t.text.count(",") for t in span[:-1]) > w.text.count(","):
                continue  # words of a list ("Thôn Nam, X. Tiền" is no "Năm SX")
            if not strength and (d > 0 or (w.ntok < LONG and not _same_marks(span, w.text))):
                # Without a colon only a label read exactly, tone marks included, counts:
                # the name "NGUYỄN QUÂN" folds to the label "Nguyên quán". A label of
                # LONG words or more is no name: its letters suffice ("Nơi đân bán chà số
                # khung", a box title printed without a colon).
                continue
            delimited = strength > 0
            weight = float(lengths[wi]) - 2.0 * d
            cands.append((weight, start, end, full_end, delimited, w, d))
        cands.sort(key=lambda c: (-c[0], c[1]))
        taken: list[tuple[int, int]] = []
        row_hits: list[LabelHit] = []
        for _, start, end, full_end, delimited, w, d in cands:
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            box = union([t.box for t in row.tokens[start:end]])
            score = 1.0 - d / max(len(w.key), 1)
            row_hits.append(
                LabelHit(w.tag, w.text, r, start, full_end, box, score, delimited, w.label)
            )
        row_hits.sort(key=lambda h: h.start)
        # An English half that was matched on its own is part of the label before it.
        kept: list[LabelHit] = []
        for h in row_hits:
            if kept and h.start < kept[-1].end:
                continue
            kept.append(h)
        hits.extend(kept)
    return hits


def _value_tokens(rows: Sequence[Row], hits: Sequence[LabelHit]) -> dict[int, set[int]]:
    """Per row, the tokens after a found label up to a column gap: its value's words,
    where no other label begins."""
    out: dict[int, set[int]] = {}
    for h in hits:
        toks = rows[h.row].tokens
        for i in range(h.end, len(toks)):
            before, tok = toks[i - 1], toks[i]
            if tok.box[0] - before.box[2] > COLUMN_GAP * max(before.height, tok.height):
                break
            out.setdefault(h.row, set()).add(i)
    return out


#: A label's first word read with a confidence under this is taken as unread ("£á loại"
#: for "Số loại"), not as the letters it was read as (``recover_labels``).
UNREAD_WORD = 0.3


def _list_item(tokens: Sequence[Token]) -> bool:
    """``tokens`` open with a short item ("Aí:", three characters at most before its
    colon) of a list that the next token shows goes on ("À2;")."""
    return len(tokens) > 1 and len(tokens[0].text) <= 4 and ";" in tokens[1].text


def _first_word_unread(words: Sequence[Token], wording: str) -> bool:
    """``words`` are ``wording`` with its first word unread: the engine doubted the first
    word (:data:`UNREAD_WORD`), and the rest (a word of four letters or more) is read
    exactly."""
    toks = _wording_tokens(wording)
    rest = "".join(toks[1:])
    return (
        len(words) >= 2
        and len(toks) >= 2
        and len(rest) >= 4
        and words[0].confidence < UNREAD_WORD
        and "".join(t.key for t in words[1:]) == rest
    )


def recover_labels(
    rows: Sequence[Row], vocabulary: Vocabulary, hits: Sequence[LabelHit]
) -> list[LabelHit]:
    """Labels of fields ``find_labels`` did not find, read too garbled for it ("Têa chÈ
    xe", "Địa ck", "Dz tích" on a grey, specked 200 dpi page).

    A span of letter words counts as the label of a field missing from ``hits`` when up to
    ``RECOVER_SHARE`` of the label's folded letters are wrong, its first letter is right
    (or its first word, which the engine doubted, is all it lost: "£á loại" for "Số
    loại", :func:`_first_word_unread`), and every other wording of the vocabulary is
    clearly further from it (a closed set:
    a garbled "Nh hiệu" is nearer "Nhãn hiệu" than any other label of the form), and it
    has small letters (titles are in capitals) and is not among the words of a found
    label's value (up to a column gap). The nearest span of each row, for the
    ``RECOVER_PER_FIELD`` nearest rows of each field; its score says how garbled it was.
    """
    wordings = [w for w in _compile(vocabulary) if not w.english and not w.strict]
    if not wordings or not rows:
        return []
    found = {h.field for h in hits if h.field}
    missing = np.array([field_of(w.tag) not in {None, *found} for w in wordings])
    if not missing.any():
        return []
    keys = [w.key for w in wordings]
    lengths = np.array([len(k) for k in keys], dtype=np.float64)
    ntoks = np.array([w.ntok for w in wordings])
    max_tokens = int(ntoks.max()) + 1
    used = {(h.row, i) for h in hits for i in range(h.start, h.end)}
    inside = _value_tokens(rows, hits)
    found_spans: dict[str, dict[int, LabelHit]] = {}
    for r, row in enumerate(rows):
        spans = [
            s
            for s in _spans(row, max_tokens, gap=1.5)
            if not any((r, i) in used for i in range(s[0], s[1]))
            and all(not any(c.isdigit() for c in t.text) for t in row.tokens[s[0] : s[1]])
        ]
        if not spans:
            continue
        dist = process.cdist(
            [s[3] for s in spans], keys, scorer=Levenshtein.distance, dtype=np.int32
        )
        share = dist / lengths[None, :]
        n = np.array([s[2] for s in spans])[:, None]
        share = np.where(n <= ntoks[None, :] + 1, share, np.inf)
        nearest = share.argmin(axis=1)
        near = share[np.arange(len(spans)), nearest] <= RECOVER_SHARE
        for si in np.flatnonzero(near & missing[nearest]):
            span = spans[si]
            order = np.argsort(share[si], kind="stable")
            wi = int(order[0])
            w = wordings[wi]
            tag = field_of(w.tag) or ""
            words = row.tokens[span[0] : span[1]]
            first = w.key[:1] if _first_word_unread(words, w.text) else span[3][:1]
            if first != w.key[:1] or not any(c.islower() for t in words for c in t.text):
                continue  # a label is written in small letters; a title is in capitals
            if span[0] in inside.get(r, ()):
                continue  # inside a value ("... đường Hoàng Quốc Việt," is no "Quốc tịch")
            # The nearest wording of another label that could be read here too (its first
            # letter right, as this one's): the same wording under another document
            # type's label (untagged) is no rival.
            rival = next(
                (
                    int(o)
                    for o in order[1:]
                    if wordings[int(o)].label is not w.label
                    and wordings[int(o)].key != w.key
                    and wordings[int(o)].key[:1] == first
                ),
                None,
            )
            if rival is not None and share[si, rival] - share[si, wi] < RECOVER_MARGIN:
                continue
            start, end = span[0], span[1]
            full_end, strength = _extend(row, end, w.label, True)
            score = 1.0 - float(share[si, wi])
            hit = LabelHit(
                w.tag,
                w.text,
                r,
                start,
                full_end,
                union([t.box for t in row.tokens[start:end]]),
                score,
                strength > 0,
                w.label,
            )
            per_row = found_spans.setdefault(tag, {})
            if r not in per_row or score > per_row[r].score:
                per_row[r] = hit
    return [
        h
        for per_row in found_spans.values()
        for h in sorted(per_row.values(), key=lambda h: -h.score)[:RECOVER_PER_FIELD]
    ]


# -- values -----------------------------------------------------------------------------


#: "ngày 24 tháng 01" in a row's folded words: a place-and-date line, never the rest of
#: a wrapped value.
_PLACE_DATE = re.compile(r"\bNGAY \S{1,3} THANG\b")

#: A row under a wrapped value whose words the engine is this unsure of on average is
#: not its continuation: the sparse-text reading turns the dots of a leader or a rule into
#: rows of "HH HN mm" at confidence 0.1-0.4, where a printed line reads above 0.8.
JUNK_CONFIDENCE = 0.5
#: A wrapped value runs over at most this many lines: a licence's narrow value column
#: wraps a long address ("Số 222, ngách 66/37, ngõ / 123 Hoàng Quốc Việt, / Phường Hàng
#: Gai, Quận / Hoàn Kiếm, Thành phố Hà / Nội") over five.
MAX_LINES = 6
#: A row with two words read at least this sure is a text line (``PageLayout._text_margin``).
MARGIN_CONFIDENCE = 0.5


@dataclass(frozen=True, slots=True)
class Value:
    """The words written for a label, in reading order."""

    tokens: tuple[Token, ...]
    lines: int
    below: bool  # read from the row(s) under the label rather than beside it

    @property
    def text(self) -> str:
        parts: list[str] = []
        for t in self.tokens:
            if parts and not t.glued:
                parts.append(" ")
            parts.append(t.text)
        return "".join(parts)

    @property
    def box(self) -> Box | None:
        return union([t.box for t in self.tokens]) if self.tokens else None

    @property
    def confidence(self) -> float:
        """Mean OCR confidence of the value's words (0 when there are none)."""
        if not self.tokens:
            return 0.0
        return sum(t.confidence for t in self.tokens) / len(self.tokens)

    @property
    def min_confidence(self) -> float:
        return min((t.confidence for t in self.tokens), default=0.0)


EMPTY = Value((), 0, False)
#: Two words of a value closer than this share of their mean glyph width are one word
#: whose letters the engine split ("RAN G E R", "VI S IO N": 0.25 apart; the space of
#: "GRAND I10" is 0.5 or more in the faces installed).
GLUE = 0.35


def closed_up(value: Value) -> Value:
    """``value`` with the pieces of a word read apart joined (:data:`GLUE`)."""
    tokens = list(value.tokens)
    changed = False
    for i in range(1, len(tokens)):
        a, b = tokens[i - 1], tokens[i]
        if b.glued or not a.text or not b.text or b.box[1] > a.box[3] or a.box[1] > b.box[3]:
            continue  # already one word, or on another line
        glyph = (a.box[2] - a.box[0] + b.box[2] - b.box[0]) / (len(a.text) + len(b.text))
        if 0 <= b.box[0] - a.box[2] < GLUE * glyph:
            tokens[i] = replace(b, glued=True)
            changed = True
    return replace(value, tokens=tuple(tokens)) if changed else value


# Between two columns' values on one row: wider than any gap between a value's words.
COLUMN_GAP = 4.0


def _junk(tokens: Sequence[Token]) -> bool:
    """Words read with too little confidence to be text: specks, leader dots."""
    return sum(t.confidence for t in tokens) < JUNK_CONFIDENCE * len(tokens)


def _under_words(dots: Token, tokens: Sequence[Token]) -> bool:
    """Leader dots that lie under a word of their row (the dotted line a value is typed
    on, read into the row between two of its words), not after the value."""
    x0, _, x1, _ = dots.box
    return any(
        t is not dots
        and not LEADER.match(t.text)
        and min(x1, t.box[2]) - max(x0, t.box[0]) > 0.3 * (x1 - x0)
        for t in tokens
    )


def _top(tokens: Sequence[Token]) -> int:
    """Top of a row's words: a rule or bar read as "|" that runs up beside the label
    above does not lift it (the row would be taken as still beside the label)."""
    words = [t for t in tokens if t.key] or tokens
    return min(t.box[1] for t in words)


@dataclass(frozen=True)
class PageLayout:
    """A page regrouped into rows, with the labels of one vocabulary found on it."""

    page: Page
    rows: tuple[Row, ...]
    hits: tuple[LabelHit, ...]
    line_height: float
    #: Labels of fields missing from ``hits``, read too garbled for ``find_labels``
    #: (:func:`recover_labels`): a value after one counts only when it validates.
    recovered: tuple[LabelHit, ...] = ()
    #: The wordings of the vocabulary's labels, marks kept (``_label_keys``).
    label_keys: frozenset[str] = frozenset()

    def hits_for(self, tag: str) -> list[LabelHit]:
        """Hits whose tag is ``tag``, top to bottom."""
        return [h for h in self.hits if h.tag == tag]

    def english_under_own(self, hit: LabelHit) -> bool:
        """``hit`` is the English half of a label found just above it ("Place of residence"
        on the line under "Nơi thường trú:"): not a label of its own, so what follows it
        is the rest of that label's value, not the value."""
        if hit.label is None or hit.wording not in hit.label.en:
            return False
        lh = self.line_height
        return any(
            h.field == hit.field
            and h.row < hit.row
            and h.wording not in (h.label.en if h.label else ())
            and -0.5 * lh <= hit.box[1] - h.box[3] <= 1.5 * lh
            and abs(hit.box[0] - h.box[0]) <= 2 * lh
            for h in self.hits
        )

    def _row_hits(self, r: int) -> list[LabelHit]:
        return [h for h in self.hits if h.row == r]

    def _column_tokens(
        self, r: int, left: float, right: float, floor: float | None = None
    ) -> list[Token]:
        """Tokens of row ``r`` inside ``[left, right)`` up to the first label there; a gap
        wider than a column gap ends them (what lies past it is the next column's).

        With ``floor`` (the right edge of the label beside this one on its row): the
        column's left edge comes from its label, which OCR sometimes misplaces (its first
        word read glued to the label beside it: "expiruê quán" for "expiry" + "Quê
        quán"), so a phrase that starts left of ``left``, but right of ``floor``, is taken
        whole.
        """
        tokens = self.rows[r].tokens
        in_hit = {i for h in self._row_hits(r) for i in range(h.start, h.end)}
        lh = self.line_height
        out: list[Token] = []
        first = None
        for i, t in enumerate(tokens):
            if t.cx < left:
                continue
            if t.cx >= right or i in in_hit:
                break
            if LEADER.match(t.text):
                if out and len(t.text) >= 3:
                    break  # dots after a value fill the rest of the blank
                continue
            if out and t.box[0] - out[-1].box[2] > COLUMN_GAP * lh:
                break
            if first is None:
                first = i
            out.append(t)
        while first and floor is not None:  # the words before, as long as they run on
            t = tokens[first - 1]
            if (
                first - 1 in in_hit
                or LEADER.match(t.text)
                or out[0].box[0] - t.box[2] > 2 * lh
                or t.box[0] < floor
            ):
                break
            out.insert(0, t)
            first -= 1
        return out

    def _before_own_label(self, r: int, toks: Sequence[Token], tag: str) -> bool:
        """``toks`` (words of row ``r`` in a value's column) end where a label of the
        same field ``tag`` starts: they are the unread rest of that label."""
        end = self.rows[r].tokens.index(toks[-1]) + 1
        return any(h.tag == tag and h.start == end for h in self._row_hits(r))

    def _value_of_other_label(self, r: int, tok: Token, hit: LabelHit) -> bool:
        """``tok``, found on row ``r`` under the blank after ``hit``, is the value of
        another label on its own row: the first word after that label, starting left of
        ``hit`` rather than under it ("Số máy 2:" left blank, and the chassis number
        after "Số khung:" on the row under it, reaching under "Số máy 2:")."""
        if tok.box[0] >= hit.box[0] - 0.5 * self.line_height:
            return False
        tokens = self.rows[r].tokens
        idx = tokens.index(tok)
        return any(
            h.field != hit.field
            and h.end <= idx
            and all(LEADER.match(t.text) or not t.key for t in tokens[h.end : idx])
            for h in self._row_hits(r)
        )

    def _runs_on(self, r: int, tok: Token) -> bool:
        """``tok``, the first word of row ``r`` inside a value's column, continues a phrase
        begun left of the column, a word's gap away: the row is a line across the page
        (the declaration's pledge under a row of labels whose values OCR dropped), not a
        value of this column."""
        tokens = self.rows[r].tokens
        idx = tokens.index(tok)
        return idx > 0 and tok.box[0] - tokens[idx - 1].box[2] <= self.line_height

    def _only_label_of(self, r: int, left: float, right: float, tag: str) -> bool:
        """Row ``r`` holds, inside ``[left, right)``, nothing but labels of field ``tag``."""
        hits = [h for h in self._row_hits(r) if h.tag == tag]
        if not hits:
            return False
        inside = {i for h in hits for i in range(h.start, h.end)}
        return all(
            i in inside or not t.key
            for i, t in enumerate(self.rows[r].tokens)
            if left <= t.cx < right
        )

    def _label_right(self, hit: LabelHit) -> int:
        """Right edge of the whole printed label, its English half included: a value under
        it may be centred under that half ("Năm sản xuất / Year of manufacture:")."""
        return max(t.box[2] for t in self.rows[hit.row].tokens[hit.start : hit.end])

    def _stop(self, hit: LabelHit) -> tuple[int, float]:
        """Where the value of ``hit`` ends on its row: token index and x (next label)."""
        row = self.rows[hit.row]
        later = [h for h in self._row_hits(hit.row) if h.start >= hit.end]
        if not later:
            return len(row.tokens), float(self.page.width)
        return later[0].start, float(row.tokens[later[0].start].box[0])

    def reread_region(self, hit: LabelHit, value: Value, whole: bool) -> Box | None:
        """The region to read again for ``value``, read beside ``hit`` on one line: its
        words' box, and with ``whole`` (the value did not validate) that box reaching back
        to the label when a gap of more than ``GAP_BEFORE`` line heights lies between them
        (words the page reading dropped: a seal's ring through them) and on to where the
        next label starts, at most ``REACH`` line heights further (the value's end)."""
        box = value.box
        if box is None or value.below or value.lines != 1 or not whole:
            return box
        lh = self.line_height
        x0, y0, x1, y1 = box
        label_right = self._label_right(hit)
        if x0 - label_right > GAP_BEFORE * lh:
            x0 = int(label_right + 0.25 * lh)
        _, right = self._stop(hit)
        x1 = max(x1, int(min(right - 0.25 * lh, x1 + REACH * lh)))
        return (x0, y0, x1, y1)

    def alternatives(self, hit: LabelHit, limit: int = 2) -> list[Value]:
        """Other readings of a value, for fields whose validator can choose: each row under
        the label within its column (up to ``limit``), nearest first."""
        lh = self.line_height
        _, right = self._stop(hit)
        left = hit.box[0] - 0.5 * lh
        out: list[Value] = []
        for nr in range(hit.row + 1, len(self.rows)):
            in_col = [t for t in self.rows[nr].tokens if left <= t.cx < right]
            if not in_col:
                continue
            top = _top(in_col)
            if top - hit.box[3] > 3.5 * lh or len(out) >= limit:
                break
            if top < hit.box[3] - 0.5 * lh:
                continue
            toks = self._column_tokens(nr, left, right)
            if hit.label is not None and toks:
                toks = toks[english_span(toks, 0, hit.label, prefix=True) :]
            if toks and (
                self._value_of_other_label(nr, toks[0], hit) or self._runs_on(nr, toks[0])
            ):
                continue
            # A row that starts far right of where the label ends is another block (the
            # place-and-date line above a signature), not this label's value.
            if toks and toks[0].box[0] <= self._label_right(hit) + 4 * lh:
                out.append(Value(tuple(toks), 1, True))
        return out

    def blank_regions(self, hit: LabelHit) -> list[tuple[Box, bool]]:
        """Where the value of a label with nothing read after it would be printed, as
        (box, below): beside the label up to the next label on its row (at most eight line
        heights), and under it (the label's width and two line heights more). A region
        that holds a word of the page's reading is left out: that word was read, and not
        taken as the value for a reason (a leader, another label)."""
        lh = self.line_height
        _, right = self._stop(hit)
        x0, y0, x1, y1 = hit.box
        pad = 0.25 * lh
        regions = (
            ((x1 + pad, y0 - pad, min(right - pad, x1 + 8 * lh), y1 + pad), False),
            ((x0 - 0.5 * lh, y1 + 0.25 * lh, min(right, x1 + 2 * lh), y1 + 2.0 * lh), True),
        )
        out: list[tuple[Box, bool]] = []
        for (a, b, c, d), below in regions:
            box = (
                max(0, int(a)),
                max(0, int(b)),
                min(self.page.width, int(c)),
                min(self.page.height, int(d)),
            )
            if box[2] - box[0] < lh or box[3] - box[1] < 0.5 * lh:
                continue
            if any(
                box[0] <= t.cx < box[2] and box[1] <= (t.box[1] + t.box[3]) / 2 < box[3]
                for row in self.rows
                for t in row.tokens
            ):
                continue
            out.append((box, below))
        return out

    def value(self, hit: LabelHit, *, multiline: bool = False, bridge: bool = False) -> Value:
        """Value of ``hit``: rest of its row up to the next label, else the row(s) below.

        A gap wider than a column's ends the value's first line (what lies past it is
        taken for another column's value whose label was not read), unless ``bridge``:
        then the line runs on to the next label, over words the page reading dropped
        (a seal's ring through "Số 15 ng[õ 229 đ]ường Hoàng Quốc Việt")."""
        lh = self.line_height
        row = self.rows[hit.row]
        stop, right = self._stop(hit)
        same: list[Token] = []
        english = _english_words(hit.label) if hit.label is not None else frozenset()
        for t in row.tokens[hit.end : stop]:
            if LEADER.match(t.text):
                if same and len(t.text) >= 3 and not _under_words(t, row.tokens):
                    break  # dots after a value fill the rest of the blank
                continue
            if not same and t.key in english and not t.text[:1].isupper():
                continue  # the rest of the English half ("code" of "Model code")
            if same and t.box[0] - same[-1].box[2] > COLUMN_GAP * lh and not bridge:
                break  # far to the right: another column whose label we could not read
            same.append(t)
        lines = [same] if same else []
        below = not same
        bottom = hit.box[3]
        left = hit.box[0] - 0.5 * lh
        r = hit.row
        if below:
            beside = [h.box[2] for h in self._row_hits(hit.row) if h.end <= hit.start]
            floor = max(beside) if beside else None
            r, toks = self._below(hit.row, bottom, left, right, 1.6 * lh, hit.label, hit.tag, floor)
            if toks and toks[0].box[0] > self._label_right(hit) + 4 * lh:
                return EMPTY  # another block (a place-and-date line), not this value
            if toks and self._value_of_other_label(r, toks[0], hit):
                return EMPTY
            if not toks:
                return EMPTY
            lines.append(toks)
            bottom = max(t.box[3] for t in toks)
        if multiline:
            margin = self._text_margin()
            limit = min(right, margin)
            while len(lines) < MAX_LINES:
                prev = lines[-1]
                listed = prev[-1].text.endswith((",", ";", "/"))
                if prev[-1].box[2] < limit - 0.3 * (limit - left) and not listed:
                    break  # the previous line ended early and not in a list: no wrap
                nr, toks = self._below(r, bottom, left, right, 0.9 * lh, hit.label, hit.tag)
                if toks and all(t.confidence < JUNK_CONFIDENCE for t in toks):
                    # Only specks (a stamp's fragment read "tiêm" at 0.31) between this line
                    # and the next: the next, as near to this line, still continues it.
                    past = self._below(nr, bottom, left, right, 0.9 * lh, hit.label, hit.tag)
                    if past[1] and not _junk(past[1]):
                        nr, toks = past
                if toks and _junk(toks):
                    # The line's end may be a dotted leader read as letters ("Hà Nội {.Hị
                    # ỊoOỤ HO ..."): the words before it still continue the value.
                    while toks and toks[-1].confidence < JUNK_CONFIDENCE:
                        toks = toks[:-1]
                if not toks or _junk(toks):
                    break  # nothing below, or specks and leader dots read as letters
                if _PLACE_DATE.search(" ".join(t.key for t in toks)):
                    break  # the place-and-date line above a signature ("Hà Nội, ngày …")
                if self._opens_with_label(toks):
                    break  # the next field's label, read without the colon it needs
                lines.append(toks)
                r = nr
                bottom = max(t.box[3] for t in toks)
        flat = tuple(t for line in lines for t in line)
        # Unmatched remnants of an unreadable English half: "code):" before the value, or
        # a lowercase word of the half ("code" of "(Model code)") where the value should be.
        # A short first item of a list whose separator was read as a colon ("Aí: À2; B2"
        # for "A1; A2; B2") is the value's.
        for _ in range(2):
            if flat and (
                (flat[0].text.endswith(":") and not _list_item(flat))
                or (flat[0].key in english and not flat[0].text[:1].isupper())
            ):
                flat = flat[1:]
        # The whole English half read as one word where the value should be ("ENGINEN°"
        # for "(Engine N°)"): it is never the value.
        if flat and hit.label is not None:
            flat = flat[english_span(flat, 0, hit.label) :]
            for _ in range(2):
                if len(flat) > 1 and english_fragment(flat[0], hit.label):
                    flat = flat[1:]
        if not flat and not below:
            return self.value(replace(hit, end=stop), multiline=multiline, bridge=bridge)
        return Value(flat, len(lines), below)

    def _opens_with_label(self, toks: Sequence[Token]) -> bool:
        """``toks`` start with a label's whole wording, read exactly ("Hạng EE" under an
        address: "Hạng" counts as a label only with its colon, which OCR lost)."""
        keys = [_marked(t.text) for t in toks[:3]]
        return any("".join(keys[:n]) in self.label_keys for n in range(1, len(keys) + 1))

    def holds_words(self, box: Box) -> bool:
        """A word of the page's reading reaches into ``box``."""
        return any(
            t.box[0] < box[2] and box[0] < t.box[2] and t.box[1] < box[3] and box[1] < t.box[3]
            for row in self.rows
            for t in row.tokens
        )

    def unclaimed(self, field: str | None = None) -> list[tuple[int, tuple[Token, ...]]]:
        """Runs of words that no found label holds or begins the value of: per row, top to
        bottom, parted where a column gap parts them (what is left to look at for a value
        whose label was not read). A field's value ends at a column gap (a card's
        columns); the value of a label of another fact runs to the row's end, past a
        column gap ("Nơi đăng ký khai sinh / Place of birth registration:" and the place
        far right of its English half is no quê quán). With ``field``, rows that hold a
        label of that field are left out whole: what is on its label's row is its
        labelled value's reading, not a value found without its label ("Xe mô tô" of
        "Loại xe: œ-- Xe mô tô [hai] bánh")."""
        own = {h.row for h in self.hits if field is not None and h.field == field}
        taken = _value_tokens(self.rows, [h for h in self.hits if h.field is not None])
        for h in self.hits:
            end = h.end if h.field is not None else len(self.rows[h.row].tokens)
            taken.setdefault(h.row, set()).update(range(h.start, end))
        runs: list[tuple[int, tuple[Token, ...]]] = []
        for r, row in enumerate(self.rows):
            if r in own:
                continue
            run: list[Token] = []
            for i, tok in enumerate(row.tokens):
                gap = run and tok.box[0] - run[-1].box[2] > COLUMN_GAP * max(
                    run[-1].height, tok.height
                )
                if i in taken.get(r, ()) or gap:
                    if run:
                        runs.append((r, tuple(run)))
                    run = []
                if i not in taken.get(r, ()):
                    run.append(tok)
            if run:
                runs.append((r, tuple(run)))
        return runs

    def _text_margin(self) -> float:
        """The right edge of the page's text: the rightmost end of a row holding two words
        read with some confidence. Specks and page edges read as letters far right of the
        text (a phone photo's desk, a scanner's lid) are not text lines."""
        ends = [
            max(t.box[2] for t in sure)
            for rw in self.rows
            if len(sure := [t for t in rw.tokens if t.key and t.confidence >= MARGIN_CONFIDENCE])
            >= 2
        ]
        return float(max(ends, default=self.page.width))

    def _below(
        self,
        r: int,
        bottom: int,
        left: float,
        right: float,
        max_gap: float,
        label: Label | None,
        tag: str | None = None,
        floor: float | None = None,
    ) -> tuple[int, list[Token]]:
        """The first row under row ``r`` with words in ``[left, right)``, if close enough
        (``floor``: as for ``_column_tokens``).

        A row that holds only the label's English half (printed under the Vietnamese
        one) is stepped over, whether it was read as that half or found as a label of the
        same field on its own ("Place of residence" under "Nơi thường trú:").
        """
        for nr in range(r + 1, len(self.rows)):
            in_col = [t for t in self.rows[nr].tokens if left <= t.cx < right]
            if not in_col:
                continue
            top = _top(in_col)
            if top - bottom > max_gap:
                return nr, []
            if top < bottom - 0.5 * self.line_height:
                continue  # still beside the label (a taller neighbour), not below it
            if tag is not None and self._only_label_of(nr, left, right, tag):
                bottom = max(t.box[3] for t in in_col)
                continue
            toks = self._column_tokens(nr, left, right, floor)
            if toks and tag is not None and self._before_own_label(nr, toks, tag):
                # The English half of the label, read in part ("Pliace of" before a
                # "residence" found as the field's label): no value of its own.
                bottom = max(t.box[3] for t in in_col)
                continue
            if label is not None and toks:
                k = english_span(toks, 0, label, prefix=True)
                if k:
                    rest = [t for t in toks[k:] if t.key or not set(t.text) <= _PUNCT]
                    if not rest:
                        bottom = max(t.box[3] for t in toks)
                        continue
                    toks = rest
            return nr, toks
        return r, []


@functools.lru_cache(maxsize=64)
def analyse(page: Page, vocabulary: Vocabulary) -> PageLayout:
    """Regroup ``page`` into rows and find the labels of ``vocabulary`` on it.

    Kept for the last pages asked about (a layout is immutable): a job extracts each
    document up to three times from the same readings (which pages to read again, which
    value boxes to read again, then with the readings), 50 ms a page each time."""
    tokens, rows = page_rows(page)
    heights = [t.height for t in tokens if t.key]
    lh = float(statistics.median(heights)) if heights else 20.0
    hits = tuple(find_labels(rows, vocabulary))
    recovered = tuple(recover_labels(rows, vocabulary, hits))
    return PageLayout(page, rows, hits, lh, recovered, _label_keys(vocabulary))


@functools.cache
def _label_keys(vocabulary: Vocabulary) -> frozenset[str]:
    """The vocabulary's Vietnamese wordings as ``_marked`` spells them, marks kept ("hạng"
    is a label, "hàng" of "Hàng Gai" is not)."""
    return frozenset(_marked(w.text) for w in _compile(vocabulary) if not w.english)
