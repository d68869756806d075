"""Scanned pages and photos to text, by OCR: RapidOCR's PP-OCR detection and recognition models ship
inside the rapidocr-onnxruntime wheel and run on ONNX Runtime, so nothing is downloaded.

Red ink is taken out before recognition: the seal (印章) stamped over a signature, and the banner
and rule of a red-header document (红头文件), are not the body's text. The recognised lines are put
in reading order (rows from the top, each row's pieces from the left) and returned as the page's
raw text, one line per row, for `ingest.pdf.join_pages`, which peels running headers, footers and
page numbers and undoes hard wraps exactly as for a text PDF.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageSequence

from ingest.layout import Piece, reading_order, row_text
from ingest.model import SourceText
from ingest.outline import XREF_FOLLOWERS
from ingest.pdf import paged_source

MAX_PIXELS = 40_000_000  # an A4 page scanned at 600 dpi has 35 million
# Pages are bounded by MAX_PIXELS from their headers before anything is decoded: PIL's own check,
# a warning up to twice its 89 million pixels, would not name the size.
Image.MAX_IMAGE_PIXELS = None
MAX_PAGES = 500  # frames of one image file (a multi-page TIFF)
RENDER_DPI = 200  # a PDF page rendered for OCR: PP-OCR reads 10-point type well from 150 dpi up
# A page whose recognised lines score below this on average (length-weighted) is not kept: what OCR
# makes of a blurred or dark photo is wrong characters, and a wrong quote is worse than none.
MIN_CONFIDENCE = 0.8
MIN_LINE_SCORE = 0.5  # pieces below this are noise (specks, stamps' rims), not text

TOO_LARGE = "图片尺寸过大（{width}×{height} 像素，上限 {limit} 万像素），已拒绝"
TOO_MANY_PAGES = "图片页数过多（超过 {limit} 页），已拒绝"
NOT_AN_IMAGE = "图片文件已损坏或格式不受支持，无法读取"

_FOLLOWERS = re.escape("".join(sorted(XREF_FOLLOWERS)))
# 第X条 at a row's start, then a comma or 、 OCR made of the gap (or nothing), then the article's own
# words (not a cross-reference: 第五条、第六条 goes on with 第).
_OPENING_MARKER = re.compile(
    rf"^(第[零〇一二两三四五六七八九十百千\d]+[编章节条])[，,．.、]?(?=[^\s{_FOLLOWERS}])"
)
# Pixels of red ink: red above green and blue by this much (grey paper's noise stays under it).
_REDNESS = 25
_PAPER_SAMPLE = 4  # every 4th pixel each way tells the paper's colour


@dataclass(frozen=True, slots=True)
class OcrPage:
    text: str  # the page's rows in reading order, one per line; "" when nothing was read
    confidence: float  # the lines' mean score, weighted by their length (1.0 for an empty page)

    @property
    def readable(self) -> bool:
        return self.confidence >= MIN_CONFIDENCE


def image_source(data: bytes, on_scan: Callable[[], object] | None = None) -> SourceText:
    """The text of a scan or photo (each frame of a TIFF a page), read as a scanned PDF is."""
    pages = image_pages(data)
    return paged_source([""] * len(pages), read_scans(enumerate(pages), on_scan), "image")


def read_scans(
    pages: Iterable[tuple[int, Image.Image]], on_scan: Callable[[], object] | None = None
) -> dict[int, str | None]:
    """What OCR reads on each page (by index), None where it cannot read it reliably: such a page is
    left out and reported, not kept as wrong characters."""
    texts: dict[int, str | None] = {}
    for n, image in pages:
        if on_scan is not None:
            on_scan()
        page = recognise(image)
        texts[n] = page.text if page.readable else None
    return texts


def image_pages(data: bytes) -> list[Image.Image]:
    """The pages of an image file (every frame of a TIFF), as RGB; ValueError with a Chinese reason
    for a damaged file or one too large to read safely, checked from its header before decoding."""
    try:
        image = Image.open(io.BytesIO(data))
    except (OSError, ValueError) as exc:
        raise ValueError(NOT_AN_IMAGE) from exc
    pages = []
    try:
        for n, frame in enumerate(ImageSequence.Iterator(image)):
            if n >= MAX_PAGES:
                raise ValueError(TOO_MANY_PAGES.format(limit=MAX_PAGES))
            _check_size(*frame.size)
            pages.append(frame.convert("RGB"))
    except (OSError, SyntaxError) as exc:  # PIL's decoders raise these for a damaged file
        raise ValueError(NOT_AN_IMAGE) from exc
    return pages


def _check_size(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise ValueError(TOO_LARGE.format(width=width, height=height, limit=MAX_PIXELS // 10_000))


def recognise(image: Image.Image) -> OcrPage:
    """The text OCR reads on one page, red ink removed."""
    result, _ = _engine()(np.asarray(_without_red(image).convert("RGB"))[:, :, ::-1])  # BGR, as cv2 reads
    pieces = [
        Piece(
            min(x for x, _ in box),
            min(y for _, y in box),
            max(x for x, _ in box),
            max(y for _, y in box),
            text,
            float(score),
        )
        for box, text, score in result or ()
        if text.strip()
    ]
    return page_of(pieces)


def page_of(pieces: Sequence[Piece]) -> OcrPage:
    """The page's text in reading order and its confidence, from the recognised pieces."""
    kept = [p for p in pieces if p.score >= MIN_LINE_SCORE]
    chars = sum(len(p.text) for p in kept)
    confidence = sum(p.score * len(p.text) for p in kept) / chars if chars else 1.0
    return OcrPage("\n".join(_spaced(row_text(row)) for row in reading_order(kept)), confidence)


def _spaced(row: str) -> str:
    """A row that opens with 第X编/章/节/条 and runs straight on gets the full-width space back that
    printed documents set there and OCR drops (or reads as a comma or 、): the number then reads as the
    article's (or chapter's) heading, as in the text version, not as a cross-reference, which stays
    as read (第三条规定的…, 第五条、第六条)."""
    return _OPENING_MARKER.sub("\\1　", row, count=1)


def _without_red(image: Image.Image) -> Image.Image:
    """`image` with its red ink (seals, red banners and rules) painted over in the paper's colour.

    Red is how much the red channel stands above the others: that also takes the pale rims a red
    glyph gets from anti-aliasing, blur and JPEG's halved colour resolution, which a test on hue and
    saturation leaves as outlines OCR reads; and the paper's colour, not white, leaves no ghost.
    """
    pixels = np.array(image.convert("RGB"))
    channels = pixels.astype(np.int16)
    red = channels[..., 0] - np.maximum(channels[..., 1], channels[..., 2]) >= _REDNESS
    if not red.any():
        return image
    sample = pixels[::_PAPER_SAMPLE, ::_PAPER_SAMPLE][~red[::_PAPER_SAMPLE, ::_PAPER_SAMPLE]]
    pixels[red] = np.median(sample, axis=0) if len(sample) else 255
    return Image.fromarray(pixels)


@functools.cache
def _engine() -> Callable:
    """The OCR engine, loaded once per process (under a second); imported only when a scan is met."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(text_score=MIN_LINE_SCORE)
