"""Printed label vocabulary of the dossier documents, and title cues for classification.

Labels come from DOMAIN.md (§2.3 ĐKX10, §2.4 certificate, §2.7 KĐ23a, §5.1 CCCD/CMND,
§6 GPLX), not from any one template: each field lists the Vietnamese wordings seen on
current and older forms plus the English halves of bilingual labels. OCR-mangled forms
("Nhän hiêu", "Sô khung") are not listed: the matcher in :mod:`extract.layout` compares
diacritic-folded tokens with an edit-distance tolerance instead.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Label:
    """One printed label: Vietnamese wordings and the English halves seen after a slash.

    ``strict`` labels are short words that also occur inside values ("Số 12 ngõ 5",
    "Hạng"); they count only when a delimiter follows them (":" or an English half).
    """

    vi: tuple[str, ...]
    en: tuple[str, ...] = ()
    strict: bool = False


# -- shared wordings ---------------------------------------------------------------------
OWNER_NAME = Label(
    (
        "Tên chủ xe",
        "Họ tên chủ xe",
        "Họ và tên chủ xe",
        "Tên chủ phương tiện",
        "Tên tổ chức, cá nhân",
    ),
    ("Owner's full name", "Owner's name", "Full name of owner", "Name of owner"),
)
# "CHỦ XE" is also the signature caption of ĐKX10, so the bare form needs a delimiter.
OWNER_NAME_SHORT = Label(("Chủ xe", "Chủ phương tiện"), ("Owner",), strict=True)
OWNER_ADDRESS = Label(
    ("Địa chỉ", "Địa chỉ chủ xe", "Địa chỉ thường trú", "Nơi thường trú", "Địa chỉ liên hệ"),
    ("Address", "Owner's address"),
)
OWNER_ID = Label(
    (
        "Mã định danh",
        "Số định danh",
        "Số định danh cá nhân",
        "Số CCCD",
        "Số CMND",
        "Số CCCD/CMND",
        "Số CMND/CCCD",
        "CCCD/CMND",
        "CMND/CCCD",
        "Số căn cước",
        "Số căn cước công dân",
        "Số CMND/Hộ chiếu",
        "Mã định danh cá nhân",
        # TT 15/2014 "mẫu số 01" and its successors
        "Số CMND/Hộ chiếu của chủ xe",
        "Số CMND/CCCD/Hộ chiếu của chủ xe",
        "Số CCCD/CMND/Hộ chiếu của chủ xe",
    ),
    ("Personal ID No", "ID number", "ID No", "Identity number", "Identification number"),
)
PLATE = Label(
    (
        "Biển số đăng ký",
        "Biển số xe đăng ký",
        "Biển số xe",
        "Biển số",
        "Biển kiểm soát",
        "Biển số mới",
    ),
    (
        "Number plate",
        "Registration plate",
        "Plate number",
        "Plate No",
        "License plate",
        "Registration No",
        "Registration number",
    ),
)
PLATE_SHORT = Label(("BKS", "Biển"), ("Plate", "Registration plate"), strict=True)
BRAND = Label(("Nhãn hiệu", "Nhãn hiệu xe"), ("Brand", "Trademark", "Make", "Mark"))
MODEL = Label(
    ("Số loại", "Mã kiểu loại", "Kiểu loại", "Kiểu xe"),
    ("Model code", "Model", "Type code"),
)
VEHICLE_TYPE = Label(
    ("Loại xe", "Loại phương tiện", "Loại xe đăng ký"),
    ("Vehicle type", "Type of vehicle", "Type", "Kind"),
)
COLOR = Label(("Màu sơn", "Màu xe"), ("Color", "Colour", "Paint colour", "Paint color"))
# ĐKX10 numbers its engine lines ("Số máy 1:", "Số máy 2:"); with the colon unread, the
# number is the label's, not the value.
ENGINE = Label(
    ("Số máy", "Số động cơ", "Số máy xe", "Số máy 1", "Số máy 2"),
    ("Engine No", "Engine number", "Engine serial"),
)
CHASSIS = Label(
    ("Số khung", "Số khung (VIN)", "Số VIN", "Số khung xe"),
    ("Chassis No", "Chassis number", "Frame No", "Frame number", "VIN"),
)
YEAR = Label(
    ("Năm sản xuất", "Năm SX", "Năm sản xuất/Nước sản xuất"),
    ("Year of manufacture", "Manufactured year", "Manufacture year", "Production year"),
)
CAPACITY = Label(
    (
        "Dung tích",
        "Dung tích xi lanh",
        "Dung tích xy lanh",
        "Dung tích động cơ",
        "Thể tích làm việc",
        "Thể tích làm việc của động cơ",
    ),
    ("Capacity", "Engine capacity", "Cylinder capacity", "Displacement", "Engine displacement"),
)
SEATS = Label(
    ("Số chỗ ngồi", "Số chỗ", "Chỗ ngồi", "Số người cho phép chở"),
    ("Seats", "Seating capacity", "Number of seats", "Seat"),
)
FIRST_REGISTRATION = Label(
    ("Đăng ký lần đầu ngày", "Đăng ký lần đầu", "Ngày đăng ký lần đầu"),
    ("First registration date", "First registration", "Date of first registration"),
)
ISSUE_DATE = Label(
    ("Ngày cấp", "Cấp ngày", "Ngày đăng ký", "Ngày, tháng, năm cấp"),
    ("Date of issue", "Issue date", "Issued on", "Date, month, year"),
)
CERT_NUMBER = Label(
    ("Số giấy chứng nhận", "Số chứng nhận", "Giấy chứng nhận số", "Số đăng ký xe"),
    ("Certificate No", "Certificate number"),
)
NUMBER_SHORT = Label(("Số",), ("Number", "No"), strict=True)
PHONE = Label(
    ("Điện thoại", "Số điện thoại", "Điện thoại liên hệ"),
    ("Phone", "Telephone", "Phone number"),
)
PHONE_SHORT = Label(("SĐT", "ĐT"), ("Tel", "Phone"), strict=True)
DECLARATION_DATE = Label(("Ngày khai", "Ngày kê khai"), ("Date of declaration",))
FULL_NAME = Label(
    (
        "Họ và tên",
        "Họ, chữ đệm và tên khai sinh",
        "Họ, chữ đệm và tên",
        "Họ tên",
        "Họ và tên khai sinh",
    ),
    (
        "Full name",
        "Surname, given names",
        "Surname, middle and given names",
        "Surname, middle name and given name",
        "Name",
    ),
)
BIRTH_DATE = Label(
    ("Ngày, tháng, năm sinh", "Ngày sinh", "Sinh ngày", "Ngày tháng năm sinh"),
    ("Date of birth", "Birth date", "DOB"),
)
SEX = Label(("Giới tính", "Phái"), ("Sex", "Gender"))
NATIONALITY = Label(("Quốc tịch",), ("Nationality",))
# "Nơi đăng ký khai sinh" (2024 căn cước) and "Nơi sinh" are other facts than the
# quê quán: they are in OTHER_LABELS.
ORIGIN = Label(("Quê quán", "Nguyên quán"), ("Place of origin", "Hometown"))
RESIDENCE = Label(
    (
        "Nơi thường trú",
        "Nơi cư trú",
        "Nơi ĐKHK thường trú",
        "Nơi ĐKHK",
        "Địa chỉ thường trú",
        "Nơi ở hiện tại",
    ),
    ("Place of residence", "Residence", "Permanent address"),
)
EXPIRY = Label(
    (
        "Có giá trị đến",
        "Có giá trị đến ngày",
        "Giá trị đến",
        "Giá trị đến ngày",
        "Có hiệu lực đến",
        "Có giá trị sử dụng đến",
        "Ngày hết hạn",
        "Ngày, tháng, năm hết hạn",
    ),
    ("Date of expiry", "Expiry date", "Expires", "Valid until", "Expiry"),
)
CITIZEN_NUMBER = Label(
    (
        "Số định danh cá nhân",
        "Số CCCD",
        "Số CMND",
        "Số căn cước",
        "Số thẻ căn cước",
        "Số căn cước công dân",
    ),
    ("Personal identification number", "Personal ID No", "ID No", "ID number"),
)
LICENSE_NUMBER = Label(
    ("Số GPLX", "Số giấy phép", "Số giấy phép lái xe"),
    ("License No", "Licence No", "License number", "Licence number"),
)
LICENSE_ADDRESS = Label(
    ("Nơi cư trú", "Nơi thường trú", "Địa chỉ", "Nơi ĐKHK thường trú", "Chỗ ở"),
    ("Address", "Residence", "Place of residence"),
)
LICENSE_CLASS = Label(("Hạng", "Hạng GPLX", "Hạng xe"), ("Class", "Category"), strict=True)

#: doc_type -> field -> label. Fields without a printed label (the declaration date on the
#: "…, ngày … tháng … năm …" line) are found by pattern in :mod:`extract.fields`.
FIELD_LABELS: dict[str, dict[str, tuple[Label, ...]]] = {
    "registration_certificate": {
        "owner_name": (OWNER_NAME, OWNER_NAME_SHORT),
        "owner_address": (OWNER_ADDRESS,),
        "owner_id_number": (OWNER_ID,),
        "plate_number": (PLATE, PLATE_SHORT),
        "brand": (BRAND,),
        "model_code": (MODEL,),
        "vehicle_type": (VEHICLE_TYPE,),
        "color": (COLOR,),
        "engine_number": (ENGINE,),
        "chassis_number": (CHASSIS,),
        "manufacture_year": (YEAR,),
        "engine_capacity_cc": (CAPACITY,),
        "seats": (SEATS,),
        "registration_date": (FIRST_REGISTRATION,),
        "certificate_number": (CERT_NUMBER, NUMBER_SHORT),
    },
    "registration_declaration": {
        "owner_name": (OWNER_NAME, OWNER_NAME_SHORT),
        "owner_id_number": (OWNER_ID,),
        "owner_address": (OWNER_ADDRESS,),
        "phone": (PHONE, PHONE_SHORT),
        "brand": (BRAND,),
        "model_code": (MODEL,),
        "vehicle_type": (VEHICLE_TYPE,),
        "color": (COLOR,),
        "engine_number": (ENGINE,),
        "chassis_number": (CHASSIS,),
        "manufacture_year": (YEAR,),
        "engine_capacity_cc": (CAPACITY,),
        "seats": (SEATS,),
        "plate_number": (PLATE, PLATE_SHORT),
        "declaration_date": (DECLARATION_DATE,),
    },
    "citizen_id": {
        "id_number": (CITIZEN_NUMBER, NUMBER_SHORT),
        "full_name": (FULL_NAME,),
        "date_of_birth": (BIRTH_DATE,),
        "sex": (SEX,),
        "nationality": (NATIONALITY,),
        "place_of_origin": (ORIGIN,),
        "place_of_residence": (RESIDENCE,),
        "expiry_date": (EXPIRY,),
    },
    "driving_license": {
        "license_number": (LICENSE_NUMBER, NUMBER_SHORT),
        "full_name": (FULL_NAME,),
        "date_of_birth": (BIRTH_DATE,),
        "nationality": (NATIONALITY,),
        "address": (LICENSE_ADDRESS,),
        "license_class": (LICENSE_CLASS,),
        "issue_date": (ISSUE_DATE,),
        "expiry_date": (EXPIRY,),
    },
}

#: Extra labels a field may use when its main label is absent (certificate issue date).
FALLBACK_LABELS: dict[str, dict[str, tuple[Label, ...]]] = {
    "registration_certificate": {"registration_date": (ISSUE_DATE,)},
}

#: Printed labels that are not extracted but end the value of the label before them.
OTHER_LABELS: tuple[Label, ...] = (
    Label(("Mã hồ sơ trực tuyến", "Mã hồ sơ"), ("Online file code",)),
    Label(("Màu biển",), ("Plate colour", "Plate color")),
    Label(("Biển số cũ",), ("Old plate",)),
    Label(("Loại giấy tờ",), ("Document type",)),
    Label(("Cơ quan cấp", "Nơi cấp"), ("Issued by", "Place of issue")),
    Label(("Người làm thủ tục",), ()),
    Label(("Số giấy tờ",), ()),
    Label(("Số GPKDVT",), ()),
    Label(("Công suất", "Công suất lớn nhất"), ("Power", "Max output", "Maximum output")),
    Label(("Trọng tải", "Tải trọng"), ("Payload", "Pay load")),
    Label(("Đứng", "Nằm"), ("Standing", "Lying"), strict=True),
    Label(("Khối lượng bản thân", "Khối lượng toàn bộ", "Khối lượng kéo theo"), ("Kerb mass",)),
    Label(("Nguồn gốc",), ("Origin",)),
    Label(("Mã chứng từ LPTB",), ()),
    Label(("Lý do",), ("Reason",)),
    Label(("Kèm theo giấy này có",), ()),
    Label(("Hoạt động trong phạm vi",), ("Area of operation",)),
    Label(("Dân tộc",), ("Ethnicity", "Ethnic group")),
    Label(("Tôn giáo",), ("Religion",)),
    Label(("Đặc điểm nhân dạng",), ("Personal identification", "Identifying features")),
    Label(("Ngày trúng tuyển",), ("Beginning date", "Date of passing")),
    Label(("Nước sản xuất",), ("Country of manufacture",)),
    Label(("Cải tạo",), ("Modification",)),
    Label(("Số seri", "Số sêri"), ("Serial No",)),
    Label(("Nhiên liệu",), ("Fuel",)),
    Label(("Năm sinh",), ("Year of birth",)),
    Label(("Nơi dán bản chà số máy", "Nơi dán bản chà số khung", "Nơi dán bản chà"), ()),
    Label(("Email", "Thư điện tử"), ("E-mail",)),
    Label(("Số tờ khai hải quan", "Số sêri Phiếu KTCLXX", "Số phiếu KTCLXX"), ()),
    Label(("Nơi đăng ký khai sinh", "Nơi sinh"), ("Place of birth registration", "Place of birth")),
    # ĐKX10 pages 2-3 (electronic data): labels that would otherwise be read as a
    # shorter field label ("Địa chỉ người mua hàng" is not the owner's "Địa chỉ").
    Label(
        (
            "Mã hồ sơ nguồn gốc xe",
            "Tên đơn vị sản xuất, lắp ráp/nhập khẩu",
            "Số tờ khai nhập khẩu",
            "Cửa khẩu nhập",
            "Mã hồ sơ lệ phí trước bạ",
            "Tên người nộp thuế",
            "Tên cơ quan quản lý thuế thu",
            "Giá trị tài sản tính LPTB",
            "Số tiền lệ phí trước bạ phải nộp",
            "Ngày nộp",
            "Căn cứ miễn thu",
            "Thông báo của cơ quan thuế ngày",
        )
    ),
    Label(
        (
            "Mẫu số ký hiệu hóa đơn",
            "Ký hiệu hóa đơn",
            "Số hóa đơn",
            "Loại hóa đơn",
            "Đơn vị bán hàng",
            "Mã số thuế người bán hàng",
            "Địa chỉ đơn vị người bán",
            "Họ tên người mua hàng",
            "Tên tổ chức người mua hàng",
            "Đơn vị người mua hàng",
            "Địa chỉ người mua hàng",
            "Căn cước công dân/mã số thuế",
            "Tên hàng hóa, dịch vụ",
            "Tiền thuế",
            "Tổng cộng tiền thanh toán",
        )
    ),
)

#: Titles per doc type: (phrase, weight). Weight 1 is a full title that starts a document;
#: lower weights are titles of continuation pages (the ĐKX10 electronic-data pages, the
#: back of a card) or wordings that also occur in other documents' text.
TITLES: dict[str, tuple[tuple[str, float], ...]] = {
    "registration_declaration": (
        ("GIẤY KHAI ĐĂNG KÝ XE", 1.0),
        ("TỜ KHAI ĐĂNG KÝ XE", 1.0),
        ("GIẤY KHAI ĐĂNG KÝ, CẤP BIỂN SỐ XE", 1.0),
        ("GIẤY KHAI THU HỒI CHỨNG NHẬN ĐĂNG KÝ XE", 0.9),
        ("VEHICLE REGISTRATION DECLARATION", 1.0),
        ("DỮ LIỆU ĐIỆN TỬ VỀ NGUỒN GỐC CỦA XE", 0.5),
        ("DỮ LIỆU ĐIỆN TỬ VỀ LỆ PHÍ TRƯỚC BẠ", 0.5),
        ("THÔNG TIN HÓA ĐƠN ĐIỆN TỬ", 0.5),
    ),
    "registration_certificate": (
        ("GIẤY CHỨNG NHẬN ĐĂNG KÝ XE", 1.0),
        ("CHỨNG NHẬN ĐĂNG KÝ XE", 0.95),
        ("CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ", 1.0),
        ("CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY", 1.0),
        ("GIẤY ĐĂNG KÝ XE", 0.9),
        ("VEHICLE REGISTRATION CERTIFICATE", 1.0),
        ("CERTIFICATE OF VEHICLE REGISTRATION", 1.0),
    ),
    "citizen_id": (
        ("CĂN CƯỚC CÔNG DÂN", 1.0),
        ("CITIZEN IDENTITY CARD", 1.0),
        ("CĂN CƯỚC", 0.9),
        ("IDENTITY CARD", 0.9),
        ("CHỨNG MINH NHÂN DÂN", 1.0),
        ("GIẤY CHỨNG MINH NHÂN DÂN", 1.0),
        ("MINH NHÂN DÂN", 0.8),  # the distinctive core, when OCR loses a word
    ),
    "driving_license": (
        ("GIẤY PHÉP LÁI XE", 1.0),
        ("DRIVER'S LICENSE", 1.0),
        ("DRIVING LICENCE", 1.0),
        ("DRIVER LICENSE", 1.0),
        ("DRIVING LICENSE", 1.0),
        ("PHÉP LÁI XE", 0.8),
    ),
}

#: Wordings anywhere on a page that point to one doc type (weight as in TITLES); they
#: support a title and classify continuation pages that have none.
CUES: dict[str, tuple[tuple[str, float], ...]] = {
    "registration_declaration": (
        ("Mẫu ĐKX10", 0.5),
        ("Mẫu ĐKX11", 0.5),
        ("Tôi xin cam đoan về nội dung khai trên là đúng", 0.5),
        ("Người làm thủ tục", 0.4),
        ("Mã hồ sơ trực tuyến", 0.4),
        ("Kèm theo giấy này có", 0.4),
        ("CÁN BỘ ĐĂNG KÝ XE", 0.3),
        ("Nơi dán bản chà số máy", 0.4),
        ("Mã hồ sơ lệ phí trước bạ", 0.4),
        ("Mã hồ sơ nguồn gốc xe", 0.4),
        ("Tổng cộng tiền thanh toán", 0.3),
    ),
    "registration_certificate": (
        ("Biển số đăng ký", 0.4),
        ("Đăng ký lần đầu ngày", 0.4),
        ("Hoạt động trong phạm vi", 0.3),
    ),
    "citizen_id": (
        ("Đặc điểm nhân dạng", 0.5),
        ("Personal identification", 0.4),
        ("Ngón trỏ trái", 0.4),
        ("Ngón trỏ phải", 0.4),
        ("Số định danh cá nhân", 0.4),
        ("Quê quán", 0.3),
        ("Place of origin", 0.3),
        ("Nơi đăng ký khai sinh", 0.3),
        ("IDVNM", 0.5),
        ("CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", 0.4),
    ),
    "driving_license": (
        ("Ngày trúng tuyển", 0.4),
        ("Hạng/Class", 0.4),
        ("Beginning date", 0.3),
        ("Có giá trị đến", 0.1),
    ),
}

#: Most pages one document of a type runs over (continuation pages carry no full title):
#: ĐKX10 has 3 pages (plus an attachment sheet), cards and certificates a front and a back.
MAX_PAGES: dict[str, int] = {
    "registration_declaration": 4,
    "registration_certificate": 2,
    "citizen_id": 2,
    "driving_license": 2,
    "unknown": 1 << 30,
}
