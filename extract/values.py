"""Per-field value parsers and cross-field checks, on plain strings.

Each parser turns the text read after a label into a :class:`Parsed`: the canonical
value (schema ``fieldValue``) when it validates, else the text as read (cleaned, never
"corrected") with ``valid=False``. The parsing itself is :mod:`extract.normalize`,
:mod:`extract.plates` and :mod:`extract.validators`; this module only decides what
counts as valid for each field and what to return when it is not. The one correction,
:func:`zero_repaired`, is the extractor's last resort for a number no reading validates.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import Levenshtein

from extract.gazetteer import (
    ends_with_province,
    is_listed_unit,
    is_province,
    join_split_syllables,
    restore_marks,
    streets_by_letters,
)
from extract.normalize import (
    clean_text,
    digit_runs,
    digits_only,
    fold,
    in_style_of,
    marked_key,
    normalize_name,
    parse_date,
    parse_expiry,
    strip_leaders,
    tone_placement,
    unique_by_fold,
)
from extract.places import repair_address, repair_origin
from extract.plates import is_vehicle_type, parse_plate, vehicle_kind
from extract.surnames import is_given_name, is_listed, restore_given_names, restore_surname
from extract.validators import (
    SLASHED_ZERO,
    cccd_problems,
    date_problems,
    engine_number_ok,
    license_class_problems,
    normalize_chassis_number,
    normalize_engine_number,
    normalize_vin_like,
    parse_id_number,
    parse_int_field,
    parse_license_classes,
    parse_phone,
    parse_sex,
    parse_year,
    unread_license_classes,
    vin_ok,
)

#: Values of the fields extracted so far in the same document (canonical or as read).
Context = Mapping[str, str | None]


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed value: canonical when ``valid``, as read otherwise."""

    value: str | None
    valid: bool | None
    problems: tuple[str, ...] = ()


ValueParser = Callable[[str, Context], Parsed]


def valid_feature(valid: bool | None) -> float:
    """A validator's verdict as the calibration's evidence: 1 valid, 0.5 undecided, 0
    invalid."""
    return {True: 1.0, None: 0.5, False: 0.0}[valid]


_EDGE = " :;,.-_|/"
# (Spacing modifier letters, U+02B0-U+02FF, are no letters of a value: "ˆ" is a speck
# read as a circumflex on its own.)
_LETTER = re.compile(r"[^\W\d_\u02b0-\u02ff]")
_TAX_CODE = re.compile(r"\d{10}(?:-\d{3})?")
_IDENT = re.compile(r"[A-Z0-9][A-Z0-9\-/.]{3,24}")


_QUOTES = "'\"`‘’“”«»"


def _balanced(text: str) -> str:
    """Drop a bracket left over from a label's "(English)" half: "(GRAND I10" → "GRAND I10"."""
    if text.startswith("(") and ")" not in text:
        text = text[1:]
    if text.endswith(")") and "(" not in text:
        text = text[:-1]
    return text.strip()


def _clean(raw: str) -> str:
    return _balanced(clean_text(strip_leaders(raw)).strip(_EDGE + _QUOTES)).strip(_EDGE)


def _as_read(raw: str, problem: str) -> Parsed:
    text = _clean(raw)
    return Parsed(text or None, False, (problem,) if text else ())


#: Digits that OCR reads a dotted or slashed zero as (monospaced and typewriter type:
#: "31/18/2833" for "31/10/2033", "6779.580.351" for a phone number "0779…").
ZERO_LOOKALIKES = "689"
#: At most this many of them are read back as zeros in one value.
ZERO_REPAIRS = 2


def zero_repaired(parse: ValueParser, raw: str, ctx: Context) -> Parsed | None:
    """The value ``raw`` validates as when the fewest of its :data:`ZERO_LOOKALIKES` (one,
    else two) are read as zeros, if exactly one value does; else None.

    For numbers that a validator checks closely (a calendar date in its plausible range,
    a phone number's prefix and length, a CCCD's structure): a single misread digit
    rarely turns one valid value into another, and a value no reading validates is
    otherwise lost. Never for free text."""
    spots = [i for i, c in enumerate(raw) if c in ZERO_LOOKALIKES]
    for n in range(1, min(ZERO_REPAIRS, len(spots)) + 1):
        found: set[str] = set()
        for chosen in itertools.combinations(spots, n):
            text = "".join("0" if i in chosen else c for i, c in enumerate(raw))
            parsed = parse(text, ctx)
            if parsed.valid and parsed.value:
                found.add(parsed.value)
        if len(found) == 1:
            return Parsed(found.pop(), True)
        if found:
            return None  # two readings validate: nothing says which
    return None


def _compact_upper(raw: str) -> str:
    return re.sub(r"\s+", "", _clean(raw)).upper()


def text_value(raw: str, ctx: Context) -> Parsed:
    """Free text (brand, model, type, colour): cleaned, as printed."""
    text = _clean(raw)
    if not text:
        return Parsed(None, None)
    ok = bool(_LETTER.search(text) or text.isalnum()) and len(text) <= 60
    return Parsed(text, ok, () if ok else ("unexpected text",))


#: An engine's displacement in litres inside a model code ("CAMRY 2.5Q", "COROLLA CROSS
#: 1.8HV") with its point lost to a faint print ("CAMRY 2 5Q"): one digit, a space, then a
#: digit and the trim letters. Model codes never print a lone digit before another number.
_LITRES_POINT_LOST = re.compile(r"(?<![\w.])(?<!\d )(\d) (\d[A-Z]{0,3})(?![\w.])(?! \d)")


def model_code_value(raw: str, ctx: Context) -> Parsed:
    """A model code (số loại), as printed: free text whose displacement in litres has its
    decimal point (:data:`_LITRES_POINT_LOST`)."""
    parsed = text_value(raw, ctx)
    if parsed.value is None or not parsed.valid:
        return parsed
    return Parsed(_LITRES_POINT_LOST.sub(r"\1.\2", parsed.value), True)


#: Makes of cars, lorries, buses and motorbikes registered in Việt Nam, as registration
#: papers print them (domestic assemblers included). A brand read in capitals within one
#: letter of exactly one of them ("HYUNDAT", "T0YOTA") is that make.
MAKES = (
    "ACURA", "AUDI", "BAIC", "BENELLI", "BENTLEY", "BMW", "BYD", "CADILLAC", "CHENGLONG",
    "CHERY", "CHEVROLET", "CITROEN", "DAEWOO", "DAIHATSU", "DONGBEN", "DONGFENG", "DUCATI",
    "FERRARI", "FIAT", "FORD", "FOTON", "FUSO", "GAZ", "GEELY", "GPX", "HAVAL",
    "HARLEY-DAVIDSON", "HINO", "HONDA", "HONGQI", "HOWO", "HYUNDAI", "INFINITI", "ISUZU",
    "IVECO", "JAC", "JAGUAR", "JEEP", "KAMAZ", "KAWASAKI", "KIA", "KTM", "KYMCO",
    "LAMBORGHINI", "LAND ROVER", "LEXUS", "LINCOLN", "MAN", "MASERATI", "MAZDA",
    "MERCEDES-BENZ", "MG", "MINI", "MITSUBISHI", "NISSAN", "OPEL", "PEUGEOT", "PIAGGIO",
    "PORSCHE", "RENAULT", "ROLLS-ROYCE", "SAMCO", "SCANIA", "SINOTRUK", "SKODA", "SSANGYONG",
    "SUBARU", "SUZUKI", "SYM", "TERACO", "THACO", "TOYOTA", "TRIUMPH", "UAZ", "VEAM",
    "VESPA", "VINFAST", "VOLKSWAGEN", "VOLVO", "WULING", "YADEA", "YAMAHA",
)  # fmt: skip
_MAKE_BY_KEY = {re.sub(r"[^A-Z]", "", m): m for m in MAKES}


#: Letters a worn or low-contrast print loses a stroke of: an O read as U, a U as O.
_OPEN_O = str.maketrans("U", "O")


def _near_make(key: str, make: str) -> bool:
    """``key`` is ``make`` read with one letter wrong, lost or put in (five letters or
    more), its first letter lost (four: "ONDA"), or its O and U swapped ("TUYUTA")."""
    if len(key) >= 5 and Levenshtein.distance(key, make) <= 1:
        return True
    if len(key) == 4 and len(make) == 5 and make[1:] == key:
        return True
    return len(key) >= 5 and key.translate(_OPEN_O) == make.translate(_OPEN_O)


def is_listed_make(text: str) -> bool:
    """``text`` is a listed make as printed, in capitals (:data:`MAKES`)."""
    return text.isupper() and re.sub(r"[^A-Z]", "", fold(text)) in _MAKE_BY_KEY


