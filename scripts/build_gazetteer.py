"""Build ``extract/data/admin_units.txt``: names of Vietnam's administrative units.

Addresses on dossiers use the names before the 1 July 2025 reform (63 provinces, districts,
wards) and after it (34 provinces, communes); both lists come from the PyPI package
``vietnam-provinces`` (data from the General Statistics Office): version 0.6.0 holds the
old units, 2025.10.1 the new ones. The unit names are kept, one per line, with their
type word ("Quận Long Biên", "Phường Ngọc Lâm", "Thành phố Hà Nội"), and their hierarchy
in ``admin_tree.json``: province -> district -> wards before the reform, province ->
communes after it.

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
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "extract" / "data" / "admin_units.txt"
TREE = OUT.with_name("admin_tree.json")
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


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip()


def _tree(wheel: Path) -> dict[str, Any]:
    """Province -> district -> [wards] before the reform (nested data), province ->
    [communes] after it (flat data)."""
    with zipfile.ZipFile(wheel) as z:
        nested = "vietnam_provinces/data/nested-divisions.json"
        if nested in z.namelist() and "districts" in z.read(nested).decode()[:5000]:
            return {
                _nfc(p["name"]): {
                    _nfc(d["name"]): sorted(_nfc(w["name"]) for w in d.get("wards", ()))
                    for d in p.get("districts", ())
                }
                for p in json.loads(z.read(nested))
            }
        communes: dict[str, list[str]] = {}
        for row in json.loads(z.read("vietnam_provinces/data/flat-divisions.json")):
            communes.setdefault(_nfc(row["province_name"]), []).append(_nfc(row["name"]))
        return {p: sorted(c) for p, c in communes.items()}


def main() -> None:
    names: set[str] = set()
    trees: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for v in VERSIONS:
            wheel = _wheel(v, Path(tmp))
            names.update(_nfc(n) for n in _names(wheel))
            trees[v] = _tree(wheel)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(sorted(n for n in names if n)) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {OUT}")
    tree = {"before_2025": trees[VERSIONS[0]], "after_2025": trees[VERSIONS[1]]}
    TREE.write_text(
        json.dumps(tree, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )
    print(f"the units' hierarchy -> {TREE}")


if __name__ == "__main__":
    main()
