"""A second Vietnamese model for the doubtful documents of a file (``worker.Witness``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import worker
from hoso.settings import Settings, load
from ocr import tesseract
from ocr.engine import open_engine
from ocr.model import Line, Page, Word
from ocr.reread import StripReader
from storage.base import page_reading_key
from tests.drawn import OWNER, rows_image

NUMBER = "001048164497"


def _garbled(page: Page, word: str, text: str) -> Page:
    """The page's reading with ``word`` misread as ``text`` at a low confidence."""

    def one(w: Word) -> Word:
        return replace(w, text=text, confidence=0.3) if w.text == word else w

    return replace(page, lines=tuple(Line(tuple(one(w) for w in ln.words)) for ln in page.lines))


@pytest.fixture(scope="module")
def certificate() -> tuple[np.ndarray, Page]:
    """A certificate's image, and a first reading that lost a digit of the owner's ID
    number (read at a low confidence)."""
    image = rows_image(OWNER, size=(1700, 900), paper=250, font_px=34, left=100, top=100, step=100)
    settings = load({})
    read = worker.recognize(image, 1, 300, settings, open_engine(settings.ocr_engine))
    assert NUMBER in read.text.split()
    return image, _garbled(read, NUMBER, "00104816449")


def _context(home: Path) -> worker.Context:
    return worker.build_context(Settings(home=home))


def test_a_doubtful_document_takes_each_field_from_the_surer_model(
    certificate: tuple[np.ndarray, Page], tmp_path: Path
) -> None:
    image, first = certificate
    _, alone = worker.extract_documents([first])
    got = {f.name: f for f in alone[0].fields}
    assert got["owner_id_number"].value != NUMBER
    assert got["owner_id_number"].confidence < worker.WITNESS_BELOW

    ctx = _context(tmp_path)
    assert tesseract.installed(ctx.settings.ocr_witness_lang), "make deps installs it"
    second = worker.witness(ctx, "ab" * 32, lambda n: image, {1: 300}, fresh=True)
    assert second is not None and second.lang == "vie_best"
    _, docs = worker.extract_documents([first], None, second)
    witnessed = {f.name: f for f in docs[0].fields}
    assert witnessed["owner_id_number"].value == NUMBER
    assert witnessed["owner_name"].value == got["owner_name"].value == "NGUYỄN VĂN AN"
    # The witness's reading is kept beside the page's words, for ``hoso reextract``.
    assert ctx.store.exists(page_reading_key("ab" * 32, 1, "vie_best"))


def test_only_documents_with_a_field_under_the_threshold_are_read_again(
    certificate: tuple[np.ndarray, Page],
) -> None:
    image, first = certificate
    _, alone = worker.extract_documents([first])
    weakest = min(f.confidence for f in alone[0].fields)
    asked: list[int] = []

    def read(number: int) -> Page | None:
        asked.append(number)
        return None  # nothing read: the first reading stands

    reader = StripReader(lambda n: image)
    for below, wanted in ((weakest, []), (weakest + 0.001, [1])):
        asked.clear()
        # Only the threshold for values read: this certificate's rows print few of its
        # fields, and those found empty would send it to the witness on their own.
        witness = worker.Witness("vie_best", read, reader, below, missing_below=0.0)
        _, docs = worker.extract_documents([first], None, witness)
        assert asked == wanted
        assert {f.name: f.value for f in docs[0].fields} == {
            f.name: f.value for f in alone[0].fields
        }


def test_a_kept_witness_reading_is_used_again_unless_the_file_is_read_anew(
    certificate: tuple[np.ndarray, Page], tmp_path: Path
) -> None:
    image, _ = certificate
    ctx = _context(tmp_path)
    sha = "cd" * 32
    fresh = worker.witness(ctx, sha, lambda n: image, {1: 300}, fresh=True)
    assert fresh is not None
    page = fresh.read(1)
    assert page is not None and NUMBER in page.text
    kept = worker.witness(ctx, sha, lambda n: None, {1: 300}, fresh=False)
    again = kept.read(1) if kept is not None else None
    assert again is not None and again.text == page.text
    assert [w.box for w in again.words] == [w.box for w in page.words]
    anew = worker.witness(ctx, sha, lambda n: None, {1: 300}, fresh=True)
    assert anew is not None and anew.read(1) is None


def test_no_witness_without_its_model(tmp_path: Path) -> None:
    ctx = worker.build_context(Settings(home=tmp_path, ocr_witness_lang="vie_nonesuch"))
    assert worker.witness(ctx, "ef" * 32, lambda n: None, {}, fresh=True) is None
    ctx = worker.build_context(Settings(home=tmp_path, ocr_witness_lang=""))
    assert worker.witness(ctx, "ef" * 32, lambda n: None, {}, fresh=True) is None


def test_a_document_with_a_value_found_without_its_label_is_read_again() -> None:
    """An owner's address found alone, its label unread ("o{a chỉ:"), is doubtful whatever
    its confidence: the witness model may read the label; the document is read again."""
    from tests.test_extract import page

    first = page(
        (300, [(900, "GIẤY KHAI ĐĂNG KÝ XE")]),
        (998, [(555, "Tên chủ xe: HOÀNG TUẤN HUY")]),
        (1058, [(554, "o{a chỉ: Số 137 phố Vọng, Xã Bát Tràng, Huyện Gia Lâm, Thành phố Hà Nội")]),
        (1117, [(555, "Mã định danh: 001081925216")]),
        (1180, [(555, "Nhãn hiệu: HONDA"), (1300, "Số loại: VISION")]),
    )
    _, alone = worker.extract_documents([first])
    address = next(f for f in alone[0].fields if f.name == "owner_address")
    assert alone[0].doc_type == "registration_declaration"
    assert address.value == "Số 137 phố Vọng, Xã Bát Tràng, Huyện Gia Lâm, Thành phố Hà Nội"
    asked: list[int] = []

    def read(number: int) -> Page | None:
        asked.append(number)
        return None

    blank = np.full((3508, 2480), 255, np.uint8)
    worker.extract_documents(
        [first], None, worker.Witness("vie_best", read, StripReader(lambda n: blank), 0.0)
    )
    assert asked == [1]


def test_a_document_with_a_field_found_empty_that_is_likely_printed_is_read_again() -> None:
    """A field found empty is doubtful when the calibration holds it more likely printed
    and missed than left blank (under ``MISSING_BELOW``): the first reading has nothing
    of it to read again, the witness model may. A value read is doubtful only under the
    witness threshold."""
    from extract.fields import MISSING, ExtractedField

    def fields(confidence: float, value: str | None) -> dict[str, ExtractedField]:
        if value is None:
            return {"declaration_date": replace(MISSING, confidence=confidence)}
        read = ExtractedField(value, value, confidence, 1, (0, 0, 10, 10), True, (), {})
        return {"declaration_date": read}

    below, missing = worker.WITNESS_BELOW, worker.MISSING_BELOW
    assert worker._doubtful(fields(missing - 0.01, None), below, missing)
    assert not worker._doubtful(fields(missing + 0.01, None), below, missing)
    assert not worker._doubtful(fields(missing - 0.01, "2020-08-02"), below, missing)
    assert worker._doubtful(fields(below - 0.01, "2020-08-02"), below, missing)