def brand_value(raw: str, ctx: Context) -> Parsed:
    """A make (nhãn hiệu), as printed; one read in capitals with a letter wrong is the
    listed make it is one edit from (:data:`MAKES`), when it is near no other."""
    parsed = text_value(raw, ctx)
    text = parsed.value
    if text is None or text != text.upper():
        return parsed
    key = re.sub(r"[^A-Z0-9]", "", fold(text))
    if key in _MAKE_BY_KEY:
        make = _MAKE_BY_KEY[key]
        # Read as printed, or broken into pieces ("HO N DA"): the make.
        split = text.count(" ") > make.count(" ") + make.count("-")
        return Parsed(make if split else text, True)
    if len(key) >= 4:
        near = [m for k, m in _MAKE_BY_KEY.items() if _near_make(key, k)]
        if len(near) == 1:
            return Parsed(near[0], True)
    if key and any(k.startswith(key) for k in _MAKE_BY_KEY):
        # The start of a listed make, its end lost ("HOND", "HY" under a seal).
        return Parsed(text, False, ("the start of a make: cut short",))
    return parsed


#: The kinds of vehicle registration papers print (``Loại xe`` / ``Loại phương tiện``),
#: a closed list: a reading that differs from one only in its marks ("Xe mồ tô") is that
#: kind, as a unit name in an address is (:mod:`extract.gazetteer`).
VEHICLE_TYPES = (
    "Ô tô con", "Ô tô tải", "Ô tô khách", "Ô tô bán tải", "Ô tô đầu kéo", "Ô tô tải van",
    "Ô tô chuyên dùng", "Ô tô cứu thương", "Rơ moóc", "Sơ mi rơ moóc", "Xe mô tô",
    "Xe mô tô hai bánh", "Xe mô tô ba bánh", "Xe gắn máy", "Xe máy điện", "Xe máy",
    "Xe máy chuyên dùng", "Máy kéo",
)  # fmt: skip
_VEHICLE_TYPE_BY_KEY = {fold(t): t for t in VEHICLE_TYPES}


def is_listed_vehicle_type(text: str) -> bool:
    """``text`` is a listed kind of vehicle (:data:`VEHICLE_TYPES`), its marks aside, in
    the small letters a value is printed in (a title prints "XE MÔ TÔ, XE MÁY" in capitals)."""
    return not text.isupper() and fold(text.strip(" .,;:")) in _VEHICLE_TYPE_BY_KEY


# ... and by their letters alone, for a kind read with a space lost or put in ("Ôtô con",
# "Ô tô co n"); kinds whose letters another kind shares are left out.
_VEHICLE_TYPE_BY_LETTERS = unique_by_fold(t.replace(" ", "") for t in VEHICLE_TYPES)
_VEHICLE_TYPE_SPACED = {t.replace(" ", ""): t for t in VEHICLE_TYPES}


#: A reading this long (folded, spaces included) that is one letter from exactly one listed
#: kind, and two or more from every other, is that kind with a letter lost or misread
#: ("Xe :o tô" of "Xe mô tô", its m under a fold line). Listed kinds are two letters apart
#: or more ("ba bánh", "hai bánh"): a reading one letter from two of them stays as read.
ONE_OFF_FROM = 6


def _one_letter_off(key: str) -> str | None:
    if len(key) < ONE_OFF_FROM:
        return None
    near = [t for k, t in _VEHICLE_TYPE_BY_KEY.items() if Levenshtein.distance(key, k) <= 1]
    return near[0] if len(near) == 1 else None


def vehicle_type_value(raw: str, ctx: Context) -> Parsed:
    """The printed kind of vehicle ("Ô tô con", "Xe mô tô"): free text that names one,
    in the listed spelling when it is one of :data:`VEHICLE_TYPES` but for its marks."""
    parsed = text_value(raw, ctx)
    if parsed.value is None or not parsed.valid:
        return parsed
    if parsed.value.count("(") > parsed.value.count(")"):
        # "Ô tô tải (pickup" of "Ô tô tải (pickup cabin kép)", wrapped onto the next line.
        return Parsed(parsed.value, False, ("cut short: a parenthesis is not closed",))
    listed = _VEHICLE_TYPE_BY_KEY.get(fold(parsed.value))
    read = parsed.value.split()
    for k in range(1, min(3, len(read) - 1) + 1):
        # The English half of the label read into the value before the kind ("r„pe Xe mô
        # tô" of "Type"): words of no Vietnamese, then a listed kind as printed.
        if listed is None and all(_speck_word(w) or _english_word(w) for w in read[:k]):
            listed = _VEHICLE_TYPE_BY_KEY.get(fold(" ".join(read[k:])))
    if listed is None:
        squashed = _VEHICLE_TYPE_BY_LETTERS.get(fold(parsed.value.replace(" ", "")))
        listed = _VEHICLE_TYPE_SPACED.get(squashed or "")
    if listed is None:
        listed = _one_letter_off(fold(parsed.value))
    if listed is not None:  # in the case it was printed in
        return Parsed(listed.upper() if parsed.value.isupper() else listed, True)
    words = fold(parsed.value).split()
    lost_first = [t for k, t in _VEHICLE_TYPE_BY_KEY.items() if k.split()[1:] == words]
    if len(words) >= 2 and len(lost_first) == 1 and parsed.value[:1].islower():
        # Its first word lost ("mô tô" of "Xe mô tô", under a seal or read into the
        # label): the one listed kind that it ends.
        return Parsed(lost_first[0], True)
    if any(k.split()[: len(words)] == words for k in _VEHICLE_TYPE_BY_KEY):
        # The start of a listed kind cut short ("Xe mô tô hai" of "Xe mô tô hai bánh").
        return Parsed(parsed.value, False, ("incomplete kind of vehicle",))
    if is_vehicle_type(parsed.value):
        return parsed
    return Parsed(parsed.value, False, ("not a kind of vehicle",))


#: The colour words of Vietnamese paint colours (màu sơn). A word read without its marks or
#: with others ("Bac", "Xam") that folds to exactly one of them is that colour; "Đô" (of
#: "đỏ đô") is listed so that "DO" is no one word's, and ``_red`` settles it by position.
COLOUR_WORDS = (
    "Trắng", "Đen", "Đỏ", "Đô", "Bạc", "Xanh", "Ghi", "Vàng", "Nâu", "Xám", "Cam", "Hồng",
    "Tím", "Be", "Kem", "Lam", "Lục", "Dương", "Lá", "Rêu", "Ngọc", "Đồng", "Nhũ", "Titan",
)  # fmt: skip


_COLOUR_BY_FOLD = unique_by_fold(COLOUR_WORDS)


def _in_case_of(word: str, listed: str) -> str:
    """``listed`` in the case ``word`` was read in (capitals, capitalised or small)."""
    if word.isupper():
        return listed.upper()
    return listed if word[:1].isupper() else listed.lower()


def _colour_word(word: str) -> str:
    listed = _COLOUR_BY_FOLD.get(fold(word))
    if listed is None or listed.casefold() == word.casefold():
        return word
    return _in_case_of(word, listed)


def _red(words: list[str]) -> list[str]:
    """ "Đô" is a colour word only after "Đỏ" ("Đỏ đô", wine red): a lone word that folds
    to both ("Đồ", "DO") is "Đỏ"."""
    out = []
    for i, word in enumerate(words):
        if fold(word) == "DO" and word.casefold() not in ("đỏ", "đô"):
            after_red = i > 0 and fold(words[i - 1]) == "DO"
            word = _in_case_of(word, "Đô" if after_red else "Đỏ")
        out.append(word)
    return out


def _joined_colours(words: list[str]) -> list[str]:
    """A colour word read in two pieces ("Trắ ng") is one word: two neighbours, neither a
    colour word, that together are one."""
    out: list[str] = []
    for word in words:
        if (
            out
            and fold(out[-1] + word) in _COLOUR_BY_FOLD
            and fold(out[-1]) not in _COLOUR_BY_FOLD
            and fold(word) not in _COLOUR_BY_FOLD
        ):
            out[-1] += word
        else:
            out.append(word)
    return out


#: Colours of their own, which other colour words qualify ("Xanh dương", "Vàng kim").
BASE_COLOURS = frozenset(
    {"Trắng", "Đen", "Đỏ", "Bạc", "Xanh", "Ghi", "Vàng", "Nâu", "Xám", "Cam", "Hồng", "Tím"}
)


def _two_colours(words: list[str]) -> list[str]:
    """Two base colours, each capitalised ("Trắng Xanh"), are two colours whose dash the
    reading lost ("Trắng - Xanh"); a word that qualifies a colour is written in small
    letters ("Xanh đen", "Vàng cát"), and a value in capitals says nothing."""
    if len(words) == 2 and all(w in BASE_COLOURS for w in words):
        return [words[0], "-", words[1]]
    return words


def _colour_part_start(words: list[str]) -> list[str]:
    """Each colour of a value ("Đen - Bạo") starts with a base colour word, whatever words
    qualify it after ("Vàng kim"): a first word of three letters or more that is no
    colour word but one letter from exactly one is that word misread ("Bạo": Bạc)."""
    out = []
    for i, word in enumerate(words):
        key = fold(word)
        if (i == 0 or words[i - 1] == "-") and len(key) >= 3 and key not in _COLOUR_BY_FOLD:
            near = {c for k, c in _COLOUR_BY_FOLD.items() if Levenshtein.distance(key, k) == 1}
            if len(near) == 1 and word.isalpha():
                word = _in_case_of(word, near.pop())
        out.append(word)
    return out


