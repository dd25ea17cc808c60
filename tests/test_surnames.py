"""Names: tone marks of a misread surname or given name restored from the lists, nothing else."""

from __future__ import annotations

import pytest

from extract.surnames import is_listed, restore_given_names, restore_surname
from extract.values import name_value


@pytest.mark.parametrize(
    ("read", "restored"),
    [
        ("NGUYÊN TRỌNG AN", "NGUYỄN TRỌNG AN"),  # circumflex for tilde-circumflex
        ("TRẤN BA GIANG", "TRẦN BA GIANG"),  # acute for grave: only the surname changes
        ("PHAM THỊ NGA", "PHẠM THỊ NGA"),  # dot below lost
        ("NGUYEN VAN AN", "NGUYEN VAN AN"),  # printed without any mark: left as read
        ("LẼ VĂN TOÀN", "LÊ VĂN TOÀN"),
        ("Đỉnh Văn Long", "Đinh Văn Long"),  # case kept
        ("Nguyễn Văn An", "Nguyễn Văn An"),  # already right
        ("HA VĂN AN", "HA VĂN AN"),  # Hà or Hạ: left as read
        ("KING LÝ THỊ", "KING LÝ THỊ"),  # not a surname: left as read
        ("NGUYN VĂN AN", "NGUYN VĂN AN"),  # letters are never changed
    ],
)
def test_restore_surname(read: str, restored: str) -> None:
    assert restore_surname(read) == restored


def test_name_value_restores_and_lists() -> None:
    parsed = name_value("NGUYÊN THỊ THU LINH", {})
    assert (parsed.value, parsed.valid) == ("NGUYỄN THỊ THU LINH", True)
    assert is_listed("Nguyễn Thị Thu Linh") and not is_listed("Nguyên Thị Thu Linh")


@pytest.mark.parametrize(
    ("read", "restored"),
    [
        ("HOÀNG THỊ HĂNG", "HOÀNG THỊ HẰNG"),  # breve for breve-grave: only Hằng has those letters
        ("HOÀNG DUY QUẦN", "HOÀNG DUY QUÂN"),
        ("TRẦN THỊ HOAI GIANG", "TRẦN THỊ HOÀI GIANG"),  # a middle name too
        ("Nguyễn Thị Hăng", "Nguyễn Thị Hằng"),  # case kept
        ("HOÀNG THỊ HIẾN", "HOÀNG THỊ HIẾN"),  # Hiền, Hiển, Hiến: left as read
        # Văn or Vân, Thị or Thi: the place in the name settles it (until session 21 such
        # words were left as read; "TRẦN PHƯƠNG VAN" was auto-accepted on three papers).
        ("TRẦN NGỌC VAN", "TRẦN NGỌC VÂN"),  # a given name
        ("NGUYỄN VAN HƯNG", "NGUYỄN VĂN HƯNG"),  # a middle name
        ("LÊ THI HOA", "LÊ THỊ HOA"),
        ("NGUYỄN THỊ THI", "NGUYỄN THỊ THI"),
        ("TRẦN BA GIANG", "TRẦN BA GIANG"),  # Ba is a name (birth order), not a lost Bá
        ("NGUYEN VAN HANG", "NGUYEN VAN HANG"),  # printed without any mark
        ("BÙI THÙY MAT", "BÙI THÙY MAT"),  # letters are never changed
        ("x) NGUYỄN TRỌNG TRUNG", "x) NGUYỄN TRỌNG TRUNG"),  # a surname is no misread Nguyên
        ("Giang Quận Long Biên", "Giang Quận Long Biên"),  # an address's unit word
    ],
)
def test_restore_given_names(read: str, restored: str) -> None:
    assert restore_given_names(read) == restored


def test_organisations_keep_their_words() -> None:
    # "TẢI" would be "TÀI" in a person's name; in a company's it is a word of its own.
    assert (
        name_value("CÔNG TY CỔ PHẦN VẬN TẢI HÀ NỘI", {}).value == "CÔNG TY CỔ PHẦN VẬN TẢI HÀ NỘI"
    )
    assert name_value("HOÀNG THỊ HĂNG", {}).value == "HOÀNG THỊ HẰNG"
