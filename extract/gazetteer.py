"""Diacritics of administrative unit names in addresses, restored from the official list.

OCR of Vietnamese loses or swaps tone marks more often than letters: "Hà Nôi", "Quân Long
Biên", "Thành phô", "Nghỉ Lộc". Unit names are a closed vocabulary (``data/admin_units.txt``,
built by ``scripts/build_gazetteer.py`` from the General Statistics Office lists before and
after the 2025 reform), so a run of words whose letters match exactly one listed name but
whose marks differ is the OCR's mistake, not the paper's. Only marks are restored, and a
run that matches several differently marked names is left alone. The one letter changed
is an l where Vietnamese has none (inside or at the end of a syllable: "Hoàng Mal"), read
as the i it stands for when that makes a listed name.
House numbers, streets and hamlets are not in the list and stay as read.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

from extract.normalize import fold, marked_key, unique_by_fold

#: Unit type words, with the spelling that goes before a name.
_TYPES = (
    "Thành phố",
    "Tỉnh",
    "Quận",
    "Huyện",
    "Thị xã",
    "Thị trấn",
    "Phường",
    "Xã",
    "Tổ dân phố",
)
_MAX_WORDS = 6
_WORD = re.compile(r"\S+")
_EDGE = ",.;:"


#: Folded type words and abbreviations that may stand before a bare unit name, and the
#: street words: streets are named after the places they lead to ("đường Cầu Giấy", "phố
#: Kim Mã"), spelt as the place is.
_BEFORE_BARE = frozenset(
    {"P", "Q", "H", "X", "TT", "TX", "TP", "T", "PHUONG", "QUAN", "HUYEN", "XA", "TINH"}
    | {"THI TRAN", "THI XA", "THANH PHO", "DUONG", "PHO"}
)
#: A lane's or alley's number before a street's name ("ngõ 168 Ngọc Lâm").
_LANE = re.compile(r"^\d+(?:/\d+)?$")
_LANE_WORDS = frozenset({"NGO", "NGACH", "HEM", "KIET"})


def data_list(file: str) -> list[str]:
    """The entries of ``data/<file>``, one a line, in NFC; blank lines and ``#`` comments
    are left out."""
    text = resources.files("extract").joinpath(f"data/{file}").read_text("utf-8")
    return [
        unicodedata.normalize("NFC", line.strip())
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


@functools.cache
def _listed_names() -> tuple[str, ...]:
    """Every name of ``data/admin_units.txt`` (NFC), with its unit word."""
    return tuple(data_list("admin_units.txt"))


@functools.cache
def streets_by_letters() -> dict[str, str]:
    """Hà Nội's street names (``data/streets.txt``, public place names) by their folded
    letters, where only one street has them (:func:`extract.normalize.unique_by_fold`)."""
    return unique_by_fold(data_list("streets.txt"))


@functools.cache
def _index() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Folded word run -> marked spellings: names with their type word ("Quận Long
    Biên"), and bare names ("Long Biên") that count only after a type word or as a whole
    comma-separated part of the address (a street may share a bare name's letters)."""
    typed: dict[str, set[str]] = {}
    bare: dict[str, set[str]] = {}
    for name in _listed_names():
        rest = next((name[len(t) + 1 :] for t in _TYPES if name.startswith(t + " ")), None)
        if rest is None:
            bare.setdefault(fold(name), set()).add(name)
            continue
        typed.setdefault(fold(name), set()).add(name)
        if len(rest.split()) >= 2:  # a one-word bare name is too ambiguous
            bare.setdefault(fold(rest), set()).add(rest)
    for t in _TYPES:
        if " " in t:
            typed.setdefault(fold(t), set()).add(t)
    return (
        {k: frozenset(v) for k, v in typed.items()},
        {k: frozenset(v) for k, v in bare.items()},
    )


#: Unit words of the district level, abolished on 01/07/2025 (DOMAIN.md §8.2).
_DISTRICT_TYPES = ("Quận", "Huyện", "Thị xã")


@functools.cache
def district_names() -> frozenset[str]:
    """Folded names of the pre-2025 district-level units without their unit word
    ("LONG BIEN" for "Quận Long Biên"). Provincial cities ("Thành phố Biên Hòa") are left
    out: their unit word is also a province's."""
    out = set()
    for name in _listed_names():
        for t in _DISTRICT_TYPES:
            if name.startswith(t + " "):
                out.add(fold(name[len(t) + 1 :]))
    return frozenset(out)


@functools.cache
def _syllables() -> frozenset[str]:
    """Every word (lowercase, marked) of the listed names and unit words."""
    words = {w.casefold() for name in (*_listed_names(), *_TYPES) for w in name.split()}
    return frozenset(words)