def color_value(raw: str, ctx: Context) -> Parsed:
    """Paint colour(s) as printed; two colours are written "Đỏ - Đen". Colours are words:
    a digit in one is a misread letter ("Gh1" for "Ghi"); a listed colour word read with
    wrong or missing marks gets its own (:data:`COLOUR_WORDS`), one read with a letter
    wrong where a colour starts too (:func:`_colour_part_start`). Marks read before or
    after the colours ("—_ Xanh - Đen") are no part of them."""
    parsed = text_value(raw, ctx)
    if parsed.value is None:
        return parsed
    value = re.sub(r"\s*[-–=]\s*", " - ", parsed.value)
    words = value.split(" ")
    while len(words) > 1 and not _LETTER.search(words[0]):
        words.pop(0)
    while len(words) > 1 and not _LETTER.search(words[-1]):
        words.pop()
    words = _two_colours(
        _colour_part_start(_red([_colour_word(w) for w in _joined_colours(words)]))
    )
    value = " ".join(words)
    if any(c.isdigit() for c in value):
        return Parsed(value, False, ("a colour is written in letters",))
    return Parsed(value, parsed.valid, parsed.problems)


_STOP_ENDING = re.compile(r"(?:[ptc]|ch)$")


def _tone_fits_ending(word: str) -> bool:
    """A Vietnamese syllable that ends in p, t, c or ch carries the sắc or nặng tone
    ("MAI" misread "MAT" is no syllable; "MẠT", "MÁT" are)."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    if not _STOP_ENDING.search("".join(c for c in decomposed if c.isalpha())):
        return True
    return "\u0301" in decomposed or "\u0323" in decomposed


_INNER_STOP = re.compile(r"(?<=[^\W\d_])[.,](?=[^\W\d_])")
_INNER_HYPHEN = re.compile(r"(?<=[^\W\d_])[-–—](?=[^\W\d_])")


def _family_name_lost(name: str) -> bool:
    """A Vietnamese name starts with the family name: one whose first word is a listed
    middle or given name and no family name ("TUẤN LONG", "Thị Khánh Trang") lost it
    under a seal or a fold. Names without marks (foreign) and organisations aside."""
    first = name.split()[0]
    return (
        not name.isascii()
        and not is_organisation(name)
        and is_given_name(first)
        and not is_listed(name)
    )


def name_value(raw: str, ctx: Context) -> Parsed:
    """A person's or organisation's name, as printed; only the tone marks of misread
    listed names are restored (:mod:`extract.surnames`), letters are never changed."""
    text = _balanced(normalize_name(strip_leaders(raw)).strip(_EDGE + _QUOTES)).strip(_EDGE)
    # Specks and a leader's end read after the name ("CƯỜNG ...{ 1."): words without a
    # letter are not part of a name.
    words = text.split()
    while len(words) > 1 and not _LETTER.search(words[-1]):
        words.pop()
    while len(words) > 1 and not _LETTER.search(words[0]):
        words.pop(0)  # and before it ("} ! LƯU MINH LONG")
    if not is_organisation(" ".join(words)):
        # A person's name has no punctuation: a stop or comma read after a word inside it
        # is a speck ("LƯU NGỌC. TRUNG" had been auto-accepted), and one between two
        # letters stands where a space was lost ("HỒ.MINH VŨ").
        words = [p for w in words for p in _INNER_STOP.split(w.rstrip(".,") or w)]
        if not " ".join(words).isascii():
            # Nor does a Vietnamese name join its words with a hyphen: one between two
            # letters is a speck where the space was ("LƯƠNG DUY-THỊNH" auto-accepted).
            # A name printed without marks may be a foreigner's ("JEAN-PIERRE").
            words = [p for w in words for p in _INNER_HYPHEN.split(w)]
    text = restore_surname(" ".join(words))
    if not is_organisation(text):
        text = restore_given_names(text)
    if not text:
        return Parsed(None, None)
    letters = len(_LETTER.findall(text))
    digits = sum(c.isdigit() for c in text)
    # Printed names are capitalised word by word (most often all in capitals).
    capitalised = all(w[0].isupper() for w in text.split() if w[0].isalpha())
    ok = (
        letters >= 2
        and capitalised
        and digits <= letters // 4
        and not re.search(r"[:;@#=<>{}\[\]]", text)
    )
    if ok and is_province(text) and not is_given_name(text.split()[-1]):
        # The lettering of a seal over the name ("ỦY BAN NHÂN DÂN ... HÀ NỘI") read in its
        # place ("Hà Nam", "Hà Giang" are also people: a surname and a given name).
        return Parsed(text, False, ("a province's name, not a person's",))
    if ok and len(text.split()) < 2:
        # A full name is a family name and a given name ("Họ, chữ đệm và tên"); one word
        # is a name read in part ("NGU", "VŨ").
        return Parsed(text, False, ("a family name and a given name are expected",))
    if ok and _family_name_lost(text):
        return Parsed(text, False, ("no family name: its first word is a given name",))
    if ok and not text.isascii() and not is_organisation(text):
        # (A name printed without any mark, as some forms do, is not held to this.)
        wrong = [w for w in text.split() if not _tone_fits_ending(w)]
        if wrong:
            return Parsed(text, False, (f"no Vietnamese syllable: {', '.join(wrong)}",))
    return Parsed(text, ok, () if ok else ("does not look like a name",))


# A word of lowercase letters that ends in "1": the "i" of a syllable read as a digit
# ("Nộ1", "Ngh1"); numbers in addresses stand apart ("ngõ 12", "P1" is capitalised).
_TRAILING_ONE = re.compile(r"(?<=[^\W\d_])(?<=[a-zà-ỹđ])1(?=[\s,.]|$)")
# A quote glued to the start or end of a word inside the text ("'TP Hà Nội"): Vietnamese
# addresses never carry one, OCR reads them from specks.
_GLUED_QUOTE = re.compile(r"(?<!\S)['‘’`]+(?=[^\W\d_])|(?<=[^\W\d_])['‘’`]+(?!\S)")


# "§" next to a digit and no letter is an "8" ("ngõ §2"), a dagger there a "1" ("Xóm †1");
# addresses print neither sign.
_SECTION_EIGHT = re.compile(r"(?<![^\W\d_])§(?=\d)|(?<=\d)§(?![^\W\d_])")
_DAGGER_ONE = re.compile(r"(?<![^\W\d_])†(?=\d)|(?<=\d)†(?![^\W\d_])")
# A unit abbreviated to its letter before the unit's name ("Q Long Biên"): the full stop
# the abbreviation always carries (P., X., Q., H.) was lost (a faint dot, or none read).
_BARE_UNIT_LETTER = re.compile(r"(?:(?<=^)|(?<=, ))([PXQH])(?= ([^\W\d_]))")


# A comma read as a full stop between address parts ("Tổ dân phố 34. P. Trung Hưng. TX.
# Sơn Tây"): a stop after a number or a name, not after a unit's own abbreviation, before
# the next part's unit abbreviation or word ("Thị trấn" also as read before its marks
# are restored, "Thi trấn"; the province's "Thành phố", "Tỉnh").
_STOP_FOR_COMMA = re.compile(
    r"(?<=[^\W_])(?<!\bP)(?<!\bQ)(?<!\bH)(?<!\bX)(?<!\bTX)(?<!\bTP)(?<!\bTT)"
    r"\.(?= (?:(?:P|Q|H|X|TX|TP|TT)\.|TP|TT|TX"
    r"|(?:[Pp]hường|[Qq]uận|[Hh]uyện|[Xx]ã|[Tt]h[iị] (?:trấn|xã)|[Tt]hành phố|[Tt]ỉnh)) )"
)
# ... and after a house's or lane's number before the lane or street that follows ("Số
# 136. ngách 83/10").
_STOP_BEFORE_LANE = re.compile(r"(?<=\d)[.);:](?= (?:ngõ|ngách|hẻm|kiệt|phố|đường) )")
# "Số" before a house number read in capitals ("SỐ 34") in an address printed in mixed case,
# and a quote, backtick, degree sign or the like standing alone between words (specks).
_CAPITAL_SO = re.compile(r"(?<!\S)SỐ(?= \d)")
# "phố" (street) before a street's name read with another mark on its o ("phổ Bà
# Triệu", "phô Kim Mã"): no other word of that spelling stands before a name.
_PHO_MISREAD = re.compile(r"(?<![^\W\d_])ph[ôổồỗộ](?= [A-ZĐ])")
_LONE_QUOTE = re.compile(r"(?<!\S)['‘’`\"“”°•·^~*]+ ")
# The words that number a house, lane or alley before their number, read with another
# mark ("Sổ 12", "So 127", "ngã 206", "ngồ 8"): no other word of those letters stands
# before a number in an address ("ngã ba", a crossroads, has none).
_HOUSE_WORD = re.compile(r"(?<![^\W\d_])S[oóòỏõọôốồổỗộơớờởỡợ](?= \d)")
_LANE_WORD = re.compile(r"(?<![^\W\d_])([Nn])g[oóòỏõọôốồổỗộơớờởỡợãà](?= \d)")
# ... or with one letter of it lost or misread ("gõ 79", "rgỏ 6" after a ngách's number).
_LANE_WORD_NEAR = re.compile(r"(?<=\d[,.);:] )[^\W\d_]{2,3}(?= \d)")


def _lane_word(m: re.Match[str]) -> str:
    word = m[0]
    key = fold(word)
    # ("ngá" may as well be "ngách" cut short.)
    near = word.islower() and key != "NGA" and Levenshtein.distance(key, "NGO") <= 1
    return "ngõ" if near else word


# "Số" joined to its number by a dash or a low line ("Số-169"): a speck between them.
_HOUSE_DASH = re.compile(r"(?<![^\W\d_])(Số)[-–—_~](?=\d)")
# "đường" (road) before a road's name read with other marks ("đướng Nguyễn Chí Thanh",
# "dường Láng"): no other word of those letters stands, in lower case, before a name.
_DUONG_MISREAD = re.compile(r"(?<![^\W\d_])[đd][ưu][ơờớởỡợoòóỏõọ]ng(?= [A-ZĐ])")
# Address parts are printed "a, b": a space the engine put before a comma goes, one it
# left out after a comma before a letter comes back ("Xóm 7,X. Trung Giã").
_SPACE_BEFORE_COMMA = re.compile(r"\s+,")
_GLUED_AFTER_COMMA = re.compile(r",(?=[^\W\d_])")
# A unit's abbreviation glued to its name ("TP.Hà Nội"): the space after its stop lost.
_GLUED_AFTER_UNIT = re.compile(r"(?<![^\W\d_])(TP|TX|TT|[PQHX])\.(?=[A-ZĐ])")
# A ngách is numbered after the lane it leaves ("ngách 46/6"): a bar or "I" between its
# two numbers is the slash ("ngách 46I6", "50i3", "22!84").
_NGACH_SLASH = re.compile(r"(?<=ngách )(\d+)[Iil|!](\d+)\b", re.IGNORECASE)
# ... and so is the one "1" inside four digits or more with no slash ("ngách 27142" for
# "27/42"): a ngách's own number is never that long.
_NGACH_ONE = re.compile(r"(?<=ngách )(\d{4,})\b", re.IGNORECASE)


# A number in an address that starts or ends in "I" or "l" ("Xóm I1,", "ngõ l2"): the
# digit 1 (Roman numerals are never mixed with digits). Between digits the letter may as
# well be a slash ("12I3": "12/3" or "1213"), and is left as read.
_ONE_IN_NUMBER = re.compile(r"(?<![^\W_])(?:[Il]+\d+|\d+[Il]+)(?![^\W_])")
# A house number's leading 1 read apart from the rest of it, as a digit or a letter ("Số
# 1 70", "Số I 10" for "Số 170", "Số 110"): a house number is one number.
_ONE_APART = re.compile(r"\b([Ss]ố) [1Il] (\d{1,3})(?=[, ]|$)")
# A full stop read after a comma (",. TP Hà Nội"): a speck, parts are separated by one.
_STOP_AFTER_COMMA = re.compile(r",\.(?=\s|$)")
# A semicolon between two parts ("ngõ 218 Trần Phú; phường Trung Hòa"): the comma with
# a speck over it; an address separates its parts with commas only.
_SEMICOLON_FOR_COMMA = re.compile(r"(?<=[^\W_]);(?= ?[^\W\d_])")


def _ngach_one(m: re.Match[str]) -> str:
    digits = m.group(1)
    inner = [i for i in range(1, len(digits) - 1) if digits[i] == "1"]
    if digits.count("1") != 1 or len(inner) != 1:
        return digits
    return digits[: inner[0]] + "/" + digits[inner[0] + 1 :]


def _unit_stop(m: re.Match[str]) -> str:
    return m[1] + "." if m[2].isupper() else m[1]


# A town's or a district town's abbreviation at the start of a part before its name
# ("TT Chúc Sơn"), and one of a ward or district written with its stop ("H. Chương Mỹ").
_BARE_TOWN = re.compile(r"(?:(?<=^)|(?<=, ))(TT|TX)(?= [A-ZĐ])")
_STOPPED_UNIT = re.compile(r"(?:^|, )(?:TT|TX|[PQHX])\. ")


def _town_stops(text: str) -> str:
    """ "TT"/"TX" given the full stop that the address's other ward and district
    abbreviations are written with ("Xóm 4, TT Chúc Sơn, H. Chương Mỹ": the stop after
    "TT" lost); an address that writes none keeps them bare."""
    return _BARE_TOWN.sub(r"\1.", text) if _STOPPED_UNIT.search(text) else text


#: The words that name the parts of a street address, by what follows them: a number
#: ("Số 12", "ngõ 3", "ngách 5/7", "Xóm 4") or a name ("đường Láng", "phố Huế"). A word
#: read with a letter wrong or its marks lost or changed ("Sé 199", "ngacf 31/77", "ngàch
#: 90/42", "Xórn 4", "điờng Giải Phóng", "phó Vọng") where such a word stands is that word:
#: in an address nothing else stands there. Two-letter words ("Tổ 3" is a street group)
#: only where the letter the word starts with is the keyword's.
_NUMBERED_WORDS = {"SO": "Số", "NGO": "ngõ", "NGACH": "ngách", "XOM": "Xóm"}
_NAMED_WORDS = {"DUONG": "đường", "PHO": "phố"}
# A number as OCR reads it: digits, a lane's slash, a leading 1 read as a letter ("Í73").
_NUMBER_READ = re.compile(r"^[1IlÍíìỈ|]?\d+(?:/\d+)?[,.]?$")
_LEADING_ONE = re.compile(r"^[IlÍíìỈ|](?=\d)")


def _keyword(word: str, keys: Mapping[str, str]) -> str | None:
    """The keyword of ``keys`` that ``word`` is, read wrong, or None."""
    key = fold(word).replace("RN", "M")
    if not key.isalpha() or key == "NGA":  # ("ngá" may as well be "ngách" cut short)
        return None
    for listed_key, listed in keys.items():
        if key == listed_key:
            return listed
        if len(listed_key) < 3:
            continue  # "Số" as read ("Sé", "S6"): ``_address_keywords`` settles it
        if len(listed_key) == 3 and (len(key) != 3 or key[0] != listed_key[0]):
            continue
        if Levenshtein.distance(key, listed_key) <= 1:
            return listed
    return None


def _address_keywords(text: str) -> str:
    """``text`` with the words that name its parts set right (:data:`_NUMBERED_WORDS`,
    :data:`_NAMED_WORDS`), and a house number's leading 1 read as a letter after them."""
    words = text.split(" ")
    for i, (word, after) in enumerate(itertools.pairwise(words)):
        if not word or not after:
            continue
        if _NUMBER_READ.match(after) and any(c.isdigit() for c in after):
            listed = _keyword(word, _NUMBERED_WORDS)
            if listed is None and len(word) == 2 and word[0] == "S" and not word[1].isdigit():
                listed = "Số"  # "Sé 199", "Sở 12", "Sđ 147"
            elif listed is None and word in ("S6", "S0"):
                listed = "Số"  # its ố read as a digit
            if listed is not None:
                words[i] = _in_case_of(word, listed) if word.isalpha() else listed
                words[i + 1] = _LEADING_ONE.sub("1", after)
        elif after[:1].isupper() and word.islower():
            listed = _keyword(word, _NAMED_WORDS)
            if listed is not None:
                words[i] = listed
    return " ".join(words)


