"""Family names: tone marks of a misread surname restored from the list, nothing else."""

from __future__ import annotations

import pytest

from extract.surnames import is_listed, restore_surname
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
