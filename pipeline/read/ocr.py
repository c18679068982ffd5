"""OCR for PDF pages without a text layer: Tesseract through pytesseract.

A page is rendered with pypdfium2 (300 dpi, fewer when the page would pass `MAX_PIXELS`), Tesseract
reads it in one bounded call, and its words come back as `Segment`s, one per line, in PDF points, so
the layout code treats them like any text layer.  Per-page confidence is the mean word confidence.
Tesseract is optional: without it `ocr_available()` is false and the reader says so.
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache

from pipeline.read.pdf_layout import PageContent, Segment

OCR_DPI = 300
MAX_PIXELS = 40_000_000  # a poster-sized page is rendered at lower resolution, not 2 GB of pixels
PAGE_SECONDS = 45  # one page's Tesseract call; the document's whole budget is the worker's limit
LANGUAGE = "eng"
MIN_WORD_CONFIDENCE = 10  # Tesseract's -1 marks layout rows; near-zero words are speckle read as text
MEDIAN_SIZE = 3  # a 3x3 median takes out scanner speckle without eating strokes at 300 dpi


@dataclass(frozen=True)
class OcrPage:
    content: PageContent
    confidence: float  # mean word confidence, 0-100
    timed_out: bool = False


@lru_cache(maxsize=1)
def ocr_available() -> bool:
    """Whether pytesseract and the tesseract program are both installed."""
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return False
    return shutil.which("tesseract") is not None


def render_scale(width_pt: float, height_pt: float, dpi: int = OCR_DPI) -> float:
    """Pixels per point for `dpi`, lowered so that the page stays under MAX_PIXELS."""
    scale = dpi / 72
    pixels = width_pt * height_pt * scale * scale
    if pixels > MAX_PIXELS:
        scale *= math.sqrt(MAX_PIXELS / pixels)
    return scale


def ocr_page(page, number: int, *, seconds: float = PAGE_SECONDS) -> OcrPage:
    """OCR one pypdfium2 page (an empty, `timed_out` result when Tesseract needs over `seconds`)."""
    width, height = page.get_size()
    scale = render_scale(width, height)
    image = page.render(scale=scale, grayscale=True).to_pil()
    return ocr_image(image, number, width, height, scale, seconds=seconds)


def ocr_image(image, number: int, width: float, height: float, scale: float, *,
              seconds: float = PAGE_SECONDS) -> OcrPage:
    import pytesseract

    # Workers run side by side; Tesseract's own threads would only fight them for the same cores.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    image = clean_scan(image)
    try:
        data = pytesseract.image_to_data(image, lang=LANGUAGE, config="--psm 3",
                                         output_type=pytesseract.Output.DICT, timeout=seconds)
    except RuntimeError:  # pytesseract's "Tesseract process timeout"
        return OcrPage(PageContent(number, width, height, ()), 0.0, timed_out=True)
    segments, confidences = _line_segments(data, scale)
    confidence = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrPage(PageContent(number, width, height, tuple(segments)), round(confidence, 1))


def clean_scan(image):
    """Greyscale page -> black text on white: speckle removed by a median filter, then Otsu's threshold
    (noise that Tesseract's own binarisation keeps costs it a tenth of the words on a poor scan)."""
    import numpy as np
    from PIL import ImageFilter

    grey = image.convert("L").filter(ImageFilter.MedianFilter(MEDIAN_SIZE))
    pixels = np.asarray(grey)
    threshold = otsu_threshold(pixels)
    from PIL import Image

    return Image.fromarray(np.where(pixels > threshold, 255, 0).astype(np.uint8))


def otsu_threshold(pixels) -> int:
    """The grey level that best splits the histogram into ink and paper (Otsu, 1979)."""
    import numpy as np

    counts = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256)
    weight_dark = np.cumsum(counts)
    weight_light = weight_dark[-1] - weight_dark
    sum_dark = np.cumsum(counts * levels)
    mean_dark = sum_dark / np.maximum(weight_dark, 1)
    mean_light = (sum_dark[-1] - sum_dark) / np.maximum(weight_light, 1)
    between = weight_dark * weight_light * (mean_dark - mean_light) ** 2
    return int(np.argmax(between))


def _line_segments(data: dict, scale: float) -> tuple[list[Segment], list[float]]:
    """One Segment per Tesseract line (block, paragraph, line), coordinates back in points."""
    lines: dict[tuple, list[int]] = {}
    confidences = []
    for i, word in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if not word.strip() or conf < MIN_WORD_CONFIDENCE:
            continue
        confidences.append(conf)
        lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    segments = []
    for ids in lines.values():
        x0 = min(data["left"][i] for i in ids) / scale
        y0 = min(data["top"][i] for i in ids) / scale
        x1 = max(data["left"][i] + data["width"][i] for i in ids) / scale
        y1 = max(data["top"][i] + data["height"][i] for i in ids) / scale
        text = " ".join(data["text"][i].strip() for i in ids)
        segments.append(Segment(x0, y0, x1, y1, text, round(y1 - y0, 1), False))
    return segments, confidences
