"""Page-geometry accuracy and speed on generated and real pages, and OCR effect of cleaning.

Run: ``.venv/bin/python bench/deskew_accuracy.py [--pages 200] [--seed 7] [--ocr-cleaning]``

Generated pages are A4 at 150 dpi with Vietnamese form text in one of four fonts, and,
drawn at random, a table, a photo, a stamp, a page frame, low contrast, uneven light,
sensor noise, salt-and-pepper specks and dark scanner margins. Each is rotated by a
uniform angle in +/-10 degrees (positive = clockwise) with the paper's own grey as fill.
The real pages are the ones in ``shared/realdata`` whose skew or turn is exactly known.
Orientation is checked on generated pages in all four turns. ``--ocr-cleaning`` runs
real Tesseract on degraded pages with and without each cleaning step (minutes).
Skew times are CPU seconds of this process (the machine may be shared); orientation
times are wall seconds, since Tesseract OSD runs in a child process.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ocr import clean
from ocr.deskew import estimate_skew, rotate_image
from ocr.orient import detect_orientation, geometric_orientation
from ocr.tesseract import ocr_text
from tests.realpages import SKEWED_PDFS, SKEWED_RENDERS, TURNS, realdata_dir

FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
]
VOCABULARY = (
    "giấy chứng nhận đăng ký xe ô tô tên chủ xe Nguyễn Văn Hưởng địa chỉ số 12 đường "
    "Lê Lợi phường Bến Nghé quận 1 thành phố Hồ Chí Minh nhãn hiệu TOYOTA số loại VIOS "
    "màu sơn trắng số máy 2NR4812357 số khung RL4B12345678 biển số 51A-123.45 dung tích "
    "1496 cm3 ngày đăng ký lần đầu hồ sơ gồm tờ khai chứng từ nguồn gốc lệ phí trước bạ "
    "cán bộ kiểm tra đối chiếu xác nhận thời hạn sử dụng đến ngày tháng năm Phạm Thị Ngọc "
    "Trần Đức Thắng Hà Nội Đà Nẵng Cần Thơ quyết định công an tỉnh phòng cảnh sát giao thông"
)
WORDS = tuple(VOCABULARY.split())


def _read(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"))


def _sentence(rng: np.random.Generator, n: int) -> str:
    return " ".join(WORDS[int(i)] for i in rng.integers(0, len(WORDS), n))


def render_page(rng: np.random.Generator, w: int = 1240, h: int = 1754) -> tuple[Image.Image, str]:
    """A straight form-like page and a comma-separated list of the distractors on it."""
    font_px = int(rng.integers(18, 32))
    font = ImageFont.truetype(FONTS[int(rng.integers(len(FONTS)))], font_px)
    page = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(page)
    extras: list[str] = []
    margin = int(w * 0.08)
    y = int(h * 0.06)
    d.text((w // 2, y), "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE", font=font, fill=0, anchor="mt")
    y += int(font_px * 2.2)
    n_lines = int(rng.integers(3, 30))
    for _ in range(n_lines):
        text = _sentence(rng, 20)
        while d.textlength(text, font=font) > w - 2 * margin and " " in text:
            text = text.rsplit(" ", 1)[0]
        d.text((margin, y), text, font=font, fill=0)
        y += int(font_px * rng.uniform(1.3, 1.8))
        if y > h * 0.55:
            break
    if rng.random() < 0.4:
        extras.append("table")
        rows, cols = int(rng.integers(3, 7)), 3
        x0, x1 = margin, w - margin
        row_h = int(font_px * 1.8)
        for r in range(rows + 1):
            d.line([(x0, y + r * row_h), (x1, y + r * row_h)], fill=0, width=2)
        for c in range(cols + 1):
            xc = x0 + c * (x1 - x0) // cols
            d.line([(xc, y), (xc, y + rows * row_h)], fill=0, width=2)
        for r in range(rows):
            for c in range(cols):
                xc = x0 + c * (x1 - x0) // cols + 8
                d.text((xc, y + r * row_h + 6), _sentence(rng, 2), font=font, fill=0)
        y += rows * row_h + font_px
    if rng.random() < 0.3:
        extras.append("photo")
        pw, ph = int(w * rng.uniform(0.2, 0.4)), int(h * rng.uniform(0.1, 0.2))
        noise = rng.normal(128, 60, (ph // 8 + 1, pw // 8 + 1)).clip(0, 255).astype(np.uint8)
        photo = cv2.resize(cv2.GaussianBlur(noise, (3, 3), 0), (pw, ph))
        page.paste(Image.fromarray(photo), (int(w * 0.5), min(h - ph - 10, y + 10)))
    if rng.random() < 0.3:
        extras.append("stamp")
        cx, cy, r = int(w * 0.7), int(h * 0.8), int(w * 0.09)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=110, width=6)
        d.ellipse([cx - r + 18, cy - r + 18, cx + r - 18, cy + r - 18], outline=110, width=3)
        d.text((cx, cy), "CÔNG AN", font=font, fill=110, anchor="mm")
    if rng.random() < 0.25:
        extras.append("frame")
        d.rectangle([20, 20, w - 20, h - 20], outline=0, width=5)
    d.text((margin, int(h * 0.9)), _sentence(rng, 6), font=font, fill=0)
    return page, ",".join(extras)


def degrade(gray: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """Low contrast, uneven light, sensor noise and specks, each at random."""
    img = gray.astype(np.float32)
    notes: list[str] = []
    if rng.random() < 0.3:
        notes.append("lowcontrast")
        paper, ink = rng.uniform(190, 235), rng.uniform(120, 170)
        img = ink + (paper - ink) * img / 255.0
    if rng.random() < 0.3:
        notes.append("uneven")
        h, w = img.shape
        ramp = np.linspace(rng.uniform(0.55, 0.8), 1.0, w, dtype=np.float32)[None, :]
        img = img * ramp * np.ones((h, 1), np.float32)
    if rng.random() < 0.3:
        notes.append("noise")
        img = img + rng.normal(0, rng.uniform(4, 14), img.shape).astype(np.float32)
    out = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.2:
        notes.append("specks")
        mask = rng.random(out.shape) < 0.01
        out[mask] = np.where(rng.random(int(mask.sum())) < 0.5, 0, 255).astype(np.uint8)
    return out, ",".join(notes)


def skew_page(page: np.ndarray, angle: float) -> np.ndarray:
    """Content rotated ``angle`` degrees clockwise, corners filled with the paper's grey."""
    fill = int(np.median(page))
    return np.asarray(
        Image.fromarray(page).rotate(-angle, resample=Image.Resampling.BICUBIC, fillcolor=fill)
    )


