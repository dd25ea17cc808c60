"""Build ``extract/data/admin_units.txt``: names of Vietnam's administrative units.

Addresses on dossiers use the names before the 1 July 2025 reform (63 provinces, districts,
wards) and after it (34 provinces, communes); both lists come from the PyPI package
``vietnam-provinces`` (data from the General Statistics Office): version 0.6.0 holds the
old units, 2025.10.1 the new ones. Only the unit names are kept, one per line, with their
type word ("Quận Long Biên", "Phường Ngọc Lâm", "Thành phố Hà Nội").

    python scripts/build_gazetteer.py            # downloads both wheels with pip, offline after
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "extract" / "data" / "admin_units.txt"
VERSIONS = ("0.6.0", "2025.10.1")


def _wheel(version: str, into: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "-d",
            str(into),
            f"vietnam-provinces=={version}",
        ],
        check=True,
    )
    return next(into.glob(f"vietnam_provinces-{version}-*.whl"))


def _names(wheel: Path) -> Iterator[str]:
    with zipfile.ZipFile(wheel) as z:
        nested = "vietnam_provinces/data/nested-divisions.json"
        if nested in z.namelist() and "districts" in z.read(nested).decode()[:5000]:
            for p in json.loads(z.read(nested)):
                yield p["name"]
                for d in p.get("districts", ()):
                    yield d["name"]
                    for w in d.get("wards", ()):
                        yield w["name"]
            return
        for row in json.loads(z.read("vietnam_provinces/data/flat-divisions.json")):
            yield row["name"]
            yield row["province_name"]


def main() -> None:
    names: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        for v in VERSIONS:
            names.update(
                unicodedata.normalize("NFC", n).strip() for n in _names(_wheel(v, Path(tmp)))
            )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(sorted(n for n in names if n)) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {OUT}")


if __name__ == "__main__":
    main()
