"""Field extraction: labelled values on OCRed pages → canonical schema values.

Each doc type has an explicit, ordered registry of :class:`FieldExtractor` objects, one
per field of ``field_names(doc_type)``. An extractor finds its label occurrences
(:mod:`extract.layout`), reads the value region of each, normalises and validates it
(:mod:`extract.values`) and keeps the best-supported candidate. Cross-field checks
(CCCD vs date of birth and sex, plate vs vehicle type, licence classes vs issue date)
then add problems. A value that was read but fails validation is returned as read
(cleaned, never "corrected") with ``valid=False`` and a low confidence.
"""

from __future__ import annotations

import functools
import itertools
import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal, Protocol, TypeGuard

from rapidfuzz.distance import Levenshtein

from extract import calibration, evidence, mrz, rubbings
from extract import values as V
from extract.gazetteer import is_listed_unit, listed_place, names_units
from extract.labels import FALLBACK_LABELS, FIELD_LABELS, OTHER_LABELS, Label
from extract.layout import LabelHit, PageLayout, Value, Vocabulary, analyse, closed_up
from extract.normalize import fold, parse_date
from extract.plates import parse_plate, vehicle_kind
from extract.reread import Reader, vote
from extract.rows import Token
from extract.validators import LICENSE_CLASSES, parse_id_number
from hoso.schema import field_names
from ocr.model import Box, Page, union


@dataclass(frozen=True)
class ExtractedField:
    """One field's value with its evidence (schema ``$defs.field``)."""

    value: str | None
    raw: str | None
    confidence: float
    page: int | None
    bbox: Box | None
    valid: bool | None
    problems: tuple[str, ...] = ()
    #: Evidence behind ``confidence`` for later calibration (OCR confidences, label score...).
    features: Mapping[str, float] = field(default_factory=dict, compare=False, hash=False)


MISSING = ExtractedField(None, None, 0.0, None, None, None)


@dataclass(frozen=True)
class Document:
    """The pages of one document, analysed with its doc type's label vocabulary, and an
    optional second reader for single-line values (:mod:`extract.reread`).

    ``second``: other whole-page readings of some of the pages (a poorly read page read
    again from a flattened copy, ``worker.second_readings``). Their labelled values are
    candidates beside the first reading's, which win ties: they fill in what the first
    reading lost."""

    doc_type: str
    layouts: tuple[PageLayout, ...]
    reader: Reader | None = None
    second: tuple[PageLayout, ...] = ()


class FieldExtractor(Protocol):
    """Reads one field of a document. ``known`` holds the fields extracted before it."""

    @property
    def name(self) -> str:
        """The schema field this extractor fills."""
        ...

    def extract(self, doc: Document, known: Mapping[str, ExtractedField]) -> ExtractedField:
        """The field's value and evidence (``MISSING`` when nothing was found)."""
        ...


@dataclass(frozen=True)
class _Candidate:
    parsed: V.Parsed
    value: Value
    hit: LabelHit | None
    page: int
    tier: int
    #: Read again from the empty region after its label (``_read_blanks``), not from the
    #: page's words.
    reread: bool = False
    #: The page reading the value was found in (None: not found after a label).
    layout: PageLayout | None = None
    #: Found in a second whole-page reading (``Document.second``).
    second: bool = False

    def rank(self) -> tuple[float, ...]:
        ok = {True: 2.0, None: 1.0, False: 0.0}[self.parsed.valid]
        y = self.value.box[1] if self.value.box else 0
        label = self.hit.score if self.hit else 0.5
        return (ok, -float(self.second), -self.tier, -self.page, round(label, 1), -y)


#: The problem of a stand-in found by search where the field's own label was read
#: garbled (``LabelledField.search_when_seen``).
_STAND_IN_DOUBTED = "its label may be printed, read garbled, with its value unread: a stand-in"
#: The tier of a value found after a garbled label (below every printed wording's).
RECOVERED = 50
#: The tier of a value read from a rubbing of the stamped number only (``rubbings``).
RUBBING = 60
#: The tier of a value found without its label by what it says (a whole address, a listed
#: make: ``LabelledField.alone``), and of one found by its shape (a VIN, a plate number).
ALONE = 98
SHAPED = 99
#: A typed value whose heuristic confidence is under this, even after the vote, yields to
#: a more confident valid value on which every reading of the rubbing agrees
#: ("ISOMPRD9016", a chassis number read through a fold band, passes the loose pattern of
#: non-VIN chassis numbers).
DOUBTFUL = 0.5


def confidence(
    parsed: V.Parsed, value: Value, label_score: float
) -> tuple[float, dict[str, float]]:
    """Heuristic probability that ``parsed.value`` is exactly right, and its evidence.

    Combines the words' OCR confidences (mean and weakest), how well the label matched,
    and the validator's verdict: a value that fails validation stays low whatever the
    OCR said; a validated, confidently read value gets high.
    """
    features = {
        "ocr_mean": round(value.confidence, 4),
        "ocr_min": round(value.min_confidence, 4),
        "label_score": round(label_score, 4),
        "valid": V.valid_feature(parsed.valid),
        "below": 1.0 if value.below else 0.0,
        "lines": float(value.lines),
        "words": float(len(value.tokens)),
    }
    base = 0.45 * value.confidence + 0.35 * value.min_confidence + 0.2 * label_score
    factor = {True: 1.0, None: 0.75, False: 0.3}[parsed.valid]
    if value.below:
        factor *= 0.95
    return round(max(0.0, min(0.99, base * factor)), 4), features


def _result(cand: _Candidate) -> ExtractedField:
    label_score = cand.hit.score if cand.hit else 0.6
    conf, features = confidence(cand.parsed, cand.value, label_score)
    # 0 main label, 1+ short forms, ALONE / SHAPED no label
    features["label_tier"] = float(cand.tier)
    return ExtractedField(
        cand.parsed.value,
        cand.value.text,
        conf,
        cand.page,
        cand.value.box,
        cand.parsed.valid,
        cand.parsed.problems,
        features,
    )


def _missing(seen: bool, blank: bool, searched: bool = False) -> ExtractedField:
    """No value, with the evidence the calibration needs to tell a field this layout does
    not print (no label) from one left blank (label, nothing after it) and from a value
    missed (label, something unreadable after it); ``searched``: nothing of the value's
    shape either, anywhere in the document (a 12-digit number, a VIN, a plate)."""
    features = {
        "label_seen": 1.0 if seen else 0.0,
        "value_blank": 1.0 if seen and blank else 0.0,
        "searched": 1.0 if searched else 0.0,
    }
    return replace(MISSING, features=features)