def join_split_syllables(address: str) -> str:
    """Words of listed names broken in two by a space OCR put in ("Quậ n", "Só c Sơn"):
    one or two small letters after a word, that make a listed word with it, are part of
    it unless both parts are listed words themselves."""
    words = address.split(" ")
    known = _syllables()
    out: list[str] = []
    for w in words:
        if out and _TAIL.fullmatch(w):
            tail = w.rstrip(_EDGE)
            joined = out[-1] + tail
            alone = out[-1].casefold() in known and tail.casefold() in known
            if joined.casefold() in known and not alone:
                out[-1] = out[-1] + w
                continue
        out.append(w)
    return " ".join(out)


_TAIL = re.compile(r"[a-zà-ỹđ]{1,2}[,.;:]?")


def _bare_allowed(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip()
    after = text[end:].lstrip()
    # OCR often reads the comma between parts as a full stop.
    whole_part = (not before or before.endswith((",", ";", "."))) and (
        not after or after.startswith((",", ";", "."))
    )
    if whole_part:
        return True
    words = before.replace(",", " ").split()
    if len(words) >= 2 and _LANE.match(words[-1]) and fold(words[-2]) in _LANE_WORDS:
        return True
    return any(fold(" ".join(words[-k:])) in _BEFORE_BARE for k in (1, 2) if len(words) >= k)


def _case_like(model: str, name: str) -> str:
    if model.isupper():
        return name.upper()
    if model[:1].islower():
        return name[:1].lower() + name[1:]
    return name


def _one_case(name: str) -> str:
    """A unit name printed in one case: a word of it in capitals beside words that are not
    ("Vĩnh TUY") is a misread case, and takes theirs; marks stay as read."""
    words = name.split(" ")
    if name.isupper() or not any(w.isupper() and len(w) > 1 for w in words):
        return name
    return " ".join(w[:1] + w[1:].lower() for w in words)


def _strokeless(word: str) -> str:
    return word.replace("Đ", "D").replace("đ", "d").casefold()


def _stroke_alone(read: str, name: str) -> bool:
    """Where a word of ``read`` and of ``name`` differ in Đ/D, that is their only
    difference: a stroke lost ("Dống Đa") is restored, but "Diễn" is not "Điền" (fold
    equates D and Đ; a second difference in the marks makes it another name, one the list
    may lack)."""
    return not any(
        ("đ" in r.casefold()) != ("đ" in n.casefold()) and _strokeless(r) != _strokeless(n)
        for r, n in zip(read.split(), name.split(), strict=False)
    )


_NON_INITIAL_L = re.compile(r"(?<=\w)[lL1|]")


def _i_for_l(run: str) -> str:
    """``run`` with an l (or 1, |) inside or at the end of a word read as the i it stands
    for: a Vietnamese syllable has l only as its first letter, so "Mal", "Oal", "Ha1"
    are misread "Mai", "Oai", "Hai"."""
    return _NON_INITIAL_L.sub(lambda m: "I" if m.group().isupper() else "i", run)


def _lookup(
    core: str,
    typed: dict[str, frozenset[str]],
    bare: dict[str, frozenset[str]],
    text: str,
    start: int,
) -> frozenset[str] | None:
    key = fold(core)
    names = typed.get(key)
    # A name without its unit word is capitalised: "phố Minh Khai" (the street) after
    # "ngõ 210" is no commune "Phổ Minh".
    if (
        names is None
        and key in bare
        and core[:1].isupper()
        and _bare_allowed(text, start, start + len(core))
    ):
        names = bare[key]
    return names


def restore_marks(address: str) -> str:
    """``address`` with the tone marks of listed unit names restored (NFC)."""
    text = unicodedata.normalize("NFC", address)
    typed, bare = _index()
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    out: list[str] = []
    last = 0
    i = 0
    while i < len(spans):
        done = False
        for n in range(min(_MAX_WORDS, len(spans) - i), 0, -1):
            start, end = spans[i][0], spans[i + n - 1][1]
            run = text[start:end]
            core = run.rstrip(_EDGE)
            # A run may not cross a comma: "Gia Lâm, Hà Nội" is two names.
            if any(c in core for c in ",;"):
                continue
            names = _lookup(core, typed, bare, text, start)
            as_i = _i_for_l(core)
            if names is None and as_i != core:
                # An i read as l where Vietnamese has no l ("Hoàng Mal"): only a listed
                # name with the i settles it.
                names = _lookup(as_i, typed, bare, text, start)
            if names is None or (n == 1 and " " not in next(iter(names))):
                continue
            # Already right, or right in the other tone placement ("Trung Hòa" printed where
            # the list writes "Trung Hoà"): the paper's own spelling stays.
            if core in names or any(marked_key(core) == marked_key(name) for name in names):
                out.append(text[last:start] + _one_case(core) + run[len(core) :])
                last, i, done = end, i + n, True
                break
            if len(names) != 1 or len(next(iter(names)).split()) != n:
                continue  # several spellings: leave it to a shorter run or as read
            (name,) = names
            if not _stroke_alone(core, name):
                continue  # another letter as well as other marks: another name
            out.append(text[last:start] + _case_like(core, name) + run[len(core) :])
            last, i, done = end, i + n, True
            break
        if not done:
            i += 1
    out.append(text[last:])
    return "".join(out)


_UNIT_WORD = re.compile(
    r"^(?:thành phố|tỉnh|quận|huyện|thị xã|thị trấn|phường|xã|tp|tx|tt|p|q|h|x|t)\b\.?\s*",
    re.IGNORECASE,
)


@functools.cache
def _upper_index() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """``_index`` with the spellings in capitals, for comparisons that ignore case."""
    typed, bare = _index()
    return (
        {k: frozenset(n.upper() for n in v) for k, v in typed.items()},
        {k: frozenset(n.upper() for n in v) for k, v in bare.items()},
    )


def is_listed_unit(part: str, alone: bool = False) -> bool:
    """``part`` is a listed unit name spelled exactly (case and the type word's
    abbreviation aside), with or without its type word; with ``alone``, also the only
    listed spelling of its letters (no other name differs from it in marks or Đ/D only:
    "Điền Hải" and "Diễn Hải" are both communes)."""
    typed, bare = _upper_index()
    spellings = typed.get(fold(part), frozenset())
    if part.upper() in spellings:
        return not alone or len(spellings) == 1
    match = _UNIT_WORD.match(part)
    rest = part[match.end() :] if match else part
    spellings = bare.get(fold(rest), frozenset())
    return bool(rest) and rest.upper() in spellings and (not alone or len(spellings) == 1)


def _split(address: str) -> list[str]:
    """The comma- (or semicolon-) separated parts of ``address``, stripped, empty ones kept."""
    return [p.strip(" " + _EDGE) for p in re.split(r"[,;]", unicodedata.normalize("NFC", address))]


def _parts(address: str) -> list[str]:
    return [p for p in _split(address) if p]


def listed_place(value: str, read: str) -> bool:
    """A quê quán (commune, district, province: three parts or more) that the list
    confirms: the parts are those OCR read (``read``: not names this module's mark
    restoration wrote, which may be another listed name: "Điền Hải" for an unlisted
    "Diễn Hải"), each a listed unit name spelled exactly and, but for the province, the
    only listed spelling of its letters (a misread mark that lands on another listed name,
    "Gia Viên" for "Gia Viễn", leaves that part ambiguous); the last part a province."""
    parts = _parts(value)
    if len(parts) < 3 or [p.upper() for p in parts] != [p.upper() for p in _parts(read)]:
        return False
    *head, last = parts
    province = any(is_listed_unit(f"{kind} {last}", alone=True) for kind in ("Tỉnh", "Thành phố"))
    return (province or is_listed_unit(last, alone=True)) and all(
        is_listed_unit(p, alone=True) for p in head
    )


#: The centrally governed cities (their unit word, "Thành phố", is also a provincial
#: city's) and Hà Tây, merged into Hà Nội in 2008 but still in old addresses.
_CITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "Hà Tây")


