"""The machine-readable zone of chip citizen ID cards (extract/mrz.py) and how the card's
fields are weighed against it (extract/fields.py ``with_mrz``)."""

from __future__ import annotations

from datetime import date

from extract import mrz
from extract.fields import MRZ_READING, extract_fields
from ocr.model import Line, Page, Word
from tests.test_extract import page

TODAY = date(2026, 12, 6)
# A made-up holder: 001 (Hà Nội), 1 = born in the 1900s and female, born 14/03/1985; the
# card runs to her 40th birthday.
ID = "001185012345"


def zone_lines(
    number: str = ID, born: str = "850314", sex: str = "F", ends: str = "250314"
) -> list[str]:
    doc = number[3:]
    line1 = f"IDVNM{doc}{mrz.check_digit(doc)}{number}<<"
    line2 = f"{born}{mrz.check_digit(born)}{sex}{ends}{mrz.check_digit(ends)}VNM"
    return [line1.ljust(30, "<"), line2.ljust(30, "<"), "NGUYEN<<THI<HOA".ljust(30, "<")]


def lines_page(texts: list[str], top: int = 2000, number: int = 1) -> Page:
    lines = []
    for i, text in enumerate(texts):
        y = top + 60 * i
        x = 100
        words = []
        for part in text.split():
            words.append(Word(part, (x, y, x + 20 * len(part), y + 40), 0.9))
            x += 20 * (len(part) + 1)
        lines.append(Line(tuple(words)))
    return Page(number, 2480, 3508, tuple(lines))


def test_check_digits_of_the_icao_specimen() -> None:
    # ICAO 9303 part 3's specimen: document L898902C3, born 740812, expires 120415.
    assert mrz.check_digit("L898902C3") == 6
    assert mrz.check_digit("740812") == 2
    assert mrz.check_digit("120415") == 9
    assert mrz.check_digit("<<<") == 0


def test_every_fact_is_read_with_its_check_digit() -> None:
    zone = mrz.read([lines_page(zone_lines())], today=TODAY)
    assert (zone.id_number, zone.date_of_birth, zone.sex, zone.expiry_date) == (
        ID,
        "1985-03-14",
        "Nữ",
        "2025-03-14",
    )
    assert zone.boxes["date_of_birth"][0] == 1


def test_ocr_look_alikes_split_lines_and_a_misread_nationality_are_read_through() -> None:
    line1, line2, line3 = zone_lines()
    texts = [
        "IDVNM",  # read as a line of its own
        line1[5:].replace("0", "O", 2),  # zeros read as O in digit positions
        line2.replace("VNM", "VWM").replace("<<<", "« <"),
        line3,
    ]
    zone = mrz.read([lines_page(texts)], today=TODAY)
    assert (zone.id_number, zone.date_of_birth, zone.expiry_date) == (
        ID,
        "1985-03-14",
        "2025-03-14",
    )


def test_the_number_is_read_though_the_lines_start_was_lost() -> None:
    """OCR often loses the first line's start ("IDVNM" and the document number's first
    digits); the check digit is over the personal number's last nine digits, so the
    personal number is taken, as long as the document digits read end them."""
    line1, _, _ = zone_lines()
    for cut in (5, 9, 14):  # "IDVNM" lost; and four; and all nine document digits
        zone = mrz.read([lines_page([line1[cut:]])], today=TODAY)
        assert zone.id_number == ID, cut
    # Document digits read in part that are not the personal number's end: not taken.
    wrong = line1[:9] + "9" + line1[10:]  # the document number's fifth digit misread
    assert mrz.read([lines_page([wrong[10:]])], today=TODAY).id_number == ID  # lost with it
    assert mrz.read([lines_page([wrong[9:]])], today=TODAY).id_number is None