def _repair_address_words(text: str) -> str:
    text = _address_keywords(text)
    text = text.replace("\u2044", "/").replace("\u2215", "/")  # fraction/division slash
    text = _LANE_WORD_NEAR.sub(_lane_word, _LANE_WORD.sub(lambda m: m[1] + "gõ", text))
    text = _STOP_BEFORE_LANE.sub(",", _STOP_FOR_COMMA.sub(",", text))
    text = _SEMICOLON_FOR_COMMA.sub(",", _STOP_AFTER_COMMA.sub(",", text))
    text = _GLUED_AFTER_COMMA.sub(", ", _SPACE_BEFORE_COMMA.sub(",", text))
    text = _GLUED_AFTER_UNIT.sub(r"\1. ", text)
    text = _ONE_IN_NUMBER.sub(lambda m: re.sub(r"[Il]", "1", m[0]), text)
    text = _ONE_APART.sub(r"\1 1\2", text)
    text = _LONE_QUOTE.sub("", text)
    if any(c.islower() for c in text):
        text = _CAPITAL_SO.sub("Số", text)
    text = _PHO_MISREAD.sub("phố", text)
    text = _DUONG_MISREAD.sub("đường", SLASHED_ZERO.sub("0", text))
    text = _HOUSE_WORD.sub("Số", _HOUSE_DASH.sub(r"\1 ", text))
    text = _DAGGER_ONE.sub("1", _SECTION_EIGHT.sub("8", text))
    text = _BARE_UNIT_LETTER.sub(_unit_stop, text)
    text = _NGACH_ONE.sub(_ngach_one, _NGACH_SLASH.sub(r"\1/\2", text))
    return _GLUED_QUOTE.sub("", _TRAILING_ONE.sub("i", text))