@dataclass(frozen=True)
class LabelledField:
    """A field printed after one of its labels; ``parse`` normalises and validates it."""

    name: str
    parse: V.ValueParser
    multiline: bool = False
    #: Several labelled values on one page make one value ("Số máy 1", "Số máy 2").
    join: bool = False
    #: How far the validator may choose between readings of the value. "first": free
    #: text, the reading beside (else under) the label is it. "rows": the row beside
    #: the label or one of the rows under it, the first that validates (names).
    #: "words": also less up to two leading words, unread label remnants such as
    #: "=gneA-" before an engine number (codes, numbers, dates).
    readings: Literal["first", "rows", "words"] = "first"
    #: A one-line value may run on to the next line when printed near the right edge
    #: ("Việt" at the end of the line, "Nam" under it): that reading is tried when the
    #: one-line reading fails its validator.
    wrap: bool = False
    #: When no label is found: a pattern search over the document's rows.
    search: Callable[[Document], list[tuple[int, Value]]] | None = None
    #: The search finds the value by what it says (a whole address, a listed make) rather
    #: than by a shape that only values of the field have: weaker evidence without the
    #: label, and the document is read again by the witness model (``worker``).
    alone: bool = False
    #: The search finds another fact that stands in for this one only where the form
    #: prints no label for it (the certificate's issue date for its first registration):
    #: a label seen with its value unread is then a field to review, not a search, and
    #: a stand-in found where the label was read garbled is in doubt.
    search_when_seen: bool = True
    #: The value is written in unaccented Latin letters, digits and punctuation only (codes,
    #: numbers, brands): a reader may add a reading with a Latin-script model, whose errors
    #: are not those of the Vietnamese model (I/T, F/E, 6/G in monospaced codes).
    latin: bool = False
    #: The document may carry a rubbing of the stamped number (:mod:`extract.rubbings`):
    #: its reading is a witness in the vote, and the value where the typed one is
    #: missing or invalid.
    rubbing: bool = False
    #: The value is a number its validator checks closely (a date, a phone or ID number, a
    #: year): when no reading validates, the one that 6, 8 or 9 read as a dotted zero
    #: would make valid is taken (:func:`extract.values.zero_repaired`), for review.
    zeros: bool = False
    #: Every value of the field has this (a plate prints digits): a reading left without
    #: it after every second reading is a stain, a seal's ring or a neighbour's label on a
    #: row the paper left blank, and the field reads as blank (``_missing``). A first
    #: registration's declaration is filled in before the plate is issued; on the tuning
    #: sets six of seven plates the dossier filled into a declaration from its certificate
    #: came from such readings ("cảN", "củ", "— [pe"), and none of them rightly.
    shaped: Callable[[str], bool] | None = None
    #: A value of the field is whole when this holds (a chassis number that is a
    #: 17-character VIN). A valid value that is not is read again from the region reaching
    #: back to its label, and a whole value read there that holds it wins the vote, its
    #: parts counting for it: a fold line through "RLH|JF7UU4KG724454" left the page
    #: reading "4KG724454", and its crop read again "U4KG724454", a valid frame number.
    whole: Callable[[str], bool] | None = None

    def extract(self, doc: Document, known: Mapping[str, ExtractedField]) -> ExtractedField:
        """Best candidate over every occurrence of the field's labels."""
        ctx = {k: f.value for k, f in known.items()}
        cands: list[_Candidate] = []
        seen, blank = False, True
        blanks: list[tuple[PageLayout, LabelHit]] = []
        for layout, second in _readings_of(doc):
            for hit in layout.hits:
                if hit.field != self.name:
                    continue
                seen = True
                if layout.english_under_own(hit):
                    continue
                readings = self._readings(layout, hit)
                if not readings:
                    if not second:
                        blanks.append((layout, hit))
                    continue
                blank = False
                if self.multiline and doc.reader is not None and _read_well(doc, layout):
                    readings = [_reread_words(doc.reader, layout, v) for v in readings]
                parsed, value = self._parse(readings, ctx)
                if parsed.value is None:
                    continue  # only specks and punctuation where the value should be
                page = layout.page.number
                cands.append(_Candidate(parsed, value, hit, page, hit.tier, False, layout, second))
        if self.multiline and not any(c.parsed.valid for c in cands):
            cands += self._bridged(doc, ctx)
        if not any(c.parsed.valid for c in cands):
            cands += self._recovered(doc, ctx)
        first = [c for c in cands if not c.second]
        if not first and blanks and doc.reader is not None and self.readings == "words":
            # The blank after a label of the first reading, read again, comes before a
            # second reading's value.
            cands += self._read_blanks(doc.reader, blanks, ctx)
        search = self.search if self.search_when_seen or not seen else None
        if search is not None and not any(c.parsed.valid for c in cands):
            for page, value in search(doc):
                parsed, value = self._parse([value], ctx)
                if parsed.value is not None:
                    if not self.search_when_seen and self._garbled_label(doc):
                        parsed = V.Parsed(parsed.value, None, (_STAND_IN_DOUBTED,))
                    tier = ALONE if self.alone else SHAPED
                    cands.append(_Candidate(parsed, value, None, page, tier))
        copies = self._rubbings(doc)
        if not cands:
            return _copy_value(copies, self.parse, ctx) or _missing(seen, blank, search is not None)
        best = max(cands, key=_Candidate.rank)
        if self.join and best.parsed.valid:
            joined = [
                c
                for c in cands
                if c.page == best.page and c.second == best.second and c.parsed.valid
            ]
            if len(joined) > 1:
                return _joined(best, joined)
        result = self._settle(doc, best, cands, ctx, copies)
        result = _with_rubbing(result, _copy_value(copies, self.parse, ctx))
        if self.zeros and result.valid is False and result.raw:
            # A place-and-date line found by its shape ("ngày 06 tháng 68 năm 2024") is
            # the declaration's date with a zero misread: repaired before the check below.
            repaired = _zero_repaired(result, self.parse, ctx)
            if repaired.valid is not False:
                return repaired
            if best.hit is not None:
                result = repaired  # as read, unless it has not the field's shape (below)
        if best.hit is None and result.valid is False:
            # Found by its shape alone, without its label, and rejected by its validator
            # even after its second reading: not this field's (a 9-digit CMND is no phone).
            return _missing(seen, blank, True)
        shapeless = self.shaped is not None and not self.shaped(result.value or "")
        if shapeless and result.valid is False and result.value is not None:
            return _missing(seen, True)
        return result

    def _garbled_label(self, doc: Document) -> bool:
        """One of the field's labels was read too garbled to be found as printed
        (:func:`extract.layout.recover_labels`): the paper may print its row."""
        return any(h.field == self.name for lay in doc.layouts for h in lay.recovered)

    def _settle(
        self,
        doc: Document,
        best: _Candidate,
        cands: Sequence[_Candidate],
        ctx: V.Context,
        copies: Sequence[tuple[int, Box, Page]],
    ) -> ExtractedField:
        """The best candidate as a field: a value read again from a blank region with the
        share of such readings that agree, any other one-line value after its vote."""
        result = _result(best)
        if best.reread:
            agree = [c for c in cands if c.reread and c.parsed.value == best.parsed.value]
            features = {
                **result.features,
                "reread": 1.0,
                "agreement": len(agree) / len(cands),
                "blank_reread": 1.0,
            }
            return replace(result, features=features)
        if doc.reader is not None and result.bbox is not None and best.value.lines == 1:
            readings = list(doc.reader(best.page, result.bbox, latin=self.latin))
            if best.hit is not None and best.tier != RECOVERED:
                layout = best.layout or next(
                    lay for lay in doc.layouts if lay.page.number == best.page
                )
                region = layout.reread_region(best.hit, best.value, not self._whole(best.parsed))
                if region is not None and region != result.bbox:
                    readings += self._wide_readings(
                        doc.reader(best.page, region, latin=self.latin), readings, ctx
                    )
            result = vote(
                result,
                self.parse,
                ctx,
                readings,
                latin=self.latin,
                copies=[reading for _, _, reading in copies],
                whole=self.whole,
            )
        return result

    def _whole(self, parsed: V.Parsed) -> bool:
        """``parsed`` validates, and is whole where the field says what whole is."""
        if not parsed.valid:
            return False
        return self.whole is None or (parsed.value is not None and self.whole(parsed.value))

    def _wide_readings(
        self, wide: Sequence[Page], narrow: Sequence[Page], ctx: V.Context
    ) -> list[Page]:
        """The readings of a region wider than the value's words that are evidence: those
        that validate, and do not hold a valid value of the narrow readings with more
        around it (the next column's "AAA" after a chassis number also validates)."""
        parsed = (self.parse(r.text, ctx) for r in narrow)
        valid = [p.value for p in parsed if p.valid and p.value]
        out = []
        for reading in wide:
            value = self.parse(reading.text, ctx)
            if not value.valid or not value.value:
                continue
            if any(v != value.value and v in value.value for v in valid) and not (
                self.whole is not None and self.whole(value.value)
            ):
                continue
            out.append(reading)
        return out

    def _rubbings(self, doc: Document) -> list[tuple[int, Box, Page]]:
        """Readings of the document's rubbings of this field's stamped number."""
        if not self.rubbing or doc.reader is None:
            return []
        return [
            (layout.page.number, box, reading)
            for layout in doc.layouts
            for box in rubbings.regions(layout, self.name)
            for reading in doc.reader.rubbing(layout.page.number, box, layout.line_height)
        ]

    def _readings(self, layout: PageLayout, hit: LabelHit) -> list[Value]:
        """The value after ``hit``, then (for fields whose validator can choose) the other
        readings under it; empty when nothing is written there."""
        value = layout.value(hit, multiline=self.multiline)
        if self.latin:
            value = closed_up(value)  # codes: letters read apart are one code
        readings = [value] if value.tokens else []
        if self.join and not self.multiline and value.text.endswith((",", ";", "/")):
            # A list of values that goes on under the label's English half ("2ZR7509611,"
            # or "2ZR6697563 /" beside "Số máy:", the next number under it): the whole
            # list first.
            listed = layout.value(hit, multiline=True)
            if listed.tokens != value.tokens:
                readings.insert(0, listed)
        if self.wrap and readings and not self.multiline:
            wrapped = layout.value(hit, multiline=True)
            if wrapped.tokens != value.tokens:
                readings.append(wrapped)
        if self.readings != "first":
            readings += [v for v in layout.alternatives(hit) if v.tokens != value.tokens]
        return readings

    def _bridged(self, doc: Document, ctx: V.Context) -> list[_Candidate]:
        """Valid multi-line values whose first line runs on past a gap wider than a
        column's (:meth:`extract.layout.PageLayout.value` with ``bridge``): words the page
        reading dropped under a seal cut "Số 15 ng[õ 229 đ]ường Hoàng Quốc Việt, ..."
        short. Asked for only when no reading of the field validates: a gap is more
        often a column's than a seal's."""
        out = []
        for layout, second in _readings_of(doc):
            for hit in layout.hits:
                if hit.field != self.name or layout.english_under_own(hit):
                    continue
                bridged = layout.value(hit, multiline=True, bridge=True)
                if not bridged.tokens or bridged.tokens == layout.value(hit, multiline=True).tokens:
                    continue
                if doc.reader is not None and _read_well(doc, layout):
                    bridged = _reread_words(doc.reader, layout, bridged)
                parsed = self.parse(bridged.text, ctx)
                if parsed.valid:
                    page = layout.page.number
                    out.append(
                        _Candidate(parsed, bridged, hit, page, hit.tier, False, layout, second)
                    )
        return out

    def _recovered(self, doc: Document, ctx: V.Context) -> list[_Candidate]:
        """Valid values after labels of this field read too garbled to be found
        (:func:`extract.layout.recover_labels`); what follows a garbled label is taken
        only when its validator accepts it."""
        out = []
        for layout, second in _readings_of(doc):
            for hit in layout.recovered:
                if hit.field != self.name:
                    continue
                readings = self._readings(layout, hit)
                if not readings:
                    continue
                parsed, value = self._parse(readings, ctx)
                if parsed.valid:
                    page = layout.page.number
                    out.append(
                        _Candidate(parsed, value, hit, page, RECOVERED, False, layout, second)
                    )
        return out

    def _read_blanks(
        self, reader: Reader, blanks: Sequence[tuple[PageLayout, LabelHit]], ctx: V.Context
    ) -> list[_Candidate]:
        """Valid values read again from the empty regions after labels whose value the page
        reading did not hold (a lone "5" under "Số chỗ ngồi" that whole-page OCR dropped);
        a region left blank on the paper reads as nothing, or as dots that do not parse.
        Only for values a strict validator checks (codes, numbers, dates: ``readings ==
        "words"``): free text would take specks for a value ("m. ]" for a colour)."""
        out = []
        for layout, hit in blanks[:2]:
            for box, below in layout.blank_regions(hit):
                for reading in reader(layout.page.number, box, latin=self.latin):
                    words = [w for w in reading.words if w.text.strip()]
                    if not words:
                        continue
                    text = " ".join(w.text for w in words)
                    parsed = self.parse(text, ctx)
                    if not parsed.valid:
                        continue
                    ocr = sum(w.confidence for w in words) / len(words)
                    token = Token(text, fold(text), box, ocr)
                    value = Value((token,), 1, below)
                    out.append(_Candidate(parsed, value, hit, layout.page.number, 0, True))
        return out

    def _parse(self, readings: Sequence[Value], ctx: V.Context) -> tuple[V.Parsed, Value]:
        """The first reading that validates (for ``readings="words"`` also without up to
        two leading words), else the first reading as it is."""
        first = self.parse(readings[0].text, ctx)
        if first.valid:
            return first, readings[0]
        for value in readings:
            drop = 2 if self.readings == "words" else 0
            for k in range(min(drop, len(value.tokens) - 1) + 1):
                shorter = Value(value.tokens[k:], value.lines, value.below) if k else value
                parsed = self.parse(shorter.text, ctx)
                if parsed.valid:
                    return parsed, shorter
        return first, readings[0]