def test_a_whole_document_number_misread_in_a_digit_or_two_still_confirms() -> None:
    """The check digit has verified the personal number's last nine digits; the document
    number read whole (nine digits) confirms them within two edits: a digit misread, or
    one read as two ("302778519" read "3562778519", seen on a hard page). Three apart is
    no confirmation."""
    line1, _, _ = zone_lines()
    doc = ID[3:]  # "185012345"
    one_off = line1.replace(f"IDVNM{doc}", f"IDVNM{doc[:4]}9{doc[5:]}")
    # "IDVNM" read "TDVNM", the document number's 8 read as "56"
    read_as_two = line1.replace(f"IDVNM{doc}", f"TDVNM{doc[0]}56{doc[2:]}")
    assert mrz.read([lines_page([one_off])], today=TODAY).id_number == ID
    assert mrz.read([lines_page([read_as_two])], today=TODAY).id_number == ID
    three_off = line1.replace(f"IDVNM{doc}", f"IDVNM{doc[:3]}999{doc[6:]}")
    assert mrz.read([lines_page([three_off])], today=TODAY).id_number is None


def test_a_fact_whose_check_digit_fails_is_not_taken() -> None:
    line1, line2, _ = zone_lines()
    bad_birth = "850414" + line2[6:]  # a month misread: the check digit says no
    bad_number = line1.replace(ID, "001185012346")  # the last digit misread
    zone = mrz.read([lines_page([bad_number, bad_birth])], today=TODAY)
    assert zone.id_number is None and zone.date_of_birth is None
    # The expiry's own check digit still holds, and so the sex beside it is taken.
    assert (zone.expiry_date, zone.sex) == ("2025-03-14", "Nữ")


def test_the_birth_century_comes_from_the_number_else_from_the_date() -> None:
    # Born 2006 (century digit 3: a woman born in the 2000s): "06" is 2006, not 1906.
    young = "001306012345"
    zone = mrz.read([lines_page(zone_lines(young, "060101", "F", "310101"))], today=TODAY)
    assert zone.date_of_birth == "2006-01-01"
    # Without a number, a year still to come is the last century's.
    _, line2, _ = zone_lines(born="450101", ends="251231")
    assert mrz.read([lines_page([line2])], today=TODAY).date_of_birth == "1945-01-01"
    # "991231" on cards that run to no date is no expiry.
    _, forever, _ = zone_lines(born="450101", ends="991231")
    assert mrz.read([lines_page([forever])], today=TODAY).expiry_date is None


def test_a_page_without_a_zone_gives_nothing() -> None:
    zone = mrz.read([lines_page(["CĂN CƯỚC CÔNG DÂN", "Số: 001185012345", "NAM<<<"])])
    assert zone == mrz.Zone()


def test_the_card_takes_what_its_front_lost_from_the_zone() -> None:
    front = [
        (100, [(100, "Số: 001185012345")]),
        (150, [(100, "Ngày sinh: ##.03/198")]),  # damaged: no date
        (200, [(100, "Họ và tên: NGUYỄN THỊ HOA")]),
    ]
    p = page(*front)
    card = Page(1, p.width, p.height, p.lines + lines_page(zone_lines()).lines)
    got = extract_fields("citizen_id", [card])
    dob = got["date_of_birth"]
    assert (dob.value, dob.valid) == ("1985-03-14", True)
    assert dob.raw is not None and dob.raw.startswith("850314")
    assert dob.features.get("mrz") == 1.0 and dob.confidence >= 0.9
    # The number both sides print alike is confirmed.
    assert got["id_number"].features.get("corroborated") == 1.0
    alone = extract_fields("citizen_id", [p])
    assert alone["date_of_birth"].value != "1985-03-14"
    assert got["id_number"].confidence > alone["id_number"].confidence


def test_where_front_and_zone_differ_bayes_decides_and_the_field_says_so() -> None:
    front = page(
        (100, [(100, "Số: 001185012345")]),
        (150, [(100, "Ngày sinh: 14/08/1985", 0.4)]),  # a 3 read as 8, doubtfully
    )
    # (an expiry that is no birthday of hers, which would confirm the date again)
    back = lines_page(zone_lines(ends="300101")).lines
    card = Page(1, front.width, front.height, front.lines + back)
    dob = extract_fields("citizen_id", [card])["date_of_birth"]
    assert dob.value == "1985-03-14"
    assert any("14/08/1985" in p or "1985-08-14" in p for p in dob.problems)
    assert dob.confidence < MRZ_READING
