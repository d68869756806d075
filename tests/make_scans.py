"""Scans and photos of real pages, made from their text: `python -m tests.make_scans OUT_FOLDER`.

A chapter of 《中国共产党党员教育管理工作条例》 (from ../shared) is typeset on A4 pages at 150 dpi
the way a printed regulation looks (a running header, 「— N —」 page numbers, two-character
indents), stamped with a red seal over its last lines, then scanned: grey noise and a slight skew,
saved as an image-only PDF. A page of the work plan is photographed: perspective, uneven light,
blur and JPEG artefacts. A third PDF has a text page followed by a scanned one, the scanned chapter
is also exported as an OFD of page images, and the red-header
notice of tests/make_notice.py is printed and scanned, red banner, seal and all. The files are
made by the tests that read them (tests/test_scans.py), so the shared text is never copied into
the repository; they need Pillow, reportlab and a CJK font (fonts-noto-cjk, which `make test`
installs).
"""

from __future__ import annotations

import io
import math
import sys
import textwrap
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tests.make_ofd import scanned_ofd

WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi
MARGIN_X, TOP, BOTTOM = 150, 190, 160
SIZE, LEADING = 30, 50
COLUMN = (WIDTH - 2 * MARGIN_X) // SIZE  # characters of a full line
RUNNING_HEADER = "中国共产党党员教育管理工作条例"
REGULATION = "中国共产党党员教育管理工作条例.txt"
FONT_FILE = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


def chapter(regulations: Path, heading: str = "第四章", end: str = "第五章") -> str:
    """A chapter of the regulation as its text file has it: heading and articles, one per line."""
    text = (regulations / REGULATION).read_text(encoding="utf-8")
    start = text.index(f"\n{heading}") + 1
    return text[start : text.index(f"\n{end}", start)].strip()


def font(size: int = SIZE) -> ImageFont.FreeTypeFont:
    """Noto Serif CJK, its Simplified Chinese face."""
    for index in range(10):
        face = ImageFont.truetype(str(FONT_FILE), size, index=index)
        if face.getname()[0].endswith("SC"):
            return face
    raise RuntimeError(f"no Simplified Chinese face in {FONT_FILE}")


def typeset(text: str, *, header: str = RUNNING_HEADER, first_page: int = 1) -> list[Image.Image]:
    """`text` (one paragraph per line) on printed pages: headings centred, paragraphs indented."""
    face, small = font(), font(22)
    lines: list[tuple[str, bool]] = []  # (line, centred)
    for paragraph in (p.strip() for p in text.splitlines()):
        if not paragraph:
            continue
        if paragraph.startswith("第") and paragraph.split("　")[0].endswith("章"):
            lines.append((paragraph, True))
        else:
            lines += [(line, False) for line in textwrap.wrap("\u3000\u3000" + paragraph, COLUMN)]
    per_page = (HEIGHT - TOP - BOTTOM) // LEADING
    pages = []
    for n in range(0, len(lines), per_page):
        page = Image.new("RGB", (WIDTH, HEIGHT), "white")
        draw = ImageDraw.Draw(page)
        draw.text((WIDTH // 2, 95), header, font=small, fill="black", anchor="mm")
        draw.line((MARGIN_X, 120, WIDTH - MARGIN_X, 120), fill="black", width=2)
        for k, (line, centred) in enumerate(lines[n : n + per_page]):
            y = TOP + k * LEADING
            if centred:
                draw.text((WIDTH // 2, y + SIZE // 2), line, font=face, fill="black", anchor="mm")
            else:
                draw.text((MARGIN_X, y), line, font=face, fill="black")
        number = first_page + len(pages)
        draw.text((WIDTH // 2, HEIGHT - 90), f"— {number} —", font=small, fill="black", anchor="mm")
        pages.append(page)
    return pages


def stamp(page: Image.Image) -> Image.Image:
    """A red seal (圆形公章: ring, star, organ's name) over the lower text of the page."""
    seal = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    cx, cy, r = WIDTH - 360, HEIGHT - 420, 150
    red = (215, 30, 35, 210)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=9)
    star = [
        (
            cx + 45 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
            cy - 45 * math.sin(math.pi / 2 + k * 4 * math.pi / 5),
        )
        for k in range(5)
    ]
    draw.polygon(star, fill=red)
    name, seal_font = "中共XX市直属机关工作委员会", font(26)
    for k, char in enumerate(name):  # along the upper arc
        angle = math.pi * (0.92 - 0.84 * k / (len(name) - 1))
        x, y = cx + (r - 32) * math.cos(angle), cy - (r - 32) * math.sin(angle)
        draw.text((x, y), char, font=seal_font, fill=red, anchor="mm")
    return Image.alpha_composite(page.convert("RGBA"), seal).convert("RGB")


def scanned(page: Image.Image, *, seed: int, skew: float = 0.7) -> Image.Image:
    """As a flatbed scanner gives it back: slightly rotated, greyish paper, speckle."""
    rng = np.random.default_rng(seed)
    rotated = page.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor="white")
    pixels = (
        np.asarray(rotated).astype(np.int16) - 12 + rng.normal(0, 10, (HEIGHT, WIDTH, 1)).astype(np.int16)
    )
    specks = rng.random((HEIGHT, WIDTH)) < 0.0015
    pixels[specks] = 40
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))


def photographed(page: Image.Image, *, seed: int) -> Image.Image:
    """As a phone photographs a sheet on a desk: seen at an angle, lit from one side, a little soft."""
    rng = np.random.default_rng(seed)
    w, h = page.size
    # The sheet's corners as the camera sees them (top narrower: the phone is tilted back).
    corners = [(60, 40), (w - 30, 80), (w - 10, h - 20), (25, h - 60)]
    coefficients = _perspective(corners, [(0, 0), (w, 0), (w, h), (0, h)])
    desk = Image.new("RGB", (w + 40, h + 40), (120, 110, 95))
    sheet = page.transform(desk.size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC)
    mask = Image.new("L", page.size, 255).transform(desk.size, Image.Transform.PERSPECTIVE, coefficients)
    desk.paste(sheet, (0, 0), mask)
    light = (
        np.linspace(1.0, 0.72, desk.size[0])[None, :, None]
        * np.linspace(1.0, 0.9, desk.size[1])[:, None, None]
    )
    pixels = np.asarray(desk).astype(np.float32) * light + rng.normal(0, 6, (desk.size[1], desk.size[0], 1))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.0))


