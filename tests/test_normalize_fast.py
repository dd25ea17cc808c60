"""The fast paths of ``clean_text`` and ``fold`` give what the per-character versions gave.

``_slow_*`` below are the straightforward versions (one pass over every character) that the
fast paths replaced; they are kept here as the oracle.
"""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from extract import normalize
from extract.normalize import (
    _CHAR_FIXES,
    _MODIFIERS,
    _TONES,
    _WS,
    _marks_in_order,
    clean_text,
    fold,
    tone_placement,
)


def _split_tone(ch: str) -> tuple[str, str]:
    nfd = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in nfd if c in _TONES)
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
    return base, tone


def _slow_reorder_marks(s: str) -> str:
    out: list[str] = []
    marks: list[str] = []

    def flush() -> None:
        marks.sort(key=lambda m: 0 if m in _MODIFIERS else 1)
        out.extend(marks)
        marks.clear()

    for c in unicodedata.normalize("NFD", s):
        if unicodedata.combining(c):
            marks.append(c)
        else:
            flush()
            out.append(c)
    flush()
    return unicodedata.normalize("NFC", "".join(out))


def _slow_fix_uo_cluster(s: str) -> str:
    chars = list(s)
    for i in range(len(chars) - 1):
        b1, t1 = _split_tone(chars[i])
        b2, t2 = _split_tone(chars[i + 1])
        if len(b1) != 1 or len(b2) != 1:
            continue
        if b1 in "ưƯ" and b2 in "oO":
            b2 = "ơ" if b2 == "o" else "Ơ"
        elif (
            b1 in "uU"
            and b2 in "ơƠ"
            and i + 2 < len(chars)
            and chars[i + 2].lower() in "nctmpiu"
            and (i == 0 or chars[i - 1].lower() != "q")
        ):
            b1 = "ư" if b1 == "u" else "Ư"
        elif not (b1 in "ưƯ" and b2 in "ơƠ" and t1):
            continue
        chars[i] = b1
        chars[i + 1] = unicodedata.normalize("NFC", b2 + (t2 or t1))
    return "".join(chars)


def _slow_clean_text(s: str) -> str:
    s = _slow_reorder_marks(s).translate(_CHAR_FIXES)
    s = _slow_fix_uo_cluster(s)
    return _WS.sub(" ", s).strip()


def _slow_fold(s: str) -> str:
    s = tone_placement(_slow_clean_text(s)).upper().replace("Đ", "D")
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    return re.sub(r"[^A-Z0-9]+", " ", s.upper()).strip()


# Vietnamese letters in both forms, loose marks in any order, the characters clean_text
# translates or drops, whitespace of several kinds, digits and punctuation.
_LETTERS = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯYđĐðÐqQgnctmpkhlrsvxOo"
_PRECOMPOSED = "ắằẳẵặấầẩẫậếềểễệốồổỗộớờởỡợứừửữựýỳỷỹỵáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụ"
_MARKS = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b\u0308\u0307"
_OTHER = " \t\n\u00a0\u200b\u00ad\u2060\ufeff,.-/0123456789ß"
_TEXT = st.text(
    alphabet=st.sampled_from(_LETTERS + _PRECOMPOSED + _PRECOMPOSED.upper() + _MARKS + _OTHER),
    max_size=40,
)
_SAMPLES = (
    "lựơng lưọng luợng thuở quơ Phường Trương Hưng Thượng",
    unicodedata.normalize("NFD", "Số 12 ngõ 3 phường Hàng Bạc, quận Hoàn Kiếm, Hà Nội"),
    "e\u0301\u0302 o\u0323\u0302 ÐỖ HỮU SƠN  \u200bNguyễn\u00adVăn",
    "ASCII only,   spaced\tout ",
    "hoà hòa khoẻ khỏe thuỷ thủy",
)


@settings(max_examples=3000, deadline=None)
@given(_TEXT)
def test_clean_text_and_fold_match_the_per_character_versions(s: str) -> None:
    assert clean_text(s) == _slow_clean_text(s)
    assert fold(s) == _slow_fold(s)


def test_samples_match_the_per_character_versions() -> None:
    for s in _SAMPLES:
        assert clean_text(s) == _slow_clean_text(s), s
        assert fold(s) == _slow_fold(s), s


def test_precomposed_letters_decompose_with_modifiers_in_order() -> None:
    """What ``_reorder_marks``'s fast path relies on, over every code point."""
    for cp in range(sys.maxunicode + 1):
        nfd = unicodedata.normalize("NFD", chr(cp))
        if len(nfd) > 1:
            assert _marks_in_order(nfd), hex(cp)
            if unicodedata.combining(nfd[0]):
                assert not set(nfd) & _MODIFIERS, hex(cp)
    assert normalize._reorder_marks("e\u0301\u0302") == "ế"