#: The lowercase words that end the address labels ("Nơi thường trú", "Nơi cư trú", "Quê
#: quán"): read before a capitalised address, they are the label's end, read into the
#: value when the label was read in part ("thường Tổ dân phố 16, ..."). No address starts
#: with one of them in lowercase.
_LABEL_ENDS = frozenset({"nơi", "thường", "trú", "cư", "quê", "quán"})


def _without_label_end(text: str) -> str:
    words = text.split(" ")
    k = 0
    while k + 1 < len(words) and words[k].rstrip(":.,") in _LABEL_ENDS:
        k += 1
    if k and words[k][:1].isupper():
        return " ".join(words[k:])
    return text


#: Unit words that begin an address part, as printed, after a word or a number ("Tổ dân
#: phố 1 Phường Láng"); ``garbled``: a word that may be "phường" misread.
_UNIT_START = re.compile(
    r"(?<=[^\W_])(?<![Tt]hị)(?<![Tt]hành) "
    r"(?=(?:[Tt]hành phố|[Tt]hị trấn|[Tt]hị xã|[Pp]hường|[Qq]uận|[Hh]uyện|[Xx]ã"
    r"|TP\.?|TT\.|TX\.|[PQHX]\.?|(?P<garbled>[^\W\d_]{5,6})) )"
)
#: An address's text that ends in a unit word: the word after it begins the unit's name.
_UNIT_WORD_END = re.compile(
    r"(?:^|[\s,])(?:thành phố|thị trấn|thị xã|phường|quận|huyện|xã|tp|tt|tx|[pqhx])\.?$",
    re.IGNORECASE,
)
#: A word read for the unit word "phường" with one letter wrong ("whường", "phưỡng").
_GARBLED_WARD = "PHUONG"


def _comma_before_units(text: str) -> str:
    """A comma the reading lost before a unit ("Trần Phú phường Đại Kim,", "Tổ dân phố 3
    whường Tây Mỗ,"), put back where the address prints one before its other units and
    the words after the unit word name a listed unit ("phường Đại Kim"). The unit word
    may be "phường" read with one letter wrong; ``repair_address`` writes it right."""
    if ", " not in text:
        return text  # an address printed without commas
    out, last = [], 0
    for m in _UNIT_START.finditer(text):
        rest = text[m.end() :].split(",")[0].strip()
        words = rest.split()
        listed = _names_a_unit(words)
        if m.group("garbled") is not None:
            # Not a unit's own name ("Phương Mai", "Khương Thượng") nor the first word of
            # one after its unit word ("phường Khương …"), and one letter from the unit
            # word.
            if (
                listed
                or _UNIT_WORD_END.search(text[: m.start()])
                or Levenshtein.distance(fold(m.group("garbled")), _GARBLED_WARD) > 1
            ):
                continue
            listed = _names_a_unit(["phường", *words[1:]])
        if listed:
            out.append(text[last : m.start()] + ",")
            last = m.start()
    return "".join(out) + text[last:]


#: A street's name in an address part: after "đường" or "phố" (not the city's "Thành
#: phố"), or after a lane's or house's number ("ngõ 217 Thái Hà"), to the part's end.
_STREET_NAME = re.compile(
    r"(?:(?<=\b[đĐ]ường )|(?<![Tt]hành phố )(?<![Dd]ân phố )(?<=\b[pP]hố )|(?<=\d ))"
    r"((?:[A-ZĐÂĂÊÔƠƯ][^\W\d_]*)(?: [A-ZĐÂĂÊÔƠƯ][^\W\d_]*){0,3})(?=,|$)"
)


def _street_marks(text: str) -> str:
    """A street's name read with its marks lost or changed ("Tạm Trinh", "Tôn Đức Thăng")
    written as the one listed street of the same letters spells it
    (:func:`extract.gazetteer.streets_by_letters`); a name whose letters no listed street
    has, or two have, stays as read, and so does a listed name written in the other tone
    placement ("Xuân Thuỷ")."""

    def mark(m: re.Match[str]) -> str:
        name = m.group(1)
        listed = streets_by_letters().get(fold(name))
        if listed is None or tone_placement(name) == tone_placement(listed):
            return name
        return listed

    return ", ".join(_STREET_NAME.sub(mark, part) for part in text.split(", "))


def _names_a_unit(words: list[str]) -> bool:
    """The first two to five of ``words`` are a listed unit's name, with or without its
    unit word."""
    return any(is_listed_unit(" ".join(words[:k])) for k in range(2, min(len(words), 5) + 1))


#: Words that begin a residence address ("Số 12 ngõ 3", "Thôn Đoài", "Xóm 11").
ADDRESS_START = frozenset({"Số", "Thôn", "Xóm", "Tổ", "Khu", "Ngõ", "Ấp", "Đội", "Cụm", "Khối"})
# The first word of an address, "Thôn" or "Xóm" read with other marks or a letter wrong
# ("Thồn", "Ẩhôn", "Xom 11") before a name or a number; "Tổ dân phố" read in pieces
# ("Tố đán phố 2", "Tổ d n.phố 8") before its number.
_FIRST_WORD = re.compile(r"^([^\W\d_]{3,4})[,.]?(?= [A-ZĐ\d])")
_STREET_GROUP = re.compile(r"^((?:[^\W\d_]{1,3}[ .]+){1,3}ph[^\W\d_]{1,2})(?= \d)")
#: The marks Vietnamese letters carry: grave, acute, tilde, hook, dot below, circumflex,
#: breve, horn.
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


def _vietnamese_char(c: str) -> bool:
    if c.isdigit() or c in ".,;:/()-" or c in "đĐ":
        return True
    parts = unicodedata.normalize("NFD", c)
    base, marks = parts[0], parts[1:]
    return base.isascii() and base.isalpha() and all(m in _VIETNAMESE_MARKS for m in marks)


def _speck_word(word: str) -> bool:
    """A lone letter, or a word with a character no Vietnamese word has ("Asøss", "»;")."""
    return (len(word) == 1 and word.isalpha()) or not all(map(_vietnamese_char, word))


def _english_word(word: str) -> bool:
    """A word of unmarked Latin letters, a colon after it or not ("Address:", "of"): the
    English half of an address's label ("Place of residence") read into its value."""
    letters = word.rstrip(":")
    return letters.isascii() and letters.isalpha()


def _first_word(m: re.Match[str]) -> str:
    word = m[1]
    key = fold(word)
    # Its T misread ("Ẩhôn") or its marks: "Than" (of Than Uyên), "Thân" stay.
    if key == "THON" or (len(key) == 4 and key[1:] == "HON"):
        return _in_case_of(word, "Thôn")
    if key == "XOM":
        return _in_case_of(word, "Xóm")
    return m[0]


def _street_group(m: re.Match[str]) -> str:
    letters = re.sub(r"[^A-Z]", "", fold(m[1]))
    return "Tổ dân phố" if Levenshtein.distance(letters, "TODANPHO") <= 1 else m[0]


def _address_start(text: str) -> str:
    """``text`` with its first word set right (:data:`_FIRST_WORD`,
    :data:`_STREET_GROUP`)."""
    return _STREET_GROUP.sub(_street_group, _FIRST_WORD.sub(_first_word, text, count=1), count=1)


#: The label ends of :data:`_LABEL_ENDS` with their marks folded away: "thưởng" or
#: "thuòng" is "thường" read with other marks.
_LABEL_END_KEYS = frozenset(fold(w) for w in _LABEL_ENDS)


def _label_end(word: str) -> bool:
    """A lowercase word that is the end of an address's label, its marks aside."""
    letters = word.strip(":.,/|")
    return letters[:1].islower() and fold(letters) in _LABEL_END_KEYS


def _mixed_word(word: str) -> bool:
    """A word of digits and letters run together ("6x", "0iace"): no word of an address
    before its first word is one."""
    letters = word.strip(":.,")
    return any(c.isdigit() for c in letters) and any(c.isalpha() for c in letters)


def _small(word: str) -> bool:
    """A word that starts with a small letter ("esơence.", "trị"): an address starts with
    its capitalised first word, so one before it is the label's end misread."""
    first = next((c for c in word if c.isalnum()), "")
    return first.isalpha() and first.islower()


def _without_leading_junk(text: str) -> str:
    """``text`` without up to four words read before the address's first word, where
    they are specks ("Asøss Số 130 ngõ 246", "##« øƒ ses««e Tổ dân phố 24"), the
    English half of its label ("¿ Address: Số 163", "F € of resie Tổ dân phố 5"),
    letters and digits run together ("6x ø/ naadexe Số 92"), or end with the end of
    its Vietnamese half read with other marks or after a word misread ("Ống trú Tổ dân
    phố 32", "thưởng Số 146"), or start with small letters ("th g trị Tổ dân phố 5")."""
    words = text.split(" ")
    for k in (1, 2, 3, 4):
        first = words[k] if len(words) > k else ""
        if first not in ADDRESS_START and not (
            first.isupper() and first.capitalize() in ADDRESS_START
        ):
            continue  # "SỐ 219" starts an address too: its capitals are set right later
        head = words[:k]
        if _label_end(head[-1]):
            return " ".join(words[k:])
        if all(_speck_word(w) or _english_word(w) or _mixed_word(w) or _small(w) for w in head):
            return " ".join(words[k:])
    return text