#: On a page read well enough to need no second reading (``Document.second``), a word
#: of a multi-line value (addresses, which are not read again whole) read with an
#: OCR confidence under this is read again, with its neighbours for context, as a crop in
#: the page's strip (``ocr.reread``): "161" read "HIGIl)" at 0 on a clean card; so is a
#: mark flatter than ``FLAT`` of the value's words' height (a leader's dots under the
#: text read as "-" or "›" at 0.8) ...
WORD_REREAD_BELOW = 0.4
FLAT = 0.25
#: ... and a gap between two words of one line wider than ``WORD_GAP`` times the value's
#: usual gap and than ``WORD_GAP_HEIGHT`` of its words' height, where the page reading
#: dropped a word as a speck ("Số [1,] ngách"). Some forms space their words widely.
WORD_GAP = 2.5
WORD_GAP_HEIGHT = 0.8
#: ... and the end of a line the value wraps from, ``TAIL`` of its words' height long,
#: when no word was read there: the page reading dropped the unit word the line ended
#: with ("P. Trung Hưng, TX." read without "TX.").
TAIL = 4.0
#: A word read again replaces the page's word, or fills the gap, when read at least this
#: confidently. A doubtful word with nothing read in its place goes when it is shaped like
#: a speck: flat, or narrower than ``NARROW`` of its height per letter ("TT)" in 18 px
#: of a 28 px line); a faint word that reads as nothing on its own stays as read.
WORD_KEPT = 0.6
NARROW = 0.3


def _reread_words(reader: Reader, layout: PageLayout, value: Value) -> Value:
    """``value`` with its doubtful words read again, and the words the page reading
    dropped in wide gaps read in (see ``WORD_REREAD_BELOW``)."""
    page = layout.page.number
    tokens = value.tokens
    if not tokens:
        return value
    height = statistics.median(t.height for t in tokens)
    gaps = [
        b.box[0] - a.box[2]
        for a, b in itertools.pairwise(tokens)
        if not b.glued and _same_row(a, b) and b.box[0] > a.box[2]
    ]
    wide = max(WORD_GAP * statistics.median(gaps), WORD_GAP_HEIGHT * height) if gaps else None

    def beside(i: int, tok: Token) -> Token | None:
        """The token at ``i`` when it stands on ``tok``'s row."""
        if not 0 <= i < len(tokens):
            return None
        return tokens[i] if _same_row(tokens[i], tok) else None

    def tail(i: int, tok: Token) -> Token | None:
        """A word read after ``tok``, the last of a line the value wraps from."""
        if i + 1 >= len(tokens) or beside(i + 1, tok) is not None:
            return None
        x0, x1 = tok.box[2] + 0.2 * height, min(layout.page.width, tok.box[2] + TAIL * height)
        if x1 - x0 < height:
            return None
        box = (int(x0), tok.box[1], int(x1), tok.box[3])
        if layout.holds_words((box[0], box[1], int(x1 + height), box[3])):
            return None  # a word read there, or just after (the crop may take its glyphs)
        found = _word_reading(reader, page, box, [tok])
        return found if _a_word(found) else None

    out: list[Token] = []
    changed = False
    for i, tok in enumerate(tokens):
        prev, after = beside(i - 1, tok), beside(i + 1, tok)
        if (
            prev is not None
            and wide is not None
            and not tok.glued
            and (tok.box[0] - prev.box[2] > wide)
        ):
            gap = (prev.box[2], tok.box[1], tok.box[0], tok.box[3])
            found = _word_reading(reader, page, gap, [prev, tok])
            if _a_word(found):
                out.append(found)
                changed = True
        kept = [tok]
        single = not tok.glued and not (after is not None and after.glued)
        flat = tok.height < FLAT * height and tok.text not in (",", ".")
        if single and (tok.confidence < WORD_REREAD_BELOW or flat):
            around = [t for t in (prev, tok, after) if t is not None]
            found = _word_reading(reader, page, tok.box, around)
            speck = flat or tok.box[2] - tok.box[0] < NARROW * tok.height * len(tok.text)
            if found is not None and (found.confidence >= WORD_KEPT or (speck and not found.text)):
                kept = [found] if found.text else []
                changed = True
        end = tail(i, tok)
        if end is not None:
            kept.append(end)
            changed = True
        out += kept
    return Value(tuple(out), value.lines, value.below) if changed else value


def _a_word(found: Token | None) -> TypeGuard[Token]:
    """A word read again stands in the value: letters or digits, read confidently."""
    return (
        found is not None and any(c.isalnum() for c in found.text) and found.confidence >= WORD_KEPT
    )


def _read_well(doc: Document, layout: PageLayout) -> bool:
    """``layout`` is a first reading of a page that needed no second one."""
    number = layout.page.number
    first = any(lay is layout for lay in doc.layouts)
    return first and not any(s.page.number == number for s in doc.second)


def _same_row(a: Token, b: Token) -> bool:
    return min(a.box[3], b.box[3]) > max(a.box[1], b.box[1])


def _word_reading(reader: Reader, page: int, target: Box, around: Sequence[Token]) -> Token | None:
    """What a reading of the words ``around`` holds inside ``target``'s columns, as one
    token (empty text: nothing there); None while the reader only records what to read,
    has no reading of it, or read a word there that runs into a neighbour (the page
    reading split that word otherwise: "X. ù Đồng" read again "Phù" over the "ù")."""
    readings = list(reader(page, union([target, *(t.box for t in around)])))
    if not readings:
        return None
    words = [
        w
        for w in readings[0].words
        if w.text.strip() and target[0] <= (w.box[0] + w.box[2]) / 2 <= target[2]
    ]
    others = [t.box for t in around if t.box != target]
    for w in words:
        for x0, _, x1, _ in others:
            if min(w.box[2], x1) - max(w.box[0], x0) > 0.3 * (x1 - x0):
                return None
    if not words:
        return Token("", "", target, 0.0)
    text = " ".join(w.text for w in words)
    ocr = sum(w.confidence for w in words) / len(words)
    return Token(text, fold(text), target, ocr)


