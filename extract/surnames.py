"""Tone marks of family names and given names, restored from lists of Vietnamese names.

Tesseract ``vie`` misreads tone marks on capitals far more often than letters: ``NGUYÊN``
for ``NGUYỄN``, ``TRẤN`` for ``TRẦN``, ``PHAM`` for ``PHẠM``. Family names are a near-closed
vocabulary (``data/surnames.txt``), so a name's first word whose letters match exactly one
listed surname, but whose marks differ, is restored to that surname, as
:mod:`extract.gazetteer` does for unit names. Letters are never changed; a first word whose
letters match several surnames (``HA``: Hà or Hạ) stays as read, and so does a name without
any mark at all (``NGUYEN VAN AN``: typewritten and foreign-printed papers drop them all;
marking one word would invent a spelling the paper does not have; this costs the rare
``PHAM DUY NAM`` whose only mark was lost). The field's ``raw`` keeps what the OCR read.

Middle and given names (``data/given_names.txt``) are an open vocabulary, but the common
ones cover most people: a word after the family name that is not a listed name, and whose
letters match exactly one that is, gets that name's marks (``HĂNG`` → ``HẰNG``, ``QUẦN``
→ ``QUÂN``); ``HIÊN`` (Hiền, Hiển or Hiến) stays as read, unless the word's place in the
name settles it (:data:`BY_PLACE`: ``TRẦN PHƯƠNG VAN`` is Vân, ``NGUYỄN VAN HƯNG`` Văn).
"""

from __future__ import annotations

import functools

from extract.gazetteer import data_list
from extract.normalize import fold, unique_by_fold


@functools.cache
def _names(file: str) -> tuple[frozenset[str], dict[str, str]]:
    """(the names listed in ``data/<file>`` in capitals, folded letters -> the one listed
    name with them)."""
    names = data_list(file)
    return frozenset(n.upper() for n in names), unique_by_fold(names)


def _surnames() -> tuple[frozenset[str], dict[str, str]]:
    return _names("surnames.txt")


def _given_names() -> tuple[frozenset[str], dict[str, str]]:
    """Middle and given names."""
    return _names("given_names.txt")


def is_listed(name: str) -> bool:
    """The name's first word is a listed surname, marks included (case aside)."""
    words = name.split()
    return bool(words) and words[0].upper() in _surnames()[0]


def is_given_name(word: str) -> bool:
    """``word`` is a listed middle or given name, marks included (case aside)."""
    return word.upper() in _given_names()[0]


def restore_surname(name: str) -> str:
    """``name`` with its first word's tone marks restored when it is a misread surname."""
    words = name.split(" ")
    first = words[0]
    if not first or name.isascii() or is_listed(name):
        return name
    surname = _surnames()[1].get(fold(first))
    if surname is None:
        return name
    words[0] = surname.upper() if first.isupper() else surname
    return " ".join(words)


#: Words of the administrative units, which OCR puts into a name where the owner's line
#: runs on into the address: "Quận" is no misread "Quân".
_UNIT_WORDS = frozenset({"QUẬN", "HUYỆN", "PHƯỜNG", "XÃ", "TỈNH", "TRẤN", "PHỐ", "THÔN", "XÓM"})


#: Letters two listed names share, where the word's place in the name settles which:
#: (as the middle name, as the given name, the last word). "Văn" is the commonest male
#: middle name and rarely a given name, "Vân" a common given name; "Thị" the commonest
#: female middle name, "Thi" a given name.
BY_PLACE = {"VAN": ("Văn", "Vân"), "THI": ("Thị", "Thi")}


def restore_given_names(name: str) -> str:
    """``name`` with the tone marks of misread middle and given names restored (every word
    after the first that is no listed surname or unit word); a name printed without any
    mark is left as read."""
    words = name.split(" ")
    if len(words) < 2 or name.isascii():
        return name
    listed, by_letters = _given_names()
    surnames = _surnames()[0]
    for i, word in enumerate(words[1:], 1):
        upper, key = word.upper(), fold(word)
        if word.isalpha() and key in BY_PLACE and upper == key:
            # Read without marks, where its place settles them ("THI" as a middle name).
            placed = BY_PLACE[key][1 if i == len(words) - 1 else 0]
            words[i] = placed.upper() if word.isupper() else placed
            continue
        if not word.isalpha() or upper in listed or upper in surnames or upper in _UNIT_WORDS:
            continue
        given = by_letters.get(key)
        if given is not None:
            words[i] = given.upper() if word.isupper() else given
    return " ".join(words)
