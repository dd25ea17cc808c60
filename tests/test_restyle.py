"""An address written in the style a garbled reading of it shows."""

from __future__ import annotations

import pytest

from crosscheck.restyle import restyle

GOOD = "Số 202 phố Bà Triệu, thị trấn Văn Điển, huyện Thanh Trì, TP. Hà Nội"


@pytest.mark.parametrize(
    ("garbled", "expected"),
    [
        (
            "Số 202 phố ệu, trấn mì Điển, Huyện Thanh Trì, Thành phố à NỘI",
            "Số 202 phố Bà Triệu, Thị trấn Văn Điển, Huyện Thanh Trì, Thành phố Hà Nội",
        ),
        (
            "Số 202 phố Bà Tr, TT. Văn Điển, H. Thanh Tn, TP Hà Nội",
            "Số 202 phố Bà Triệu, TT. Văn Điển, H. Thanh Trì, TP Hà Nội",
        ),
        (
            # The district's unit word misread: its name is still there.
            "Số 202 phố Bà Triệu, TT. Văn Điển, Hụyên Thanh Trì, TP Hà Nội",
            "Số 202 phố Bà Triệu, TT. Văn Điển, H. Thanh Trì, TP Hà Nội",
        ),
        (
            "Sổ 202 phố Bà Triệu, thị trấn Văn Điển, huyện Thanh Trl, Hà Nội",
            "Số 202 phố Bà Triệu, thị trấn Văn Điển, huyện Thanh Trì, Hà Nội",
        ),
    ],
)
def test_the_good_reading_in_the_garbled_ones_style(garbled: str, expected: str) -> None:
    assert restyle(GOOD, garbled) == expected


@pytest.mark.parametrize(
    "garbled",
    [
        "Số 202 phố Bà Triệu, Thị trấn Văn Điển, huyện Thanh Trì, Hà Nội",  # two styles
        "Số 202 phố ệu, trấn mì Điển, Thanh Trì",  # no unit word read intact
        "Số 202 phố Bà Triệu, thị trấn Văn Điển, huyện Thanh Trì",  # no province read
        "Số 202 phố Bà Triệu, TT. Văn Điển, H. Thanh Trì, JJP Hà Nội",  # its prefix misread
        # Another year's administrative units: another address, not this one misread.
        "Số 202 phố Bà Triệu, xã Thanh Trì, Hà Nội",
        "Số 202 phố Bà Triệu, thị trấn Văn Điển, quận Hoàng Mai, Hà Nội",
        # The two-level address of the 2025 reform, the district left out, read garbled.
        "Số 202 phố Bà Trỉệu, thị trấn Văn Điển, TP. Hà Nội",
    ],
)
def test_no_style_or_another_address_gives_nothing(garbled: str) -> None:
    assert restyle(GOOD, garbled) is None