def _readings_of(doc: Document) -> list[tuple[PageLayout, bool]]:
    """The document's page readings, the first ones first, each with whether it is a
    second reading."""
    return [(lay, False) for lay in doc.layouts] + [(lay, True) for lay in doc.second]


def _zero_repaired(result: ExtractedField, parse: V.ValueParser, ctx: V.Context) -> ExtractedField:
    """``result`` with the value its reading validates as when dotted zeros are read back
    (:func:`extract.values.zero_repaired`), else as it is. The repair is a guess that the
    validator admits, not a reading that passed it: its evidence says neither valid nor
    invalid, and its confidence stays the invalid reading's."""
    assert result.raw is not None
    repaired = V.zero_repaired(parse, result.raw, ctx)
    if repaired is None:
        return result
    features = {**result.features, "valid": 0.5, "repaired": 1.0}
    return replace(result, value=repaired.value, valid=True, problems=(), features=features)


def _copy_value(
    copies: Sequence[tuple[int, Box, Page]], parse: V.ValueParser, ctx: V.Context
) -> ExtractedField | None:
    """The valid value that most readings of the rubbings give, the most confident first
    (``RUBBING`` tier), for a field whose typed value is missing, invalid or doubtful;
    None when no reading validates."""
    found: dict[str, list[tuple[float, int, Box, str, V.Parsed]]] = {}
    for page, box, reading in copies:
        words = [w for w in reading.words if w.text.strip()]
        if not words:
            continue
        text = " ".join(w.text for w in words)
        parsed = parse(text, ctx)
        if parsed.valid and parsed.value:
            ocr = sum(w.confidence for w in words) / len(words)
            found.setdefault(parsed.value, []).append((ocr, page, box, text, parsed))
    if not found:
        return None
    group = max(found.values(), key=lambda g: (len(g), max(r[0] for r in g)))
    ocr, page, box, text, parsed = max(group, key=lambda r: r[0])
    value = Value((Token(text, fold(text), box, ocr),), 1, True)
    result = _result(_Candidate(parsed, value, None, page, RUBBING))
    agreement = len(group) / sum(len(g) for g in found.values())
    features = {**result.features, "readings": float(len(copies)), "agreement": agreement}
    confidence = round(result.confidence * (0.55 + 0.45 * agreement), 4)
    return replace(result, confidence=confidence, features=features)


def _with_rubbing(result: ExtractedField, copied: ExtractedField | None) -> ExtractedField:
    """The typed value's field, or the rubbing's (``copied``) where the typed one is
    invalid, or doubtful against a value every reading of the rubbing agrees on; a value
    that a reading of the rubbing won the vote for points at the rubbing."""
    if copied is None:
        return result
    if result.features.get("copy") and copied.value == result.value:
        features = {**result.features, "label_tier": float(RUBBING)}
        return replace(result, page=copied.page, bbox=copied.bbox, features=features)
    unanimous = copied.features["agreement"] == 1.0 and copied.features["readings"] >= 2
    doubtful = result.confidence < DOUBTFUL and copied.confidence > result.confidence
    return copied if not result.valid or (unanimous and doubtful) else result


def _joined(best: _Candidate, same_page: list[_Candidate]) -> ExtractedField:
    """One field from several labelled values of a page, in reading order, deduplicated."""
    same_page.sort(key=lambda c: (c.hit.row if c.hit else 0, c.value.box or (0, 0, 0, 0)))
    parts: list[str] = []
    for c in same_page:
        for part in (c.parsed.value or "").split("; "):
            if part and part not in parts:
                parts.append(part)
    one = _result(best)
    boxes = [c.value.box for c in same_page if c.value.box]
    return replace(
        one,
        value="; ".join(parts),
        raw=" | ".join(c.value.text for c in same_page),
        confidence=min(_result(c).confidence for c in same_page),
        bbox=union(boxes) if boxes else None,
    )


#: A run of this many letters is a word of a label (``_number_above_fields``)...
_LABEL_WORD = re.compile(r"[^\W\d_]{3,}")
#: ... unless the label says "Số" or "No." however misread ("Số JNo.:", "sốixo:").
_NUMBER_WORD = re.compile(r"SO|NO")


def _number_above_fields(doc: Document) -> list[tuple[int, Value]]:
    """Lone 5-8 digit numbers above the first field label (an unreadable "Số (No.):").
    A number after a word of another label on its row ("Mã định 9172408": the owner's ID
    after its label read in part) is that label's value: the certificate's is after "Số"
    or "No." (however misread) or nothing."""
    layout = doc.layouts[0]
    tagged = [h.row for h in layout.hits if h.tag and not h.tag.startswith("certificate_number")]
    found = []
    for row in layout.rows[: min(tagged, default=len(layout.rows))]:
        for i, tok in enumerate(row.tokens):
            if not re.fullmatch(r"\d{5,8}", tok.text.strip(".:,;")):
                continue
            before = [t for t in row.tokens[:i] if t.box[2] <= tok.box[0]]
            # (Words above or below it on a row of their own are specks.)
            said = re.sub(r"[^A-Z]", "", fold(" ".join(t.text for t in before)))
            if any(_LABEL_WORD.search(t.text) for t in before) and not _NUMBER_WORD.search(said):
                continue
            found.append((layout.page.number, Value((tok,), 1, False)))
    return found


def _digit_runs(lengths: tuple[int, ...]) -> Callable[[Document], list[tuple[int, Value]]]:
    """Search for a lone number of one of ``lengths`` digits (an ID whose "Số:" label
    could not be read), top of the first page first; failing that, the first number a
    digit longer or shorter (one digit read twice or dropped: the second reading of its
    box may settle it, and the validator rejects it otherwise). Only for 12-digit numbers:
    a 9-digit CMND's neighbours are the lengths of dates and phone numbers."""
    near = {n + d for n in lengths if n >= 12 for d in (-1, 1)}

    def search(doc: Document) -> list[tuple[int, Value]]:
        found, close = [], []
        for layout in doc.layouts[:1]:
            for row in layout.rows:
                run: list[Token] = []
                for tok in [*row.tokens, None]:
                    if tok is not None and re.fullmatch(r"[\d.\- ]*\d[\d.\-]*", tok.text):
                        run.append(tok)
                        continue
                    digits = "".join(c for t in run for c in t.text if c.isdigit())
                    if len(digits) in lengths:
                        found.append((layout.page.number, Value(tuple(run), 1, False)))
                    elif len(digits) in near:
                        close.append((layout.page.number, Value(tuple(run), 1, False)))
                    run = []
        return (found or close)[:1]

    return search


#: A date written in figures, with what OCR makes of its separators (``normalize.parse_date``).
_FIGURE_DATE = re.compile(r"\d{1,2}\s?[/.\-:Il|]\s?\d{1,2}\s?[/.\-Il|]\s?\d{4}")


def _earliest_date(doc: Document) -> list[tuple[int, Value]]:
    """The earliest date written in figures on rows that no other field's label starts,
    for a date of birth whose label could not be read: a card or licence prints the
    holder's birth before any date of issue or expiry. Its validator (a plausible birth)
    and its low, unlabelled evidence decide the rest."""
    found: list[tuple[str, int, Value]] = []
    for layout in doc.layouts:
        others = {h.row for h in layout.hits if h.field not in (None, "date_of_birth")}
        for r, row in enumerate(layout.rows):
            if r in others:
                continue
            tokens = row.tokens
            for i in range(len(tokens)):
                for n in range(1, min(3, len(tokens) - i) + 1):
                    run = Value(tuple(tokens[i : i + n]), 1, False)
                    text = run.text.strip(" :;,")
                    if not _FIGURE_DATE.fullmatch(text):
                        continue
                    iso = parse_date(text)
                    if iso is not None:
                        found.append((iso, layout.page.number, run))
    if not found:
        return []
    _, page, value = min(found, key=lambda f: f[0])
    return [(page, value)]


def _shaped(pattern: str, max_tokens: int = 3) -> Callable[[Document], list[tuple[int, Value]]]:
    """Search for runs of up to ``max_tokens`` words shaped like the value (a VIN, a plate
    with its separators), for pages where the label itself was not read."""
    shape = re.compile(pattern)

    def search(doc: Document) -> list[tuple[int, Value]]:
        found = []
        for layout in doc.layouts:
            for row in layout.rows:
                toks = row.tokens
                for i in range(len(toks)):
                    for j in range(i + 1, min(len(toks), i + max_tokens) + 1):
                        run = Value(toks[i:j], 1, False)
                        if shape.fullmatch(run.text.strip(".,;:")):
                            found.append((layout.page.number, run))
        return found

    return search