_VOWEL = re.compile("[aeiouyăâêôơư]", re.IGNORECASE)


def _word(word: str) -> bool:
    """A word of Vietnamese letters with a vowel (a trailing comma or stop aside)."""
    letters = word.rstrip(",.")
    return (
        bool(letters)
        and letters.isalpha()
        and all(map(_vietnamese_char, letters))
        and bool(_VOWEL.search(unicodedata.normalize("NFD", letters)))
    )


def _without_province_twice(text: str) -> str:
    """``text`` without its province read a second time after it ("TP Hà Nội HÀ NỘI":
    the lettering of a seal on the address's last line). No address names it twice."""
    words = text.split(" ")
    for k in (1, 2, 3):
        if len(words) < 2 * k + 1:
            break
        tail, before = " ".join(words[-k:]), " ".join(words[-2 * k : -k]).rstrip(",.")
        if is_province(tail) and fold(tail) == fold(before):
            return " ".join(words[:-k])
    return text


#: "ngày 31", "tháng 01", "năm 2021", folded: a date written out.
_DATED = re.compile(r"\b(?:NGAY|THANG|NAM) ?\d")


def _without_trailing_junk(text: str) -> str:
    """``text`` without the specks or leader read after its province ("Thành phố Hà
    Nội 6 0-s.e", "TP. Hà Nội mm HH HH"): an address ends with its province."""
    if ends_with_province(text):
        return _without_province_twice(text)
    words = text.split(" ")
    for k in range(len(words) - 1, 1, -1):
        # The place-and-date line under the value read into its end ("…, Hà Nội ý 31
        # tháná 01 năm 2021"): the address ends with the province before it.
        head = " ".join(words[:k]).rstrip(",")
        if _DATED.search(fold(" ".join(words[k:]))) and ends_with_province(head):
            return head
    k = len(words)
    while k > 1 and not _word(words[k - 1]):
        k -= 1
    head = " ".join(words[:k])
    return head if k < len(words) and ends_with_province(head) else text


def address_value(raw: str, ctx: Context) -> Parsed:
    """An address or place, as printed; unit names carry the official tone marks
    (:mod:`extract.gazetteer`)."""
    return _address(raw, raw)


def _address(raw: str, reading: str) -> Parsed:
    """:func:`address_value` of ``raw``, a reading or a repair of ``reading``: names put
    back from the lists take the tone placement ``reading`` shows (``in_style_of``)."""
    text = _address_start(_without_leading_junk(_without_label_end(_clean(raw))))
    text = restore_marks(join_split_syllables(_repair_address_words(text)))
    text = _street_marks(_comma_before_units(_without_trailing_junk(text)))
    # A bare unit letter that began a part only once its comma was put back ("Q Tây Hồ").
    text = repair_address(_town_stops(_BARE_UNIT_LETTER.sub(_unit_stop, text)))
    if not text:
        return Parsed(None, None)
    text = in_style_of(text, reading)
    ok = len(_LETTER.findall(text)) >= 3
    if ok and not ends_with_province(text):
        return Parsed(text, None, ("no province at its end: read in part",))
    return Parsed(text, ok, () if ok else ("does not look like an address",))


#: A colon, semicolon or stop after a word (not an abbreviation such as "H.") and before a
#: capital: a comma between two parts of a place misread ("Văn Giar: Hưng Yến").
_PART_STOP = re.compile(r"(?<=[^\W\d_]{3})\s?[:;.](?= [A-ZĐ])")


def origin_value(raw: str, ctx: Context) -> Parsed:
    """A place of origin (quê quán): an address whose misread unit names the hierarchy of
    units sets right (:func:`extract.places.repair_origin`). Its parts are parted by
    commas; where it shows fewer than three, a stop or colon between words stands for
    one (:data:`_PART_STOP`)."""
    if raw.count(",") < 2:
        raw = _PART_STOP.sub(",", raw)
    parsed = address_value(raw, ctx)
    if parsed.value is None:
        return parsed
    repaired = repair_origin(parsed.value)
    return parsed if repaired == parsed.value else _address(repaired, raw)


def _id_number(raw: str, *, tax_code: bool) -> Parsed:
    parsed = parse_id_number(raw)
    if parsed is not None:
        problems = cccd_problems(parsed.digits) if parsed.kind == "cccd" else []
        return Parsed(parsed.digits, not problems, tuple(problems))
    compact = _compact_upper(raw)
    # A tax code opens with its province number, 01 and up: ten digits from "00" are a
    # CCCD (Hà Nội's start 001) read short.
    if tax_code and _TAX_CODE.fullmatch(compact) and not compact.startswith("00"):
        return Parsed(compact, True)
    return _as_read(raw, "not a 12-digit CCCD or 9-digit CMND number")


def owner_id_value(raw: str, ctx: Context) -> Parsed:
    """Owner's số định danh / CMND, or an organisation's tax code (as printed)."""
    return _id_number(raw, tax_code=True)


def citizen_number_value(raw: str, ctx: Context) -> Parsed:
    """The card's CCCD (12 digits) or CMND (9 digits) number."""
    return _id_number(raw, tax_code=False)


def _digit_run(raw: str, lengths: range) -> str | None:
    text = re.sub(r"(?<=\w)[\s.](?=\w)", "", _clean(raw))
    for _, run in digit_runs(text):
        digits = digits_only(run)
        if len(digits) in lengths:
            return digits
    return None


def license_number_value(raw: str, ctx: Context) -> Parsed:
    """GPLX number: 12 digits on PET cards; paper licences kept as printed."""
    digits = _digit_run(raw, range(12, 13))
    if digits is not None:
        return Parsed(digits, True)
    compact = _compact_upper(raw)
    if _IDENT.fullmatch(compact) and sum(c.isdigit() for c in compact) >= 5:
        return Parsed(compact, None, ("not a 12-digit licence number",))
    return _as_read(raw, "not a licence number")


def certificate_number_value(raw: str, ctx: Context) -> Parsed:
    """Certificate serial ("Số (Number)"): as printed, spaces removed."""
    compact = _compact_upper(raw)
    # "No." / "Số" before the digits is the label ("Số/No.: 413831"), not a series.
    compact = re.sub(r"^(?:NO|N°|SO|SỐ)[.:]*(?=\d)", "", compact)
    if re.fullmatch(r"[A-Z]{0,3}[-.]?\d{4,9}", compact):
        return Parsed(compact, True)
    digits = _digit_run(raw, range(4, 10))
    if digits is not None and len(digits) >= len(compact) - 2:
        return Parsed(digits, True)
    return _as_read(raw, "not a certificate number")


def plate_value(raw: str, ctx: Context) -> Parsed:
    """Plate in its display form; the document's vehicle type settles car vs motorbike."""
    kind = vehicle_kind(ctx.get("vehicle_type") or "")
    plate = parse_plate(raw, kind)
    if plate is None:
        return _as_read(raw, "not a plate number")
    if not plate.locality_known:
        return Parsed(plate.display, False, (f"unknown locality code {plate.locality}",))
    return Parsed(plate.display, True)


def _after_label(raw: str) -> str:
    """The text after a label remnant read into an identifier's value box
    ("CHASSISN°):RLSB…" → "RLSB…"): what follows the last ':' or ')' when letters come
    before it and at least five letters or digits after it."""
    cut = max(raw.rfind(":"), raw.rfind(")"))
    if cut <= 0:
        return raw
    head, tail = raw[:cut], raw[cut + 1 :]
    if _LETTER.search(head) and sum(c.isalnum() for c in tail) >= 5:
        return tail
    return raw


#: An O beside a digit in an engine number: makers' engine codes and serials, like VINs,
#: leave out O, I and Q ("N04C", "J08E", "4G63"; Mercedes' "OM651" has its O beside a
#: letter), while the recognizer reads a narrow 0 as O ("NO4C-VN27080" on clean pages,
#: where the same field read N04C on another page of the dossier).
_O_BESIDE_DIGIT = re.compile(r"(?<=\d)O|O(?=\d)")


_DOT_INSIDE = re.compile(r"(?<=[A-Za-z0-9])\.(?=[A-Za-z0-9])")


def engine_value(raw: str, ctx: Context) -> Parsed:
    """Engine number(s), uppercase without spaces, several joined by '; '. An O beside a
    digit in a number otherwise free of O, I and Q is a 0 (the value stays doubtful)."""
    # Several engine numbers may be printed "A / B"; none contains a slash itself, nor a
    # full stop: one read inside a number is a speck ("2Z.R6697563").
    raw = _DOT_INSIDE.sub("", _after_label(raw))
    value = normalize_engine_number(strip_leaders(raw).replace("/", ";")).strip(_EDGE + "()")
    if not value:
        return Parsed(None, None)
    ok = engine_number_ok(value) and any(c.isdigit() for c in value)
    zeroed = _O_BESIDE_DIGIT.sub("0", value)
    if ok and zeroed != value and not re.search("[IOQ]", zeroed):
        return Parsed(zeroed, None, ("an O beside a digit taken for a 0",))
    return Parsed(value, ok, () if ok else ("not an engine number",))