def dark_margins(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scanner lid showing on two sides: dark bands touching the image edge."""
    top, left = (
        int(page.shape[0] * rng.uniform(0.03, 0.12)),
        int(page.shape[1] * rng.uniform(0.03, 0.12)),
    )
    return cv2.copyMakeBorder(
        page, top, 0, left, 0, cv2.BORDER_CONSTANT, value=int(rng.uniform(10, 60))
    )


@dataclass(frozen=True, slots=True)
class Trial:
    angle: float
    measured: float
    seconds: float  # CPU seconds
    notes: str

    @property
    def error(self) -> float:
        return abs(self.measured - self.angle)


def generated_trials(n: int, seed: int) -> list[Trial]:
    rng = np.random.default_rng(seed)
    trials: list[Trial] = []
    for _ in range(n):
        page, extras = render_page(rng)
        gray, notes = degrade(np.asarray(page), rng)
        angle = float(rng.uniform(-10.0, 10.0))
        skewed = skew_page(gray, angle)
        if rng.random() < 0.2:
            skewed = dark_margins(skewed, rng)
            notes = f"{notes},margins".strip(",")
        t0 = time.process_time()
        measured = estimate_skew(skewed)
        trials.append(Trial(angle, measured, time.process_time() - t0, f"{extras} {notes}"))
    return trials


def _render_pdf(pdf: Path, out_dir: Path) -> Path | None:
    if shutil.which("pdftoppm") is None:
        return None
    argv = ["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", "1", str(pdf)]
    subprocess.run([*argv, str(out_dir / pdf.stem)], check=True, capture_output=True)
    return out_dir / f"{pdf.stem}.png"


def real_rows(root: Path, tmp: Path) -> list[tuple[str, float, float, float]]:
    """(file, expected, measured, seconds) for the real pages with exactly known skew."""
    cases = [*SKEWED_RENDERS, ("ocrmypdf-tests/derived/cardinal_p1_150dpi.png", 0.0)]
    images = [(name, _read(root / name), exp) for name, exp in cases]
    for pdf, exp in SKEWED_PDFS:
        png = _render_pdf(root / "ocrmypdf-tests" / pdf, tmp)
        if png is not None:
            images.append((f"ocrmypdf-tests/{pdf} @300dpi", _read(png), exp))
    rows = []
    for name, gray, exp in images:
        t0 = time.process_time()
        measured = estimate_skew(gray)
        rows.append((name, exp, measured, time.process_time() - t0))
    return rows


# -- orientation ----------------------------------------------------------------------


def orientation_report(n: int, seed: int, root: Path | None) -> None:
    """Generated pages in all four turns (skew within +/-5 degrees), then real pages."""
    rng = np.random.default_rng(seed)
    right = geometric_right = unsure = total = 0
    cpu: list[float] = []
    for _ in range(n):
        page, _ = render_page(rng)
        gray, _ = degrade(np.asarray(page), rng)
        gray = skew_page(gray, float(rng.uniform(-5.0, 5.0)))
        for needs in (0, 90, 180, 270):
            turned = np.ascontiguousarray(np.rot90(gray, needs // 90))
            fit = geometric_orientation(turned)
            t0 = time.perf_counter()
            rotation, _ = detect_orientation(turned)
            cpu.append(time.perf_counter() - t0)
            total += 1
            right += rotation == needs
            geometric_right += fit.rotation == needs
            unsure += fit.confidence < 0.6 or fit.axis_confidence < 0.5
    print(f"## Orientation: {n} generated pages x 4 turns, seed {seed}\n")
    print(
        f"- detect_orientation right: {right}/{total}; geometry alone right: {geometric_right}/"
        f"{total}; geometry unsure (OSD consulted): {unsure}/{total}"
    )
    print(
        f"- wall time per page: median {np.median(cpu) * 1000:.0f} ms, worst "
        f"{max(cpu) * 1000:.0f} ms (worst includes OSD runs)\n"
    )
    if root is None:
        return
    print("| file | needs | got | confidence | wall |")
    print("|---|---:|---:|---:|---:|")
    for name, needs in TURNS:
        gray = _read(root / name)
        t0 = time.perf_counter()
        rotation, conf = detect_orientation(gray)
        secs = time.perf_counter() - t0
        print(f"| {name} | {needs} | {rotation} | {conf:.2f} | {secs * 1000:.0f} ms |")
    print()


def fixtures_report(n: int) -> None:
    """upright() on the project's own synthetic dossier pages (fixtures/), scan and hard.

    Those pages carry seals, folds, specks, ID-card photos and the scanner bed around
    the paper, and a quarter of them are fed in turned; their truth gives the turn and
    the skew measured after it.
    """
    import random

    from fixtures.degrade import degrade as scan_like
    from fixtures.dossier import random_facts
    from fixtures.render import DOC_TYPES, render
    from ocr.orient import upright

    print(f"## Project fixtures (fixtures/ renderer), first page of {n} documents per level\n")
    print("| level | pages | turn right | skew median err | skew worst err | wall median |")
    print("|---|---:|---:|---:|---:|---:|")
    for level in ("scan", "hard"):
        errors: list[float] = []
        cpu: list[float] = []
        right = pages = 0
        for seed in range(n):
            rng = random.Random(seed * 7 + 1)
            try:
                doc = render(DOC_TYPES[seed % len(DOC_TYPES)], random_facts(rng), rng)
            except ValueError:  # e.g. a driving licence for an owner who has none
                continue
            page = scan_like(doc.pages[0], level, rng)
            gray = clean.to_gray(np.asarray(page.image.convert("L")))
            t0 = time.perf_counter()
            result = upright(gray)
            cpu.append(time.perf_counter() - t0)
            pages += 1
            if result.rotation_deg == page.rotation_deg:
                right += 1
                errors.append(abs(result.skew_deg - page.skew_deg))
        print(
            f"| {level} | {pages} | {right} | {np.median(errors):.3f} | {max(errors):.3f} | "
            f"{np.median(cpu) * 1000:.0f} ms |"
        )
    print()


# -- OCR effect of cleaning -------------------------------------------------------------


def _ocr_page(rng: np.random.Generator, px: int) -> tuple[np.ndarray, str]:
    """A white page of ten lines of Vietnamese text at ``px`` pixels, and its text."""
    font = ImageFont.truetype(FONTS[int(rng.integers(len(FONTS)))], px)
    width, pitch = 48 * px, int(px * 1.7)
    page = Image.new("L", (width, 80 + 10 * pitch), 255)
    draw = ImageDraw.Draw(page)
    lines = []
    for i in range(10):
        text = _sentence(rng, 12)
        while draw.textlength(text, font=font) > width - 4 * px:
            text = text.rsplit(" ", 1)[0]
        draw.text((2 * px, 40 + i * pitch), text, font=font, fill=0)
        lines.append(text)
    return np.asarray(page), "\n".join(lines)


def _gain(g: np.ndarray, lo: float) -> np.ndarray:
    ramp = np.linspace(lo, 1.0, g.shape[1], dtype=np.float32)[None, :]
    return np.clip(g.astype(np.float32) * ramp, 0, 255).astype(np.uint8)


def _contrast(g: np.ndarray, ink: int = 150, paper: int = 215) -> np.ndarray:
    return (ink + (paper - ink) * (g.astype(np.float32) / 255)).astype(np.uint8)


def _specks(g: np.ndarray, rng: np.random.Generator, p: float) -> np.ndarray:
    out = g.copy()
    mask = rng.random(g.shape) < p
    out[mask] = np.where(rng.random(int(mask.sum())) < 0.5, 0, 255).astype(np.uint8)
    return out


CONDITIONS: dict[str, Callable[[np.ndarray, np.random.Generator], np.ndarray]] = {
    "clean": lambda g, r: g,
    "gradient 0.35-1": lambda g, r: _gain(g, 0.35),
    "gradient 0.75-1": lambda g, r: _gain(g, 0.75),
    "low contrast 150/215": lambda g, r: _contrast(g),
    "shadow (low contrast + gradient 0.5-1)": lambda g, r: _gain(_contrast(g), 0.5),
    "salt-and-pepper 3%": lambda g, r: _specks(g, r, 0.03),
    "salt-and-pepper 0.5%": lambda g, r: _specks(g, r, 0.005),
    "blur sigma 1.6": lambda g, r: cv2.GaussianBlur(g, (0, 0), 1.6),
    "blur 1.2 + specks 2%": lambda g, r: _specks(cv2.GaussianBlur(g, (0, 0), 1.2), r, 0.02),
    "gaussian noise sigma 25": lambda g, r: np.clip(
        g.astype(np.float32) + r.normal(0, 25, g.shape), 0, 255
    ).astype(np.uint8),
}
VARIANTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "nothing": lambda g: g,
    "normalize_illumination": clean.normalize_illumination,
    "denoise": clean.denoise,
    "median 3x3 always": lambda g: cv2.medianBlur(g, 3),
    "clean_for_ocr": clean.clean_for_ocr,
}


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(got: str, truth: str) -> float:
    """Character error rate: edit distance over the truth's length (whitespace folded)."""
    return Levenshtein.distance(_norm(got), _norm(truth)) / max(1, len(_norm(truth)))


def cleaning_report(pages: int, seed: int) -> None:
    """Mean CER of Tesseract (vie, psm 6) per degradation and cleaning variant."""
    for px in (34, 22):
        rng = np.random.default_rng(seed)
        docs = [_ocr_page(rng, px) for _ in range(pages)]
        jobs = []
        for cond, make in CONDITIONS.items():
            for i, (page, truth) in enumerate(docs):
                degraded = make(page, np.random.default_rng(i))
                jobs += [(cond, var, fn(degraded), truth) for var, fn in VARIANTS.items()]
        with ThreadPoolExecutor(2) as pool:
            rates = list(pool.map(lambda j: cer(ocr_text(j[2], psm=6), j[3]), jobs))
        table: dict[tuple[str, str], list[float]] = {}
        for (cond, var, _, _), rate in zip(jobs, rates, strict=True):
            table.setdefault((cond, var), []).append(rate)
        print(f"### CER %, {pages} pages of 10 lines, text {px} px high (Tesseract vie, psm 6)\n")
        print("| page | " + " | ".join(VARIANTS) + " |")
        print("|---|" + "---:|" * len(VARIANTS))
        for cond in CONDITIONS:
            cells = [f"{100 * np.mean(table[(cond, var)]):.1f}" for var in VARIANTS]
            print(f"| {cond} | " + " | ".join(cells) + " |")
        print()
    fill_report(pages, seed)


def fill_report(pages: int, seed: int) -> None:
    """Straightening a low-contrast page: corners filled with paper grey vs white."""
    rng = np.random.default_rng(seed)
    docs = [_ocr_page(rng, 34) for _ in range(pages)]
    print(f"### Straightening fill, {pages} pages, CER % (Tesseract vie, psm 6)\n")
    print("| ink / paper | skew | paper-grey fill (rotate_image) | white fill |")
    print("|---|---:|---:|---:|")
    for ink, paper in ((150, 215), (150, 190), (70, 100)):
        for angle in (4.0, 8.0):
            grey = white = 0.0
            for page, truth in docs:
                # A margin keeps every letter on the canvas when the page is turned.
                roomy = cv2.copyMakeBorder(page, 120, 120, 120, 120, cv2.BORDER_CONSTANT, value=255)
                faint = skew_page(_contrast(roomy, ink, paper), angle)
                grey += cer(ocr_text(rotate_image(faint, angle), psm=6), truth)
                centre = (faint.shape[1] / 2, faint.shape[0] / 2)
                m = cv2.getRotationMatrix2D(centre, angle, 1.0)
                filled = cv2.warpAffine(faint, m, faint.shape[::-1], borderValue=255)
                white += cer(ocr_text(filled, psm=6), truth)
            print(
                f"| {ink} / {paper} | {angle:.0f} | {100 * grey / pages:.1f} | "
                f"{100 * white / pages:.1f} |"
            )
    print()


# -- main -------------------------------------------------------------------------------


def skew_report(pages: int, seed: int, root: Path | None) -> None:
    trials = generated_trials(pages, seed)
    errors = np.array([t.error for t in trials])
    times = np.array([t.seconds for t in trials])
    print(
        f"## Skew: {len(trials)} generated pages, A4 150 dpi, uniform in +/-10 deg, seed {seed}\n"
    )
    print(
        f"- median |error| {np.median(errors):.3f} deg, 95th pct {np.percentile(errors, 95):.3f},"
        f" worst {errors.max():.3f}"
    )
    print(
        f"- CPU per page: median {np.median(times) * 1000:.0f} ms, "
        f"worst {times.max() * 1000:.0f} ms (1240x1754)"
    )
    for t in sorted(trials, key=lambda t: -t.error)[:3]:
        print(f"  - worst: angle {t.angle:+.3f} measured {t.measured:+.3f} ({t.notes.strip()})")
    big = cv2.resize(np.asarray(render_page(np.random.default_rng(1))[0]), (2480, 3508))
    big = skew_page(big, 3.3)
    estimate_skew(big)
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(5):
        estimate_skew(big)
    cpu, wall = (time.process_time() - c0) / 5, (time.perf_counter() - w0) / 5
    print(f"- 2480x3508 page: {cpu * 1000:.0f} ms CPU, {wall * 1000:.0f} ms wall\n")
    if root is None:
        print("Real pages: skipped (no shared/realdata; set REALDATA_DIR)\n")
        return
    with tempfile.TemporaryDirectory() as tmp:
        rows = real_rows(root, Path(tmp))
    print("| file | expected | measured | error | CPU |")
    print("|---|---:|---:|---:|---:|")
    for name, exp, got, secs in rows:
        print(f"| {name} | {exp:+.3f} | {got:+.3f} | {abs(got - exp):.3f} | {secs * 1000:.0f} ms |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--orientation-pages", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--fixtures",
        type=int,
        default=0,
        metavar="DOCS",
        help="also run upright() on DOCS pages per level from fixtures/",
    )
    parser.add_argument(
        "--ocr-cleaning",
        type=int,
        default=0,
        metavar="PAGES",
        help="also measure Tesseract CER with/without cleaning on PAGES pages",
    )
    args = parser.parse_args()
    root = realdata_dir()
    skew_report(args.pages, args.seed, root)
    orientation_report(args.orientation_pages, args.seed, root)
    if args.fixtures:
        fixtures_report(args.fixtures)
    if args.ocr_cleaning:
        cleaning_report(args.ocr_cleaning, args.seed)


if __name__ == "__main__":
    main()