def _classes_after_unread_label(doc: Document) -> list[tuple[int, Value]]:
    """Licence classes after a label read as another short word with a colon ("Động: A1",
    "nạn: A1, B2") or as "Hạng" without its colon, or at a row's start after a label not
    read at all, with the English "Class" under where the label is, or making up a whole
    row ("A1; A2; B2": one code with a digit at least, a lone letter may be a speck). Only
    codes of the class vocabulary, as printed."""
    found = []
    for layout in doc.layouts:
        for r, row in enumerate(layout.rows):
            toks = row.tokens
            starts = [
                i + 1 for i, t in enumerate(toks[:-1]) if _short_colon_word(t) or _class_label(t)
            ]
            if _class_under(layout, r) or _class_row(toks):
                starts.insert(0, 0)
            for i in starts:
                j = i
                while j < len(toks) and toks[j].text.strip(",;") in LICENSE_CLASSES:
                    j += 1
                if j > i:
                    found.append((layout.page.number, Value(tuple(toks[i:j]), 1, False)))
    return found


#: The licence class label "Hạng", folded.
_CLASS_LABEL = "HANG"


def _class_label(tok: Token) -> bool:
    """``tok`` is the label "Hạng", its colon lost, or read with one letter wrong ("Hạny-"
    over a fold): only licence class codes after it count, so "Hạnh phúc" or "tháng 10"
    never give one."""
    return len(tok.key) >= 3 and Levenshtein.distance(tok.key, _CLASS_LABEL) <= 1


def _class_row(tokens: Sequence[Token]) -> bool:
    """Every token of the row is a licence class code, and one of them holds a digit."""
    codes = [t.text.strip(",;") for t in tokens]
    return all(c in LICENSE_CLASSES for c in codes) and any(ch.isdigit() for c in codes for ch in c)


def _short_colon_word(tok: Token) -> bool:
    return tok.text.endswith(":") and 2 <= len(tok.key) <= 5


def _class_under(layout: PageLayout, r: int) -> bool:
    """The row under row ``r`` starts with the English "Class" just under it, left of
    row ``r``'s first word by at most a label's width."""
    if r + 1 >= len(layout.rows):
        return False
    lh = layout.line_height
    first, below = layout.rows[r].tokens[0], layout.rows[r + 1].tokens[0]
    bottom = max(t.box[3] for t in layout.rows[r].tokens)
    return (
        below.key == "CLASS"
        and below.box[0] - lh <= first.box[0] <= below.box[0] + 6 * lh
        and below.box[1] - bottom <= 1.5 * lh
    )


#: A plate prints its province's two digits and a serial of four or five, a series digit
#: beside them on some: a reading with fewer digits than ``PLATE_DIGITS`` allows, or more,
#: is another row's words ("Số loại:" read "$6 loail", "Màu sơn: 06") or number, unless
#: it starts as a plate does (``_PLATE_START``: "30B -", the rest under a seal).
PLATE_DIGITS = range(3, 11)
_PLATE_START = re.compile(r"\d{2}\s?-?\s?[A-ZĐ]")