# In 18 characters, the one O beside a 0: a VIN has no O, so one 0 read twice.
_ZERO_READ_TWICE = re.compile(r"O(?=0)|(?<=0)O")


def chassis_value(raw: str, ctx: Context) -> Parsed:
    """Chassis number / VIN, uppercase without spaces; 18 characters with one O beside a 0
    read as the VIN without that O ("RL4BSO0SC8…"), a stroke read before a VIN, or one
    character read twice (:func:`_read_twice`), are that VIN."""
    raw = _after_label(raw)
    # One word of the reading that is a whole VIN is the chassis number; the words around
    # it are something else on the row ("JAANJYPC8KU515221 sonnet", the next column).
    vins = [w for w in map(normalize_vin_like, raw.split()) if vin_ok(w)]
    if len(vins) == 1 and len(raw.split()) > 1:
        return Parsed(vins[0], True)
    value = normalize_chassis_number(strip_leaders(raw).strip(_EDGE + "()")).strip(_EDGE + "()")
    if len(value) == 18 and value.count("O") == 1:
        vin = normalize_chassis_number(_ZERO_READ_TWICE.sub("", value))
        value = vin if vin_ok(vin) else value
    if len(value) == 18 and value[0] in "I|" and vin_ok(value[1:]):
        # A box edge read as "I" before the VIN ("IRLHJF46…"): a VIN holds no I.
        value = value[1:]
    if len(value) == 18 and not vin_ok(value):
        value = _read_twice(value)
    if not value:
        return Parsed(None, None)
    ok = vin_ok(value) or bool(re.fullmatch(r"(?=.*\d)[A-Z0-9-]{5,25}", value))
    return Parsed(value, ok, () if ok else ("not a chassis number",))


def _read_twice(value: str) -> str:
    """An 18-character reading of a VIN with one character read twice ("RLCSS5LPS…" for
    "RLCS5LPS…", the S of "S5" repeated): the VIN that dropping one of a doubled pair
    gives, when every doubled pair gives the same one and the first character may not be
    a box edge read as a stroke instead ("1RLHJF46BXKW331493": the 1, or one of the 3s);
    else the reading as it is."""
    vins = {value[:i] + value[i + 1 :] for i in range(1, 18) if value[i] == value[i - 1]}
    if value[0] in "1lLI|":
        vins.add(value[1:])
    if len(vins) == 1:
        (vin,) = vins
        if vin_ok(vin):
            return vin
    return value


def year_value(raw: str, ctx: Context) -> Parsed:
    """Year of manufacture."""
    year = parse_year(raw, 1900, date.today().year + 1)
    return Parsed(year, True) if year else _as_read(raw, "not a year")


def capacity_value(raw: str, ctx: Context) -> Parsed:
    """Engine capacity in cm3 (decimal digits)."""
    cc = parse_int_field(raw, 20, 30000)
    return Parsed(cc, True) if cc else _as_read(raw, "not an engine capacity")


#: The most seats a motorbike is registered with (driver and passenger, a sidecar's one).
MOTORBIKE_SEATS = 3


def seats_value(raw: str, ctx: Context) -> Parsed:
    """Number of seats; a motorbike's (by the document's vehicle type) is 1 to
    :data:`MOTORBIKE_SEATS`: more is a misread count ("68" for "02")."""
    seats = parse_int_field(raw, 1, 99)
    if not seats:
        return _as_read(raw, "not a seat count")
    if vehicle_kind(ctx.get("vehicle_type") or "") == "motorbike" and int(seats) > MOTORBIKE_SEATS:
        return Parsed(seats, False, (f"a motorbike seats at most {MOTORBIKE_SEATS}",))
    return Parsed(seats, True)


def phone_value(raw: str, ctx: Context) -> Parsed:
    """Phone number as digits."""
    phone = parse_phone(raw)
    return Parsed(phone, True) if phone else _as_read(raw, "not a phone number")


def sex_value(raw: str, ctx: Context) -> Parsed:
    """'Nam' or 'Nữ'."""
    sex = parse_sex(raw)
    return Parsed(sex, True) if sex else _as_read(raw, "not a sex")


def nationality_value(raw: str, ctx: Context) -> Parsed:
    """Nationality; the Vietnamese one in its canonical spelling."""
    text = _clean(raw)
    if not text:
        return Parsed(None, None)
    folded = fold(text).replace(" ", "")
    if folded in ("VIETNAM", "VIETNAMESE"):
        return Parsed("Việt Nam", True)
    words = text.split()
    if (
        len(words) > 2
        and words[-2:] == ["Việt", "Nam"]
        and all(w.isascii() or _speck_word(w) for w in words[:-2])
    ):  # an unreadable English half of the label before it ("Aaionaz", "xøsa Việt Nam")
        return Parsed("Việt Nam", True)
    viet = [i for i, w in enumerate(words) if fold(w) == "VIET"]
    if len(viet) == 1 and all(w.isascii() for j, w in enumerate(words) if j != viet[0]):
        # "Việt" alone, or after an unreadable English half of the label ("Nawonay
        # Việt"): no other country's name has that word, and "Nam" was lost.
        return Parsed("Việt Nam", None, ("half of the nationality read",))
    if len(folded) >= 6 and Levenshtein.distance(folded, "VIETNAM") == 1:
        return Parsed("Việt Nam", None, ("the nationality misread",))  # "Việt Nan"
    if folded in ("VIET", "NAM") or fold(words[0]) == "VIET":
        # "Nam" alone (the sex beside it, as often as half the nationality), or "Việt"
        # and the words of another line ("Việt Nguyễn").
        return Parsed(text, False, ("incomplete nationality",))
    # A country's name has no digit and no comma: "Q. Cầu Giấy, TP Hà Nội" is an address
    # read after a label taken for "Quốc tịch"; nor a colon or semicolon inside it ("Vi;:
    # Nam", a second reading of a "Việt Nam" found without its label, under a seal).
    ok = len(_LETTER.findall(text)) >= 3 and not re.search(r"[\d,]|[;:](?=.)", text)
    return Parsed(text, ok, () if ok else ("not a nationality",))


# A date field's value that is a day, a month and a year with a separator read as a space
# ("05 08 2031", "13 03.1969"): in the value of a date's label, nothing but a date.
_SPACED_DATE = re.compile(r"\W*(\d{1,2})[\s/.\-]+(\d{1,2})[\s/.\-]+(\d{4})\W*")


def spaced_date(raw: str) -> str | None:
    """The ISO date of a value that is only a date whose separators were read as spaces
    (:data:`_SPACED_DATE`), else None."""
    m = _SPACED_DATE.fullmatch(_clean(raw))
    return parse_date(f"{m[1]}/{m[2]}/{m[3]}") if m else None


def past_date_value(field: str) -> ValueParser:
    """Parser of a date field checked with ``date_problems(field, ...)``."""

    def parse(raw: str, ctx: Context) -> Parsed:
        iso = parse_date(raw) or misworded_date(raw) or spaced_date(raw)
        if iso is None:
            return _as_read(raw, "not a date")
        problems = date_problems(field, iso)
        return Parsed(iso, not problems, tuple(problems))

    return parse


birth_date_value = past_date_value("date_of_birth")


def expiry_value(raw: str, ctx: Context) -> Parsed:
    """Expiry date, or 'Không thời hạn'."""
    value = parse_expiry(raw) or spaced_date(raw)
    if value is None:
        return _as_read(raw, "not a date")
    problems = date_problems("expiry_date", value)
    return Parsed(value, not problems, tuple(problems))


def license_class_value(raw: str, ctx: Context) -> Parsed:
    """Licence classes in printed order joined by '; '. A class-shaped token of the list
    that is no class ("R; B" for "A; B") is a class misread: the list is in doubt."""
    classes = parse_license_classes(raw)
    if not classes:
        return _as_read(raw, "no licence class")
    unread = unread_license_classes(raw)
    if unread:
        return Parsed(classes, None, (f"not a licence class: {', '.join(unread)}",))
    if raw.rstrip().endswith((";", ",")):
        # "A1;" where the card prints "A1; B2": the list goes on past what was read.
        return Parsed(classes, None, ("the list of classes ends in a separator: read in part",))
    return Parsed(classes, True)


_WORDED = re.compile(r"NGAY\s*\w{1,2}\s*THANG\s*\w{1,2}\s*NAM\s*\w{4}")


def worded_date(text: str) -> bool:
    """True for "…, ngày 12 tháng 3 năm 2024" (folded, OCR-tolerant) with a valid date."""
    return bool(_WORDED.search(fold(text))) and parse_date(text) is not None


_WORDED_SHAPE = re.compile(r"\bNGAY(?: (\w{1,3}))? THANG(?: (\w{1,3}))? NAM (\w{2,5})\b")