def _perspective(source: list[tuple[float, float]], target: list[tuple[float, float]]) -> list[float]:
    """PIL's eight perspective coefficients mapping output points `source` back to input points `target`."""
    rows = []
    for (x, y), (u, v) in zip(source, target, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    right = np.array([c for point in target for c in point], dtype=float)
    return list(np.linalg.solve(np.array(rows, dtype=float), right))


def image_pdf(pages: list[Image.Image]) -> bytes:
    """An image-only PDF, one scanned image per page, as a scanner's 'scan to PDF' writes it."""
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    return out.getvalue()


def mixed_pdf(text_lines: list[str], scan: Image.Image) -> bytes:
    """A PDF whose first page has a text layer and whose second is a scanned image."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = Canvas(out, pagesize=A4)
    pdf.setFont("STSong-Light", 14)
    y = 750
    for paragraph in text_lines:  # the scanned pages' column: COLUMN characters a line
        for line in textwrap.wrap("\u3000\u3000" + paragraph, COLUMN):
            pdf.drawString(60, y, line)
            y -= 24
    pdf.showPage()
    pdf.drawImage(ImageReader(scan), 0, 0, width=A4[0], height=A4[1])
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def printed(pdf: Path) -> list[Image.Image]:
    """The pages of a PDF as a printer puts them on A4 paper (at the scans' 150 dpi), red ink and all."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=WIDTH / page.get_width()).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def write_all(regulations: Path, plan: Path, folder: Path, notice: Path) -> dict[str, Path]:
    """The scan fixtures in `folder`: name → path; `notice` is the red-header notice's PDF to scan."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = typeset(chapter(regulations))
    pages[-1] = stamp(pages[-1])
    files = {
        "扫描件-第四章.pdf": image_pdf([scanned(page, seed=n) for n, page in enumerate(pages)]),
        "手机拍照-工作要点.jpg": _jpeg(photographed(typeset(_plan_page(plan), header="")[0], seed=7)),
    }
    articles = chapter(regulations).splitlines()
    files["混合-第四章.pdf"] = mixed_pdf(articles[:3], scanned(pages[1], seed=9))
    # The same scan exported as an OFD, as e-government systems file paper documents.
    files["扫描件-第四章.ofd"] = scanned_ofd([_jpeg(scanned(page, seed=n)) for n, page in enumerate(pages)])
    files["扫描件-红头通知.pdf"] = image_pdf(
        [scanned(page, seed=20 + n) for n, page in enumerate(printed(notice))]
    )
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


def _plan_page(plan: Path) -> str:
    """The work plan's first section: its heading and items."""
    lines = [line.strip() for line in plan.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("一、"))
    end = next(i for i, line in enumerate(lines) if line.startswith("二、"))
    return "\n".join(lines[start:end])


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=72)
    return out.getvalue()


if __name__ == "__main__":
    from tests.conftest import PLAN, shared_dir
    from tests.make_fixtures import FIXTURES

    made = write_all(
        shared_dir() / "corpus" / "regulations", PLAN, Path(sys.argv[1]), FIXTURES / "notice.pdf"
    )
    print("\n".join(str(path) for path in made.values()))