def _plate_digits(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    return digits in PLATE_DIGITS or (digits == 2 and _PLATE_START.match(value) is not None)


#: A phone number prints ten digits: a reading after the label with fewer than three, or
#: that is a date, is the blank line's neighbour ("SĐT", the label's own abbreviation;
#: "22.09.2024", the place-and-date line beside it). A number cut short ("0794,") stays,
#: doubtful, for the witness model and the reviewer.
PHONE_DIGITS = 3


def _phone_digits(value: str) -> bool:
    return sum(c.isdigit() for c in value) >= PHONE_DIGITS and parse_date(value) is None


_VIN_SHAPE = _shaped(r"[A-HJ-NPR-Z0-9]{17}", 1)
#: A plate's shapes, with their separators (DOMAIN.md §3); the space between the series
#: and the number may be read as a hyphen ("32-U3-812.36": a fold line through it).
_PLATE_SHAPE = _shaped(
    r"\d{2}[A-ZĐ]{1,2}\d?-\d{3}\.\d{2}|\d{2}-[A-ZĐ]{1,2}\d?[\s-]?\d{3}\.\d{2}"
    r"|\d{2}[A-Z]-\d{4}|\d{2}-[A-Z][A-Z0-9]\s?\d{4}"
)
_CCCD_SHAPE = _shaped(r"\d{12}|\d{3}\s\d{3}\s\d{6}")
_PHONE_SHAPE = _shaped(r"0\d{2,3}[.\s]?\d{3}[.\s]?\d{3,4}")


def _dated_lines(doc: Document) -> list[tuple[int, Value]]:
    """The place-and-date line ("Hà Nội, ngày 12 tháng 3 năm 2024") above a signature:
    the lowest row with a worded date on the first page with one. In a row that starts
    with another field's label (OCR joins "Hạng: B2" and the date beside it into one row),
    only the words from the worded date's "ngày" on count. Without one, the lowest row
    shaped like a worded date with a part misread ("tháng l1]") stands in: it does not
    validate, and its second reading (``reread.vote``) may; the lowest row of a worded
    date with its words misread and its numbers no date as read after that (a zero
    misread, ``zeros``).
    """
    for is_date in (V.worded_date, V.worded_date_shape, V.misworded_shape):
        for layout in doc.layouts:
            found = _rows_with(layout, is_date)
            if found:
                return [(layout.page.number, found[-1])]
    return []


def _rows_with(layout: PageLayout, is_date: Callable[[str], bool]) -> list[Value]:
    labelled = {h.row for h in layout.hits}
    found: list[Value] = []
    for r, row in enumerate(layout.rows):
        tokens = row.tokens
        if r in labelled:
            start = next(
                (
                    i
                    for i, t in enumerate(tokens)
                    if fold(t.text) == "NGAY" and is_date(Value(tokens[i:], 1, False).text)
                ),
                None,
            )
            if start is None or start == 0:
                continue
            tokens = tokens[start:]
        if is_date(Value(tokens, 1, False).text):
            found.append(Value(tokens, 1, False))
    return found


#: Words that open an address's first part, below the commune: a house, a hamlet, a
#: residential group (folded; :data:`extract.values.ADDRESS_START`).
_DWELLING_KEYS = frozenset(fold(w) for w in V.ADDRESS_START)


def _dwelling_start(tokens: Sequence[Token]) -> int | None:
    """Where an address starts among a run's first words: at its house or hamlet word
    ("Số", "Thôn", "Tổ", capitalised); what is before it is an unread label's rest."""
    for i, tok in enumerate(tokens[:6]):
        word = tok.text.strip(".,:;")
        if word[:1].isupper() and fold(word) in _DWELLING_KEYS:
            return i
    return None


def _origin_start(tokens: Sequence[Token]) -> int | None:
    """Where a quê quán (commune, district, province) starts among a run's first words: at
    the first word from which its first part is a listed place ("Nguyên Xuân Huy, ..." of
    "Nguyên quán"), else is one to three capitalised words before a listed district (a
    commune the list lacks)."""
    parts = [
        [
            p.strip()
            for p in (
                V.origin_value(Value(tuple(tokens[i:]), 1, False).text, {}).value or ""
            ).split(",")
        ]
        for i in range(min(5, len(tokens)))
    ]
    for i, found in enumerate(parts):
        if len(found) == 3 and is_listed_unit(found[0]):
            return i
    for i, found in enumerate(parts):
        words = found[0].split()
        if (
            len(found) == 3
            and is_listed_unit(found[1])
            and 1 <= len(words) <= 3
            and all(w[:1].isupper() for w in words)
        ):
            return i
    return None


def _address_runs(layout: PageLayout, field: str, origin: bool = False) -> list[Value]:
    """Addresses on the words no found label claims (:meth:`PageLayout.unclaimed`), top to
    bottom: a run of words, from its first house or hamlet word (:func:`_dwelling_start`;
    for a quê quán its first listed commune, :func:`_origin_start`), that reads as a
    whole address (at least three parts, the last a province or city), or does so with
    the run under it (its wrapped end: "Kiếm, TP. Hà Nội" under a card's residence)."""
    runs = layout.unclaimed(field)
    lh = layout.line_height
    found: list[Value] = []
    for k, (r, toks) in enumerate(runs):
        start = (_origin_start if origin else _dwelling_start)(toks)
        if start is None:
            continue
        toks = toks[start:]
        one = Value(toks, 1, False)
        if _whole_address(one, origin):
            found.append(one)
            continue
        bottom, x0 = max(t.box[3] for t in toks), toks[0].box[0]
        for r2, under in runs[k + 1 :]:
            top = min(t.box[1] for t in under)
            if r2 == r or top - bottom < -0.5 * lh:
                continue
            if top - bottom > 1.5 * lh:
                break
            if x0 - 15 * lh <= under[0].box[0] <= x0 + 2 * lh:
                two = Value((*toks, *under), 2, False)
                if _whole_address(two, origin):
                    found.append(two)
                break
    return found


def _whole_address(value: Value, origin: bool) -> bool:
    """Three parts or more, the last a province; a quê quán's three bare names
    (no unit word: :func:`extract.gazetteer.names_units`) without a figure."""
    parsed = (V.origin_value if origin else V.address_value)(value.text, {})
    text = parsed.value or ""
    if not parsed.valid or text.count(",") < 2:
        return False
    return not origin or (
        text.count(",") == 2 and not names_units(text) and not any(c.isdigit() for c in text)
    )


def _unlabelled_address(
    field: str, pick: Literal["first", "last", "origin"]
) -> Callable[[Document], list[tuple[int, Value]]]:
    """Search for an address whose label was not read (a seal's ring over "Quê quán", a
    fold over "Địa chỉ"): the first of the document's unclaimed addresses
    (:func:`_address_runs`) for the one address a form prints; on a citizen ID, whose
    place of origin is printed above the residence, the first quê quán for the place of
    origin and the last address for the residence. Its unlabelled evidence counts
    against it in the calibration."""

    def search(doc: Document) -> list[tuple[int, Value]]:
        found = [
            (lay.page.number, v)
            for lay in doc.layouts
            for v in _address_runs(lay, field, pick == "origin")
        ]
        return found[-1:] if pick == "last" else found[:1]

    return search


def _listed_alone(
    field: str, listed: Callable[[str], bool]
) -> Callable[[Document], list[tuple[int, Value]]]:
    """Search for a value of a closed list (a make, a kind of vehicle) whose label was not
    read: the first run of words no found label claims (:meth:`PageLayout.unclaimed`)
    that ends in one of the list, after at most three words (the unread label's rest:
    "Nhãn l.tệu YAMAHA", "ì Xe mô tô")."""

    def search(doc: Document) -> list[tuple[int, Value]]:
        for layout in doc.layouts:
            for _, toks in layout.unclaimed(field):
                for k in range(min(3, len(toks) - 1) + 1):
                    value = Value(toks[k:], 1, False)
                    if listed(value.text):
                        return [(layout.page.number, value)]
        return []

    return search


#: The nationality of a citizen ID or a licence. Where its label was not read ("ch Việt
#: Nam" of "Quốc tịch"), "Việt Nam" as a value prints it (not the national motto's
#: capitals, "CỘNG HÒA ... VIỆT NAM") after at most three words of the label's rest that no
#: found label claims.
_NATIONALITY = LabelledField(
    "nationality",
    V.nationality_value,
    wrap=True,
    search=_listed_alone("nationality", "Việt Nam".__eq__),
    alone=True,
)


# -- the registry ------------------------------------------------------------------------


def _address(
    name: str,
    pick: Literal["first", "last", "origin"],
    parse: Callable[[str, V.Context], V.Parsed] = V.address_value,
) -> LabelledField:
    """An address field: a value over several lines, found without its label as a whole
    address (:func:`_unlabelled_address`)."""
    return LabelledField(
        name, parse, multiline=True, search=_unlabelled_address(name, pick), alone=True
    )


_VEHICLE = {
    "brand": LabelledField(
        "brand",
        V.brand_value,
        latin=True,
        search=_listed_alone("brand", V.is_listed_make),
        alone=True,
    ),
    "model_code": LabelledField("model_code", V.model_code_value, latin=True),
    "vehicle_type": LabelledField(
        "vehicle_type",
        V.vehicle_type_value,
        wrap=True,
        search=_listed_alone("vehicle_type", V.is_listed_vehicle_type),
        alone=True,
    ),
    "color": LabelledField("color", V.color_value),
    "engine_number": LabelledField(
        "engine_number", V.engine_value, readings="words", join=True, latin=True, rubbing=True
    ),
    "chassis_number": LabelledField(
        "chassis_number",
        V.chassis_value,
        readings="words",
        search=_VIN_SHAPE,
        latin=True,
        rubbing=True,
        whole=V.vin_ok,
    ),
    "manufacture_year": LabelledField(
        "manufacture_year", V.year_value, readings="words", latin=True, zeros=True
    ),
    "engine_capacity_cc": LabelledField(
        "engine_capacity_cc", V.capacity_value, readings="words", latin=True
    ),
    "seats": LabelledField("seats", V.seats_value, readings="words", latin=True),
    "plate_number": LabelledField(
        "plate_number",
        V.plate_value,
        readings="words",
        search=_PLATE_SHAPE,
        latin=True,
        shaped=_plate_digits,
    ),
}

_OWNER = {
    "owner_name": LabelledField("owner_name", V.name_value, readings="rows"),
    "owner_address": _address("owner_address", "first"),
    "owner_id_number": LabelledField(
        "owner_id_number",
        V.owner_id_value,
        readings="words",
        search=_CCCD_SHAPE,
        latin=True,
        zeros=True,
    ),
}

#: The card holder's fields, alike on the citizen ID and the driving licence.
_HOLDER = {
    "full_name": LabelledField("full_name", V.name_value, readings="rows"),
    "date_of_birth": LabelledField(
        "date_of_birth",
        V.birth_date_value,
        readings="words",
        latin=True,
        zeros=True,
        search=_earliest_date,
    ),
}

#: Extraction order per doc type (a field may use those before it: the plate reads the
#: vehicle type). ``extract_fields`` returns them in the schema's order.
REGISTRY: dict[str, tuple[FieldExtractor, ...]] = {
    "registration_certificate": (
        _OWNER["owner_name"],
        _OWNER["owner_address"],
        _OWNER["owner_id_number"],
        *_VEHICLE.values(),  # the plate reads the vehicle type before it
        LabelledField(
            "registration_date",
            V.past_date_value("registration_date"),
            readings="words",
            zeros=True,
            search=_dated_lines,
            search_when_seen=False,
        ),
        LabelledField(
            "certificate_number",
            V.certificate_number_value,
            readings="words",
            search=_number_above_fields,
            latin=True,
        ),
    ),
    "registration_declaration": (
        _OWNER["owner_name"],
        _OWNER["owner_id_number"],
        _OWNER["owner_address"],
        LabelledField(
            "phone",
            V.phone_value,
            readings="words",
            search=_PHONE_SHAPE,
            latin=True,
            zeros=True,
            shaped=_phone_digits,
        ),
        *_VEHICLE.values(),  # the plate reads the vehicle type before it
        LabelledField(
            "declaration_date",
            V.past_date_value("declaration_date"),
            readings="words",
            zeros=True,
            search=_dated_lines,
        ),
    ),
    "citizen_id": (
        LabelledField(
            "id_number",
            V.citizen_number_value,
            readings="words",
            search=_digit_runs((12, 9)),
            latin=True,
            zeros=True,
        ),
        _HOLDER["full_name"],
        _HOLDER["date_of_birth"],
        LabelledField("sex", V.sex_value, readings="words"),
        _NATIONALITY,
        _address("place_of_origin", "origin", V.origin_value),
        _address("place_of_residence", "last"),
        LabelledField("expiry_date", V.expiry_value, readings="words", zeros=True),
    ),
    "driving_license": (
        LabelledField(
            "license_number",
            V.license_number_value,
            readings="words",
            search=_digit_runs((12,)),
            latin=True,
        ),
        _HOLDER["full_name"],
        _HOLDER["date_of_birth"],
        _NATIONALITY,
        _address("address", "first"),
        LabelledField(
            "license_class",
            V.license_class_value,
            readings="words",
            search=_classes_after_unread_label,
            latin=True,
        ),
        LabelledField(
            "issue_date",
            V.past_date_value("issue_date"),
            readings="words",
            search=_dated_lines,
            zeros=True,
        ),
        LabelledField("expiry_date", V.expiry_value, readings="words", zeros=True),
    ),
}


@functools.cache
def vocabulary(doc_type: str) -> Vocabulary:
    """Labels to look for on a ``doc_type`` page, tagged ``field#tier``.

    Tier 0 is a field's main label, higher tiers its short or fallback forms. Labels of
    other doc types and unextracted labels are included untagged: they end the value
    of the label before them.
    """
    own: list[tuple[str | None, Label]] = []
    for name, labels in FIELD_LABELS[doc_type].items():
        extra = FALLBACK_LABELS.get(doc_type, {}).get(name, ())
        own += [(f"{name}#{tier}", lb) for tier, lb in enumerate((*labels, *extra))]
    others = [
        (None, lb)
        for other, table in FIELD_LABELS.items()
        if other != doc_type
        for labels in table.values()
        for lb in labels
    ]
    return (*own, *((None, lb) for lb in OTHER_LABELS), *others)


def analyse_document(
    doc_type: str,
    pages: Sequence[Page],
    reader: Reader | None = None,
    second: Sequence[Page] = (),
) -> Document:
    """Rows and label hits of every page of one document (and of its ``second``
    readings of pages)."""
    voc = vocabulary(doc_type)
    return Document(
        doc_type,
        tuple(analyse(p, voc) for p in pages),
        reader,
        tuple(analyse(p, voc) for p in second),
    )


def extract_fields(
    doc_type: str,
    pages: Sequence[Page],
    reader: Reader | None = None,
    calibrated: bool = True,
    second: Sequence[Page] = (),
) -> dict[str, ExtractedField]:
    """Every field of ``field_names(doc_type)`` read from the document's OCRed pages.

    Fields not found have value None and confidence 0. Values are canonical (schema
    ``fieldValue``); ``problems`` carries validation and cross-field findings. With a
    ``reader`` (:class:`extract.reread.Reader`), each single-line value is read again
    from its box and the readings vote (more OCR time, fewer character errors).
    ``calibrated``: confidences are the shipped calibration's probabilities
    (:mod:`extract.calibration`); False keeps the raw heuristic (to fit the calibration).
    ``second``: other whole-page readings of some of the pages, whose labelled values fill
    in what the first readings lost (:class:`Document`).
    """
    names = field_names(doc_type)
    if doc_type not in REGISTRY:
        return {n: MISSING for n in names}
    doc = analyse_document(doc_type, pages, reader, second)
    known: dict[str, ExtractedField] = {}
    for extractor in REGISTRY[doc_type]:
        known[extractor.name] = extractor.extract(doc, known)
    if doc_type == "citizen_id":
        known = _birth_year_of_the_card(known)
    known = cross_check(doc_type, known)
    # How well the whole document was read: a field missing from a well-read page, or
    # from one where the labels of most other fields were found, is more likely not
    # printed (a form that has no such line) than missed.
    confs = [w.confidence for p in pages for w in p.words]
    quality = round(sum(confs) / len(confs), 4) if confs else 0.0
    share = label_share(doc_type, doc)
    out = {
        n: replace(f, features={**f.features, "page_ocr": quality, "label_share": share})
        for n, f in ((n, known.get(n, MISSING)) for n in names)
    }
    if calibrated:
        zone = None
        if doc_type == "citizen_id":
            zone = mrz.read(layout.page for layout in (*doc.layouts, *doc.second))
        out = corroborate(doc_type, {n: _calibrated(n, f) for n, f in out.items()}, zone)
        out = {
            n: replace(f, confidence=calibration.recalibrate(f.confidence)) for n, f in out.items()
        }
        if doc_type == "citizen_id":
            out = _birth_date_of_the_card(out)
    return out


#: A chip card runs to the holder's birthday at one of these ages (DOMAIN.md §5.1).
CARD_AGES = (14, 25, 40, 60)


def label_share(doc_type: str, doc: Document) -> float:
    """Share of the document type's labelled fields whose labels were found."""
    labelled = {e.name for e in REGISTRY.get(doc_type, ()) if isinstance(e, LabelledField)}
    if not labelled:
        return 0.0
    found = {h.field for layout in doc.layouts for h in layout.hits if h.field}
    return round(len(labelled & found) / len(labelled), 4)


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _card_birthday(number: ExtractedField, expiry: ExtractedField) -> date | None:
    """The birthday a chip card's facts imply: the birth year its 12-digit number codes,
    with the day and month of its expiry, when the expiry falls at one of
    :data:`CARD_AGES` of that year; else None."""
    coded = parse_id_number(number.value) if number.value else None
    ends = _iso_date(expiry.value) if expiry.value else None
    if coded is None or coded.kind != "cccd" or coded.birth_year is None or ends is None:
        return None
    if ends.year - coded.birth_year not in CARD_AGES:
        return None
    try:
        return ends.replace(year=coded.birth_year)
    except ValueError:  # 29 February in a year without one
        return None


def _birth_year_of_the_card(fields: Mapping[str, ExtractedField]) -> dict[str, ExtractedField]:
    """A chip card's date of birth whose year alone the card contradicts twice: the
    12-digit number codes the birth year, and the expiry is the birthday at one of
    :data:`CARD_AGES`. Where the number and the expiry agree on a year, and the date of
    birth has the expiry's day and month but another year ("1985-10-27" on a card
    numbered 094080… that runs to 2020-10-27), its year is the misread part: it takes
    theirs. A guess the card's other fields admit, as a zero repaired is
    (:func:`_zero_repaired`): neither valid nor invalid to the calibration."""
    out = dict(fields)
    number, dob, expiry = out.get("id_number"), out.get("date_of_birth"), out.get("expiry_date")
    if not (number and dob and expiry and dob.value):
        return out
    born, implied = _iso_date(dob.value), _card_birthday(number, expiry)
    if born is None or implied is None or born.year == implied.year:
        return out
    if (born.month, born.day) != (implied.month, implied.day):
        return out
    features = {**dob.features, "valid": 0.5, "repaired": 1.0}
    out["date_of_birth"] = replace(
        dob, value=implied.isoformat(), valid=True, problems=(), features=features
    )
    return out


#: The most a date of birth taken from a chip card's number and expiry is trusted: under
#: the review threshold, since it is no reading of the date itself (a reviewer confirms
#: it on the card).
CARD_BIRTH_CEILING = 0.9


def _birth_date_of_the_card(fields: Mapping[str, ExtractedField]) -> dict[str, ExtractedField]:
    """A chip card whose date of birth was not read (nothing, or nothing that is a date),
    but whose valid number and expiry imply a birthday (:func:`_card_birthday`, DOMAIN.md
    §5.1): the date of birth is that day. Its confidence is the chance that both sources
    are right, at most :data:`CARD_BIRTH_CEILING`; what the page read stays in ``raw``."""
    out = dict(fields)
    number, dob, expiry = out.get("id_number"), out.get("date_of_birth"), out.get("expiry_date")
    if not (number and dob and expiry and number.valid and expiry.valid):
        return out
    if dob.value is not None and dob.valid is not False:
        return out
    implied = _card_birthday(number, expiry)
    if implied is None:
        return out
    sure = min(CARD_BIRTH_CEILING, round(number.confidence * expiry.confidence, 4))
    features = {**dob.features, "from_card_facts": 1.0}
    out["date_of_birth"] = replace(
        dob, value=implied.isoformat(), valid=True, problems=(), confidence=sure, features=features
    )
    return out


def _raised(f: ExtractedField, other: float) -> ExtractedField:
    """``f`` with the confidence that a second, independent reading of its value gives."""
    p = evidence.posteriors([("v", f.confidence), ("v", other)])[0]
    if p <= f.confidence:
        return f
    return replace(f, confidence=round(p, 4), features={**f.features, "corroborated": 1.0})


NOT_ON_CMND = ("sex", "nationality", "expiry_date")
#: How far a quê quán that the list of unit names confirms (``gazetteer.listed_place``)
#: is confirmed by that: a misread letter leaves a name unlisted, a misread mark makes it
#: ambiguous, a part lost leaves two. Chosen on the tuning set (docs/accuracy.md).
LISTED_PLACE = 0.9


def corroborate(
    doc_type: str, fields: Mapping[str, ExtractedField], zone: mrz.Zone | None = None
) -> dict[str, ExtractedField]:
    """Raise the confidence of fields that another field of the document confirms
    (``_citizen_id``, ``_certificate``); calibrated confidences go in. ``zone``: a citizen
    ID's machine-readable zone (:func:`with_mrz`)."""
    if doc_type == "citizen_id":
        return _citizen_id(with_mrz(fields, zone) if zone is not None else fields)
    if doc_type == "registration_certificate":
        return _certificate(fields)
    return dict(fields)


def _motorbike(fields: Mapping[str, ExtractedField]) -> float | None:
    """How sure the document is of a motorbike: the confidence of its vehicle type or its
    plate where either says so (the more confident), None when neither does or one of
    them says car (whether or not a check marked the two as disagreeing)."""
    kinds = []
    kind = fields.get("vehicle_type")
    if kind is not None and kind.value:
        kinds.append((vehicle_kind(kind.value), kind.confidence))
    plate = fields.get("plate_number")
    if plate is not None and plate.value:
        parsed = parse_plate(plate.value)
        if parsed is not None:
            kinds.append((_PLATE_VEHICLE.get(parsed.kind), plate.confidence))
    said = {k for k, _ in kinds if k is not None}
    if said != {"motorbike"}:
        return None
    return max(c for k, c in kinds if k == "motorbike")


#: Plate kinds whose layout is a motorbike's or a car's (special, foreign and temporary
#: plates say nothing of the vehicle).
_PLATE_VEHICLE = {
    "car": "car", "car_legacy": "car", "motorbike": "motorbike", "electric": "motorbike",
}  # fmt: skip
#: How far an owner ID number that a certificate neither labels nor prints anywhere
#: (no 9- or 12-digit number on it) is confirmed missing: many certificates print none.
#: On the calibration set's certificates 29 of 30 such fields were right (the other on a
#: damaged page, its confidence low already).
NO_OWNER_ID = 0.9
#: A document whose labels were this share found or more: a label missing from it is
#: more likely not printed than misread.
WELL_READ = 0.5
#: Certificate fields printed for cars only (DOMAIN.md §3: "Số chỗ ngồi (cars)").
NOT_FOR_MOTORBIKES = ("seats",)


def _certificate(fields: Mapping[str, ExtractedField]) -> dict[str, ExtractedField]:
    """A motorbike's certificate prints no seat count: seats found missing, with no label
    of it on the page, on a certificate whose vehicle type or plate is a motorbike's, is
    confirmed by that field. An owner ID number found missing with no label of it and
    nothing of its shape on a certificate whose other labels were mostly found is confirmed
    with weight ``NO_OWNER_ID``."""
    out = dict(fields)
    owner_id = out.get("owner_id_number")
    if (
        owner_id is not None
        and owner_id.value is None
        and owner_id.features.get("searched")
        and not owner_id.features.get("label_seen")
        and owner_id.features.get("label_share", 0.0) >= WELL_READ
    ):
        out["owner_id_number"] = _raised(owner_id, NO_OWNER_ID)
    sure = _motorbike(out)
    if sure is None:
        return out
    for name in NOT_FOR_MOTORBIKES:
        f = out.get(name)
        if f is not None and f.value is None and not f.features.get("label_seen"):
            out[name] = _raised(f, sure)
    return out


def _citizen_id(fields: Mapping[str, ExtractedField]) -> dict[str, ExtractedField]:
    """Raise the confidence of citizen-ID fields that another field of the card repeats.

    The CCCD number codes the holder's sex (its fourth digit), so a sex read in words
    that equals it has two readings; the expiry of a chip card is the holder's birthday
    at 14, 25, 40 or 60, so a date of birth and an expiry that agree on it confirm each
    other. A quê quán that the list of unit names confirms (``gazetteer.listed_place``)
    is raised. A 9-digit CMND number confirms that the sex, nationality and expiry the card
    does not print are missing. Calibrated confidences go in
    (:func:`extract.evidence.posteriors`); a disagreement changes nothing here
    (``cross_check`` already made it a problem).
    """
    out = dict(fields)
    number, sex = out.get("id_number"), out.get("sex")
    if number and number.valid and number.value and len(number.value) == 9:
        shown = [
            f
            for f in (out.get(name) for name in NOT_ON_CMND)
            if f is not None and (f.value is not None or f.features.get("label_seen"))
        ]
        if shown:
            # A card that prints a sex, a nationality or an expiry is no CMND: nine digits
            # are its 12-digit number read short ("001192055" of "001192055563").
            out["id_number"] = _with_problems(
                number, ("nine digits on a card that is no CMND: a CCCD number read short",)
            )
        else:
            # An old CMND (9 digits) prints no sex, nationality or expiry on its face: such
            # a field found missing, with no label of it on the card, is confirmed by the
            # number.
            for name in NOT_ON_CMND:
                f = out.get(name)
                if f is not None and f.value is None:
                    out[name] = _raised(f, number.confidence)
    if number and sex and number.valid and sex.valid and number.value and sex.value:
        coded = parse_id_number(number.value)
        if coded is not None and coded.sex is not None and coded.sex == sex.value:
            out["sex"] = _raised(sex, number.confidence)
    out.update(_from_the_number(out))
    origin = out.get("place_of_origin")
    if origin and origin.valid and origin.value and listed_place(origin.value, origin.raw or ""):
        out["place_of_origin"] = _raised(origin, LISTED_PLACE)
    dob, expiry = out.get("date_of_birth"), out.get("expiry_date")
    if dob and expiry and dob.valid and expiry.valid and dob.value and expiry.value:
        born, ends = _iso_date(dob.value), _iso_date(expiry.value)
        if (
            born is not None
            and ends is not None
            and (born.month, born.day) == (ends.month, ends.day)
            and ends.year - born.year in CARD_AGES
        ):
            out["date_of_birth"] = _raised(dob, expiry.confidence)
            out["expiry_date"] = _raised(expiry, dob.confidence)
    return out


#: How much of a valid number's confidence a fact read off it keeps (the fact the card
#: prints was not read: a seal or a fold over it, the number still legible).
FROM_NUMBER = 0.9


def _from_the_number(fields: Mapping[str, ExtractedField]) -> dict[str, ExtractedField]:
    """The sex and nationality a card left unread, from its 12-digit number (the sex
    from a valid one only), and the nationality it misread: the personal identification
    number is given to citizens only (nationality Việt Nam), and its fourth digit codes
    the holder's sex and century (DOMAIN.md §5.1). Every card with such a number prints
    both (the 9-digit CMND, which does not, has none)."""
    number = fields.get("id_number")
    if not number or not number.value or len(number.value) != 12:
        return {}
    coded = parse_id_number(number.value)
    if coded is None or coded.kind != "cccd":
        return {}
    confidence = round(number.confidence * FROM_NUMBER, 4)
    out = {}
    # A number that a check found wrong (its birth year against the date of birth) is
    # still a citizen's: its sex digit may be the misread one, the nationality stands.
    facts = (("sex", coded.sex), ("nationality", "Việt Nam"))
    for name, value in facts if number.valid else facts[1:]:
        f = fields.get(name)
        if f is None or value is None:
            continue
        if f.value is None:
            problems: tuple[str, ...] = ("read from the ID number: not read on the card",)
        elif name == "nationality" and f.value != value:
            # Only a citizen holds a CCCD, so a card with one prints "Việt Nam": another
            # reading ("Nai", "ật Nam" under a seal) is the print misread.
            problems = (f"read from the ID number: the card's {f.value!r} is no citizen's",)
        else:
            continue
        out[name] = ExtractedField(
            value,
            f.raw,
            confidence,
            number.page,
            f.bbox,
            None,
            problems,
            {**f.features, "from_number": 1.0},
        )
    return out


#: The chance that a fact read from a chip card's MRZ with its check digit verified is
#: right: on the tuning sets 59 of 59 such readings were (docs/accuracy.md), and a check
#: digit misses one substitution in none and two in ten.
MRZ_READING = 0.97
MRZ_FIELDS = ("id_number", "date_of_birth", "sex", "expiry_date")


def with_mrz(fields: Mapping[str, ExtractedField], zone: mrz.Zone) -> dict[str, ExtractedField]:
    """The card's fields weighed against its machine-readable zone (:mod:`extract.mrz`).

    A fact the front and the MRZ read alike is confirmed (:func:`_raised`); one the front
    lost, or read invalid, is taken from the MRZ; where both are valid and differ, the
    reading that Bayes' rule (:func:`extract.evidence.posteriors`) favours is kept, at its
    posterior, with a problem naming the other."""
    out = dict(fields)
    for name in MRZ_FIELDS:
        value = getattr(zone, name)
        f = out.get(name)
        if value is None or f is None:
            continue
        page, box = zone.boxes[name]
        read = ExtractedField(
            value,
            zone.raw[name],
            MRZ_READING,
            page,
            box,
            True,
            features={**f.features, "mrz": 1.0},
        )
        if f.value == value:
            out[name] = _raised(f, MRZ_READING)
        elif f.value is None or not f.valid:
            out[name] = read
        else:
            front, back = evidence.posteriors([(f.value, f.confidence), (value, MRZ_READING)])
            if back > front:
                problem = f"the front reads {f.value!r}"
                out[name] = replace(read, confidence=round(back, 4), problems=(problem,))
            else:
                problem = f"the machine-readable zone reads {value!r}"
                out[name] = replace(f, confidence=round(front, 4), problems=(*f.problems, problem))
    return out


def _calibrated(name: str, f: ExtractedField) -> ExtractedField:
    p = calibration.calibrate(name, f.value, f.confidence, f.features)
    return replace(f, confidence=p, features={**f.features, "raw_confidence": f.confidence})


def _with_problems(f: ExtractedField, problems: Sequence[str]) -> ExtractedField:
    if not problems or f.value is None:
        return f
    return replace(
        f,
        problems=(*f.problems, *problems),
        valid=False,
        confidence=round(f.confidence * 0.5, 4),
        # The calibration reads the verdict from the features: the cross-check's, now.
        features={**f.features, "valid": V.valid_feature(False), "cross_check_failed": 1.0},
    )


def cross_check(doc_type: str, fields: Mapping[str, ExtractedField]) -> dict[str, ExtractedField]:
    """Add cross-field problems inside one document to the fields concerned."""
    out = dict(fields)
    for name, problems in V.cross_problems(
        doc_type, {k: f.value for k, f in fields.items() if f.value is not None}
    ).items():
        if name in out:
            out[name] = _with_problems(out[name], problems)
    return out