def worded_date_shape(text: str) -> bool:
    """True for a worded date with one part misread or lost ("ngày 12 tháng l1] năm
    2019", "ngày 27 tháng § năm 2005"), or with its words misread around whole numbers
    (:func:`misworded_date`): the year and the day or the month are there."""
    m = _WORDED_SHAPE.search(fold(text))
    return (m is not None and (m[1] is not None or m[2] is not None)) or bool(misworded_date(text))


def misworded_shape(text: str) -> bool:
    """True for a worded date whose words OCR misread and whose numbers make no date as
    read ("ngày 96 thịng 04 năm 2018": a dotted zero read as 9), for a zero to repair."""
    return any(True for _ in _misworded(_date_key(text)))


#: Day, the word for month, month, the word for year, year: the words as any short run of
#: letters and punctuation, checked against "tháng" and "năm" by edit distance.
_MISWORDED = re.compile(
    r"(?<!\d)(\d{1,2})\s*[,.]?\s+([^\d\s]{2,7})\s+(\d{1,2})\s*[,.]?\s+([^\d\s]{2,6})\s+(\d{4})(?!\d)"
)


# A worded date with one of its words lost, not misread: "ngày 28 08 năm 2022" (the
# month's word under a seal), "ngày 28 tháng 08 2022".
_WORD_LOST = (
    re.compile(r"\bNGAY\s+(\d{1,2})\s*[,.]?\s+(\d{1,2})\s*[,.]?\s+NAM\s+(\d{4})(?!\d)"),
    re.compile(r"\bNGAY\s+(\d{1,2})\s+THANG\s+(\d{1,2})\s*[,.]?\s+(\d{4})(?!\d)"),
)
# A year of five digits with a 6, 8 or 9 beside a 0 ("năm 26009", "26020"): a dotted zero
# read as two glyphs, its dot as a digit of its own (the one-glyph misreading is
# :data:`ZERO_LOOKALIKES`).
_SPLIT_ZERO_YEAR = re.compile(r"(?<=\bNAM )\d{5}(?!\d)")


def _split_zero_year(m: re.Match[str]) -> str:
    digits = m[0]
    years = {
        digits[:i] + digits[i + 1 :]
        for i, c in enumerate(digits)
        if c in ZERO_LOOKALIKES and "0" in digits[max(0, i - 1) : i] + digits[i + 1 : i + 2]
    }
    plausible = [y for y in years if 1900 <= int(y) <= 2100]
    return plausible[0] if len(plausible) == 1 else digits


def _date_key(text: str) -> str:
    """``text`` folded, a five-digit year's split zero read as one (:data:`_SPLIT_ZERO_YEAR`):
    the form the worded-date patterns search."""
    return _SPLIT_ZERO_YEAR.sub(_split_zero_year, fold(text))


def _misworded(key: str) -> Iterator[tuple[str, str, str]]:
    """(day, month, year) as read in each worded date of ``key`` (:func:`_date_key`) whose
    words for month and year are "tháng" and "năm" with at most two letters wrong
    (punctuation aside), valid dates or not ("ngày 96 thịng 04 năm 2018": a dotted zero
    read as 9)."""
    for m in _MISWORDED.finditer(key):
        month_word = re.sub(r"[^A-Z]", "", m[2])
        year_word = re.sub(r"[^A-Z]", "", m[4])
        if (
            Levenshtein.distance(month_word, "THANG") <= 2
            and Levenshtein.distance(year_word, "NAM") <= 2
        ):
            yield m[1], m[3], m[5]


def misworded_date(text: str) -> str | None:
    """The ISO date of a worded date whose words OCR misread but whose numbers it kept
    ("lý 05 thán, 05 năm 2020", "rigày 11 tháng 01 nãtn 2001"): "tháng" and "năm" each
    read with at most two letters wrong (folded, punctuation aside); or one of them lost
    (:data:`_WORD_LOST`), or the year's dotted zero read as two digits
    (:data:`_SPLIT_ZERO_YEAR`)."""
    key = _date_key(text)
    for day, month, year in _misworded(key):
        iso = parse_date(f"{day}/{month}/{year}")
        if iso is not None:
            return iso
    for pattern in _WORD_LOST:
        for m in pattern.finditer(key):
            iso = parse_date(f"{m[1]}/{m[2]}/{m[3]}")
            if iso is not None:
                return iso
    return None


# -- cross-field checks ------------------------------------------------------------------


# How an organisation's name starts (companies, cooperatives, branches, public bodies),
# compared with the marks kept: "TRƯỜNG" (a school) is not the surname "TRƯƠNG". Only an
# organisation owns a vehicle under a tax code (DOMAIN.md §2.5).
_ORGANISATION_STARTS = (
    "CÔNG TY", "CTY", "TỔNG CÔNG TY", "DOANH NGHIỆP", "HỢP TÁC XÃ", "HTX", "CHI NHÁNH",
    "NGÂN HÀNG", "TẬP ĐOÀN", "UBND", "ỦY BAN", "UỶ BAN", "TRƯỜNG", "BỆNH VIỆN", "HỌC VIỆN",
    "VIỆN", "CỤC", "SỞ", "BAN", "BỘ", "TRUNG TÂM", "HỘI", "VĂN PHÒNG", "ĐẠI SỨ QUÁN",
    "LIÊN ĐOÀN", "CÔNG AN", "ĐƠN VỊ", "NHÀ MÁY", "XÍ NGHIỆP", "ĐÀI", "TRẠM",
)  # fmt: skip
_ORGANISATION_ANYWHERE = ("TNHH", "CỔ PHẦN", "CP ")


def is_organisation(name: str) -> bool:
    """Whether ``name`` names an organisation rather than a person."""
    text = marked_key(name) + " "
    return text.startswith(tuple(w + " " for w in _ORGANISATION_STARTS)) or any(
        w in text for w in _ORGANISATION_ANYWHERE
    )


def cross_problems(doc_type: str, values: Mapping[str, str]) -> dict[str, list[str]]:
    """Inconsistencies between fields of one document, keyed by the field to flag."""
    out: dict[str, list[str]] = {}

    def add(field: str, problems: list[str]) -> None:
        if problems:
            out.setdefault(field, []).extend(problems)

    if doc_type == "citizen_id" and re.fullmatch(r"\d{12}", values.get("id_number", "")):
        number = values["id_number"]
        alone = set(cccd_problems(number))
        both = cccd_problems(number, values.get("date_of_birth"), values.get("sex"))
        add("id_number", [p for p in both if p not in alone])
    if doc_type == "driving_license":
        if "license_class" in values:
            add(
                "license_class",
                license_class_problems(values["license_class"], values.get("issue_date")),
            )
        issue, expiry = values.get("issue_date"), values.get("expiry_date")
        if issue and expiry and parse_date(expiry) and parse_date(issue) and expiry <= issue:
            add("expiry_date", [f"expiry {expiry} is not after issue date {issue}"])
        dob = values.get("date_of_birth")
        if issue and dob and parse_date(issue) and parse_date(dob) and dob >= issue:
            add("date_of_birth", [f"date of birth {dob} is not before issue date {issue}"])
    if doc_type in ("registration_certificate", "registration_declaration"):
        add("plate_number", _plate_vs_type(values.get("plate_number"), values.get("vehicle_type")))
        add(
            "engine_capacity_cc",
            _capacity_vs_type(values.get("engine_capacity_cc"), values.get("vehicle_type")),
        )
        owner_id, owner = values.get("owner_id_number", ""), values.get("owner_name")
        if _TAX_CODE.fullmatch(owner_id) and owner and not is_organisation(owner):
            add("owner_id_number", [f"tax code {owner_id} for a person ({owner})"])
        engine, chassis = values.get("engine_number"), values.get("chassis_number")
        if engine and chassis and engine == chassis:
            # One value read for both labels: at most one of them is right.
            same = f"engine and chassis numbers are the same ({engine})"
            add("engine_number", [same])
            add("chassis_number", [same])
    return out


#: Engine capacities (cm3) outside which a car or a motorbike is not built: the smallest
#: cars (kei class) have 660, the largest motorbikes about 2,500.
CAR_MIN_CC, MOTORBIKE_MAX_CC = 500, 2500


def _capacity_vs_type(cc: str | None, vehicle_type: str | None) -> list[str]:
    if not cc or not vehicle_type or not cc.isdigit():
        return []
    kind = vehicle_kind(vehicle_type)
    if kind == "car" and int(cc) < CAR_MIN_CC:
        return [f"{cc} cm3 is too small for a car ({vehicle_type})"]
    if kind == "motorbike" and int(cc) > MOTORBIKE_MAX_CC:
        return [f"{cc} cm3 is too large for a motorbike ({vehicle_type})"]
    return []


def _plate_vs_type(plate_text: str | None, vehicle_type: str | None) -> list[str]:
    if not plate_text or not vehicle_type:
        return []
    kind = vehicle_kind(vehicle_type)
    plate = parse_plate(plate_text)
    if kind is None or plate is None:
        return []
    if plate.kind in ("car", "car_legacy") and kind == "motorbike":
        return [f"car plate {plate.display} on a motorbike ({vehicle_type})"]
    if plate.kind in ("motorbike", "electric") and kind == "car":
        return [f"motorbike plate {plate.display} on a car ({vehicle_type})"]
    return []
