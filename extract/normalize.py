"""Text normalizers for OCR'd Vietnamese field values (DOMAIN.md §8, §9.7).

Pure functions on plain strings. ``clean_text`` produces the canonical stored
form (NFC, single spaces, tone placement as printed); ``fold`` produces a
matching key only and must never be stored as a value.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from datetime import date

# Combining tone marks (huyền, sắc, ngã, hỏi, nặng) and the vowel modifiers that
# must sit closer to the base letter than the tone for NFC to compose them.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_MODIFIERS = frozenset("\u0302\u0306\u031b")

_CHAR_FIXES = str.maketrans(
    {
        "\u00d0": "\u0110",  # Ð (eth) → Đ
        "\u00f0": "\u0111",  # ð → đ
        "\u0189": "\u0110",  # Ɖ (African D) → Đ
        "\u0256": "\u0111",  # ɖ → đ
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,  # soft hyphen
    }
)

_WS = re.compile(r"\s+")

# OCR confusions inside numeric fields (letter or symbol → digit).
DIGIT_CONFUSIONS: dict[str, str] = {
    **dict.fromkeys("OoQDØø", "0"),
    **dict.fromkeys("Il|!i]", "1"),  # "]": a serif 1's flag and foot
    **dict.fromkeys("Zz", "2"),
    **dict.fromkeys("Ss", "5"),
    "B": "8",
    **dict.fromkeys("Gb", "6"),
    "T": "7",
    **dict.fromkeys("gq", "9"),
}
_DIGIT_TABLE = str.maketrans(DIGIT_CONFUSIONS)
_DL = "[0-9" + re.escape("".join(DIGIT_CONFUSIONS)) + "]"


@functools.lru_cache(maxsize=4096)
def _split_tone(ch: str) -> tuple[str, str]:
    """Split one precomposed letter into (letter without tone, tone mark or '')."""
    nfd = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in nfd if c in _TONES)
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
    return base, tone


@functools.lru_cache(maxsize=4096)
def _with_tone(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


_MODIFIER_MARK = re.compile("[\u0302\u0306\u031b]")


def _marks_in_order(nfd: str) -> bool:
    """Whether sorting the marks would change nothing after NFC: no other mark of the same
    combining class comes before a vowel modifier in its sequence (NFC orders the classes)."""
    for m in _MODIFIER_MARK.finditer(nfd):
        ccc = unicodedata.combining(m.group())
        j = m.start() - 1
        while j >= 0 and (c := unicodedata.combining(nfd[j])):
            if c == ccc and nfd[j] not in _MODIFIERS:
                return False
            j -= 1
    return True


def _reorder_marks(s: str) -> str:
    """Put vowel modifiers before tone marks in every combining sequence.

    Some keyboards and OCR engines emit ``e + acute + circumflex``; both marks
    have combining class 230, so NFC keeps that order and yields ``é̂`` instead
    of ``ế``.
    """
    if not _MODIFIER_MARK.search(s):
        # Modifiers only inside precomposed letters, which decompose in order.
        return unicodedata.normalize("NFC", s)
    nfd = unicodedata.normalize("NFD", s)
    if _marks_in_order(nfd):  # nothing to move: the common case, done without a loop
        return unicodedata.normalize("NFC", nfd)
    out: list[str] = []
    marks: list[str] = []

    def flush() -> None:
        marks.sort(key=lambda m: 0 if m in _MODIFIERS else 1)
        out.extend(marks)
        marks.clear()

    for c in nfd:
        if unicodedata.combining(c):
            marks.append(c)
        else:
            flush()
            out.append(c)
    flush()
    return unicodedata.normalize("NFC", "".join(out))


_HORN_U = "ưƯ"
_HORN_O = "ơƠ"
# Letters whose decomposition carries the horn (ư, ơ with any tone, either case).
_HORNED = frozenset(
    c for c in map(chr, range(0x00C0, 0x2000)) if "\u031b" in unicodedata.normalize("NFD", c)
)
_HORNED_RE = re.compile("[" + "".join(sorted(_HORNED)) + "]")


def _fix_uo_cluster(s: str) -> str:
    """Repair broken ``ươ`` clusters: ``lựơng``/``lưọng``/``luợng`` → ``lượng``.

    In ``ươ`` the tone always sits on ``ơ`` and ``ư`` is never followed by a
    plain ``o``; ``uơ`` is only valid without a final consonant (``thuở``,
    ``quơ``), so it is repaired only before one.
    """
    horns = [m.start() for m in _HORNED_RE.finditer(s)]
    if not horns:
        return s
    chars = list(s)
    # Every repair below needs ư or ơ (any tone) in the pair, and only puts ơ where there
    # was a plain o: the pairs around the original horns are all that can change.
    pairs = sorted({i for h in horns for i in (h - 1, h) if 0 <= i < len(chars) - 1})
    for i in pairs:
        b1, t1 = _split_tone(chars[i])
        b2, t2 = _split_tone(chars[i + 1])
        if len(b1) != 1 or len(b2) != 1:  # a stray combining mark
            continue
        if b1 in _HORN_U and b2 in "oO":
            b2 = "ơ" if b2 == "o" else "Ơ"
        elif (
            b1 in "uU"
            and b2 in _HORN_O
            and i + 2 < len(chars)
            and chars[i + 2].lower() in "nctmpiu"
            and (i == 0 or chars[i - 1].lower() != "q")
        ):
            b1 = "ư" if b1 == "u" else "Ư"
        elif not (b1 in _HORN_U and b2 in _HORN_O and t1):
            continue
        chars[i] = b1
        chars[i + 1] = _with_tone(b2, t2 or t1)
    return "".join(chars)


def clean_text(s: str) -> str:
    """Canonical text: NFC, Ð→Đ, repaired vowel composition, single spaces.

    Tone placement is kept as printed (see ``tone_placement``).
    """
    if s.isascii():  # no marks to reorder, nothing to translate or repair
        return " ".join(s.split())
    s = _reorder_marks(s).translate(_CHAR_FIXES)
    s = _fix_uo_cluster(s)
    return _WS.sub(" ", s).strip()


_ONSET = "bcdđghklmnpqrstvx"
_OLD_NEW = re.compile(rf"([{_ONSET}]*)(oa|oe|uy)")
_WORD = re.compile(r"[^\W\d_]+")


def _place_tone(word: str, style: str) -> str:
    parts = [_split_tone(c) for c in word]
    toned = [i for i, (_, t) in enumerate(parts) if t]
    if len(toned) != 1:
        return word
    bare = "".join(b for b, _ in parts).lower()
    m = _OLD_NEW.fullmatch(bare)
    if m is None or (m.group(2) == "uy" and m.group(1).endswith("q")):
        return word
    first = len(m.group(1))
    target = first + 1 if style == "new" else first
    here = toned[0]
    if here not in (first, first + 1) or here == target:
        return word
    tone = parts[here][1]
    chars = list(word)
    chars[here] = parts[here][0]
    chars[target] = _with_tone(parts[target][0], tone)
    return "".join(chars)


def tone_placement(s: str, style: str = "new") -> str:
    """Normalise where the tone mark sits in open ``oa``/``oe``/``uy`` syllables.

    ``style="new"`` puts it on the main (second) vowel: ``hoà``, ``khoẻ``,
    ``thuỷ``, ``uý``; ``style="old"`` on the first: ``hòa``, ``khỏe``, ``thủy``,
    ``úy``. Syllables with a final consonant (``hoàng``), three-vowel nuclei
    (``ngoài``) and ``qu`` onsets (``quý``) are the same in both styles and are
    left alone. Letter case is preserved.
    """
    if style not in ("new", "old"):
        raise ValueError(f"style must be 'new' or 'old', not {style!r}")
    s = unicodedata.normalize("NFC", s)

    def place(m: re.Match[str]) -> str:
        after = s[m.end() : m.end() + 1]
        if after and unicodedata.combining(after):  # a stray mark would land on the moved letter
            return m.group(0)
        return _place_tone(m.group(0), style)

    return _WORD.sub(place, s)


def tone_style(s: str) -> str | None:
    """The tone placement ``s`` writes its open ``oa``/``oe``/``uy`` syllables in: "old"
    ("Xuân Thủy", "Hòa"), "new" ("Thuỷ", "Hoà"), or None where it shows none or both."""
    seen = set()
    for m in _WORD.finditer(unicodedata.normalize("NFC", s)):
        word = m.group(0)
        old, new = _place_tone(word, "old"), _place_tone(word, "new")
        if old != new:
            seen.add("old" if word == old else "new")
    return seen.pop() if len(seen) == 1 else None


def in_style_of(text: str, reading: str) -> str:
    """``text``, a value built from ``reading`` with words put back from a list, with the
    put-back words in the tone placement that the reading itself shows (a paper writes
    one: "Xuân Thủy, Phường Trung Hè" is "Trung Hòa" although the list spells "Trung
    Hoà"). Words the reading has are left as printed."""
    style = tone_style(reading)
    if style is None:
        return text
    read = {m.group(0) for m in _WORD.finditer(unicodedata.normalize("NFC", reading))}
    return _WORD.sub(
        lambda m: m.group(0) if m.group(0) in read else _place_tone(m.group(0), style), text
    )


def marked_key(s: str) -> str:
    """Comparison key that keeps the marks: cleaned, tone placement normalised, uppercase,
    single spaces ("Thủy" and "THUỶ" meet; "TRƯỜNG" and "TRƯƠNG" do not)."""
    return " ".join(tone_placement(clean_text(s)).upper().split())


def fold(s: str) -> str:
    """Matching key: no diacritics (đ→D), uppercase ASCII letters/digits, single spaces."""
    # Mark order, tone placement and the ươ repair of ``clean_text`` only move or change
    # marks, and every mark is dropped here: only its letter fixes (Ð→Đ...) matter.
    s = s.translate(_CHAR_FIXES).upper().replace("Đ", "D")
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    return re.sub(r"[^A-Z0-9]+", " ", s.upper()).strip()


def unique_by_fold(words: Iterable[str]) -> dict[str, str]:
    """Folded letters -> the one listed word with those letters; letters that several
    listed words share (Hà, Hạ) are left out, so a reading of them stays as read."""
    spellings: dict[str, set[str]] = {}
    for word in words:
        spellings.setdefault(fold(word), set()).add(word)
    return {key: next(iter(v)) for key, v in spellings.items() if len(v) == 1}


def digits_only(s: str) -> str:
    """Map OCR letter/digit confusions (O→0, l→1, S→5, B→8...) then keep ASCII digits."""
    return re.sub(r"[^0-9]", "", s.translate(_DIGIT_TABLE))


def digit_runs(s: str, separators: str = "") -> list[tuple[int, str]]:
    """Numeric-looking runs in ``s`` as ``(start, text)``.

    A run is a maximal sequence of digits and digit-like letters, optionally
    joined by single ``separators``; it must contain at least one real digit
    and at least as many real digits as confusable letters, so words such as
    ``Số`` or ``ngồi`` are not read as numbers.
    """
    sep = f"[{re.escape(separators)}]" if separators else None
    pattern = f"{_DL}+(?:{sep}{_DL}+)*" if sep else f"{_DL}+"
    runs = []
    for m in re.finditer(pattern, s):
        text = m.group(0)
        real = sum(c.isascii() and c.isdigit() for c in text)
        letters = sum(c in DIGIT_CONFUSIONS for c in text)
        if real and real >= letters:
            runs.append((m.start(), text))
    return runs


def _deaccent(s: str) -> str:
    """Strip diacritics character by character, keeping the length (đ→d)."""
    out = []
    for c in s:
        if c in "đĐ":
            out.append("d" if c == "đ" else "D")
        else:
            out.append(unicodedata.normalize("NFD", c)[0])
    return "".join(out)


def _ci(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


_GAP = r"[\s.:…_,\-]*"
# A slash is often read as "I", "l" or "|" ("07I03I2013"), and a stop as a colon
# ("11:11.1990"): between two digit groups either is taken as one only where the groups'
# own digits cannot be (a "1I/12/2020" keeps its 11).
_SEP = r"\s*(?:[/.\-]|(?<=[0-9])[Il|:](?=[0-9]))\s*"
_NUMERIC_DATE = re.compile(
    rf"(?<![0-9])({_DL}{{1,2}}){_SEP}({_DL}{{1,2}}){_SEP}({_DL}{{4}})(?![0-9])"
)
_ISO_DATE = re.compile(r"(?<![0-9])(\d{4})-(\d{1,2})-(\d{1,2})(?![0-9])")
_WORDED_DATE = re.compile(
    rf"(?:{_ci('ngay')}{_GAP})?({_DL}{{1,2}}){_GAP}{_ci('thang')}{_GAP}"
    rf"({_DL}{{1,2}}){_GAP}{_ci('nam')}{_GAP}({_DL}{{4}})(?![0-9])"
)


def _to_iso(day: str, month: str, year: str) -> str | None:
    d, m, y = digits_only(day), digits_only(month), digits_only(year)
    if not (1 <= len(d) <= 2 and 1 <= len(m) <= 2 and len(y) == 4):
        return None
    if not 1900 <= int(y) <= 2100:
        return None
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def parse_date(s: str) -> str | None:
    """First valid calendar date in ``s`` as ``YYYY-MM-DD``, else None.

    Accepts ``dd/mm/yyyy``, ``dd.mm.yyyy``, ``dd-mm-yyyy`` (one- or two-digit
    day and month, spaces around separators), ``ngày 12 tháng 3 năm 2024`` (with
    or without diacritics, ``ngày`` optional) and ISO ``yyyy-mm-dd``. Digit-like
    letters inside the numbers (``2O24``, ``l2``) are read as digits. Two-digit
    years are rejected; years must lie in 1900..2100.
    """
    text = _deaccent(clean_text(s))
    found: list[tuple[int, str | None]] = []
    for m in _NUMERIC_DATE.finditer(text):
        found.append((m.start(), _to_iso(m.group(1), m.group(2), m.group(3))))
    for m in _WORDED_DATE.finditer(text):
        found.append((m.start(), _to_iso(m.group(1), m.group(2), m.group(3))))
    for m in _ISO_DATE.finditer(text):
        found.append((m.start(), _to_iso(m.group(3), m.group(2), m.group(1))))
    for _, iso in sorted(found, key=lambda f: f[0]):
        if iso is not None:
            return iso
    return None


NO_EXPIRY = "Không thời hạn"


def parse_expiry(s: str) -> str | None:
    """Expiry date: ``'Không thời hạn'`` for no expiry, else as ``parse_date``. The
    field holds a date or that phrase, so words without a figure that begin it ("Không
    thời", its end lost under a seal) or end it ("g thời hạn") are that phrase ("Không"
    alone is too little: a religion "Không" is printed on cards too)."""
    key = fold(s).replace(" ", "")
    if "KHONGTHOIHAN" in key:
        return NO_EXPIRY
    letters = re.sub(r"[^A-Z0-9]", "", key)
    if not any(c.isdigit() for c in key) and (
        letters.startswith("KHONGTH") or (letters.endswith("THOIHAN") and len(letters) <= 12)
    ):
        return NO_EXPIRY
    return parse_date(s)


_NAME_EDGE = " :.,-_…;"


def normalize_name(s: str) -> str:
    """Name as printed: ``clean_text`` without stray leading/trailing punctuation."""
    return clean_text(s).strip(_NAME_EDGE)


_RANKS = (
    "DAI TUONG",
    "THUONG TUONG",
    "TRUNG TUONG",
    "THIEU TUONG",
    "DAI TA",
    "THUONG TA",
    "TRUNG TA",
    "THIEU TA",
    "DAI UY",
    "THUONG UY",
    "TRUNG UY",
    "THIEU UY",
    "THUONG SI",
    "TRUNG SI",
    "HA SI",
    "BINH NHAT",
    "BINH NHI",
)
_RANK_ALT = "|".join(_RANKS)
_LEADING_RANK = re.compile(rf"^(?:CAP BAC )?(?:{_RANK_ALT}) ")
_TRAILING_RANK = re.compile(rf" (?:CAP BAC )?(?:{_RANK_ALT})$")
_TRAILING_YEAR = re.compile(r" (?:SINH NAM |NAM SINH |SN |NS )?(?:19|20)\d{2}$")


def name_for_matching(s: str) -> str:
    """Folded name with ranks (``thiếu tá``...) and a trailing birth year removed.

    A trailing rank is only removed when at least two name words remain, so a
    given name that happens to read like a rank (``Trung Tá``) survives.
    """
    return strip_ranks(fold(normalize_name(s)))


def strip_ranks(key: str) -> str:
    """``name_for_matching`` of a name already folded: ranks and a trailing birth year removed."""
    while True:
        before = key
        key = _TRAILING_YEAR.sub("", key)
        key = _LEADING_RANK.sub("", key)
        shorter = _TRAILING_RANK.sub("", key)
        if len(shorter.split()) >= 2:
            key = shorter
        if key == before:
            return key


_LEADERS = re.compile(r"(?:[.·…_]\s*){2,}|…|-{3,}")


def strip_leaders(s: str) -> str:
    """Remove dotted leaders (``....``, ``…``, ``___``) and label colons around a value.

    Colons inside the value (``12:30``) are kept; single dots are kept
    (``TP. Hà Nội``, ``1.498``).
    """
    s = _LEADERS.sub(" ", clean_text(s))
    return _WS.sub(" ", s).strip(" :_")