@functools.cache
def _provinces() -> frozenset[str]:
    """Folded names of the provinces and centrally governed cities."""
    names = {n[len("Tỉnh ") :] for n in _listed_names() if n.startswith("Tỉnh ")}
    return frozenset(fold(n) for n in (*names, *_CITIES))


def is_province(text: str) -> bool:
    """``text`` is the bare name of a province or centrally governed city ("HÀ NỘI")."""
    return fold(text) in _provinces()


def ends_with_province(address: str) -> bool:
    """The address ends with its province or centrally governed city, as every address
    and quê quán is written (a house or hamlet, commune, district, province); one that
    ends elsewhere was read in part (its last line lost)."""
    words = fold(address).replace(",", " ").split()
    provinces = _provinces()
    return any(" ".join(words[-k:]) in provinces for k in range(1, min(4, len(words)) + 1))


def names_units(address: str) -> bool:
    """A part of ``address`` starts with a unit type word or its abbreviation ("P. Hàng
    Bài", "quận Tây Hồ", "TP Hà Nội"): a quê quán is printed as bare names."""
    return any(_UNIT_WORD.match(p) for p in _parts(address))


def known_unit_share(address: str) -> float | None:
    """Share of the address's administrative parts that are listed unit names spelled
    exactly, tone marks included (case and the type word's abbreviation aside); None when
    no part looks administrative.

    A part looks administrative when it starts with a unit type word or its abbreviation
    ("xã", "P.", "TP"), or is the last part (the province, often written bare). The first
    part (house, street, hamlet) is never one. Evidence that the address was read right:
    OCR errors in unit names leave them unlisted.
    """
    parts = [p for p in _split(address)[1:] if p]
    units = [p for i, p in enumerate(parts) if _UNIT_WORD.match(p) or i == len(parts) - 1]
    if not units:
        return None
    return sum(is_listed_unit(p) for p in units) / len(units)
