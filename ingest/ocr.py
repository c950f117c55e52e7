"""OCR for PDF pages without a usable text layer: rasterize with pypdfium2, read with tesseract's
Vietnamese model through pytesseract.

Also: `legacy_font_garbage()`, which recognises text layers written with the pre-Unicode
Vietnamese font encodings (TCVN3/ABC, VNI). Their glyphs come out of the PDF as Latin-1
characters ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Coäng hoøa xaõ hoäi"), which no search can
match, so such pages are read from their image instead.

Settings (environment variables, read on every call):
    TESSERACT_CMD       tesseract executable (default: "tesseract" looked up on PATH)
    INGEST_OCR_DPI      rendering resolution (default: the scan's own, within 200–300)
    INGEST_OCR_TIMEOUT  seconds allowed for one page (default 120)
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

OCR_LANG = "vie"
DEFAULT_DPI = 300
MIN_DPI = 200
DEFAULT_PAGE_TIMEOUT_S = 120

INSTALL_HINT = (
    "install it with: apt-get install tesseract-ocr tesseract-ocr-vie "
    "(and pip install pytesseract pypdfium2)"
)


class OcrUnavailable(Exception):
    """OCR cannot run on this machine; the message says exactly what to install."""


class OcrFailed(Exception):
    """Tesseract ran but could not read the page."""


class OcrTimeout(OcrFailed):
    """Tesseract did not finish the page within `seconds`; it was killed."""

    def __init__(self, message: str, seconds: float):
        super().__init__(message)
        self.seconds = seconds


# ---------------------------------------------------------------------------------------------
# Legacy-font detection (pure functions)

# Vietnamese letters that exist only in Unicode Vietnamese text: ă â đ ê ô ơ ư (both cases) and
# the whole Latin Extended Additional block of toned vowels (U+1EA0–U+1EF9).
_VIET_SPECIFIC = set("ăĂđĐơƠưƯĩĨũŨ") | {chr(c) for c in range(0x1EA0, 0x1EFA)}
# Characters of Latin-1 that Vietnamese never uses, but that TCVN3 (ABC) and VNI fonts put in
# place of Vietnamese letters: symbols ¡–¿ and the non-Vietnamese Latin-1 letters.
_LEGACY_MARKERS = (
    {chr(c) for c in range(0x00A1, 0x00C0)}
    | set("ÄÅÆÇËÎÏÐÑÖ×ØÛÜÞßäåæçëîïðñö÷øûüÿ")
)
# Letters that are valid Vietnamese but are also TCVN3/VNI stand-ins ("ViÖt", "Ò" for "ề"):
# they count neither way.
_CID_RE = re.compile(r"\(cid:\d+\)")
_PUA_RE = re.compile(r"[\ue000-\uf8ff]")


@dataclass(frozen=True)
class GarbageScore:
    legacy: int  # legacy-font marker characters, unmapped glyphs "(cid:N)", private-use characters
    vietnamese: int  # characters only Unicode Vietnamese text has
    letters: int  # all letters

    @property
    def share(self) -> float:
        total = self.legacy + self.vietnamese
        return self.legacy / total if total else 0.0


def garbage_score(text: str) -> GarbageScore:
    cids = len(_CID_RE.findall(text))
    text = _CID_RE.sub(" ", text)
    legacy = cids + len(_PUA_RE.findall(text))
    vietnamese = letters = 0
    for ch in text:
        if ch in _LEGACY_MARKERS:
            legacy += 1
        elif ch in _VIET_SPECIFIC:
            vietnamese += 1
        if ch.isalpha():
            letters += 1
    return GarbageScore(legacy, vietnamese, letters + cids)


def legacy_font_garbage(text: str, min_markers: int = 4, min_share: float = 0.5) -> bool:
    """True when `text` (a page's raw text layer) is mostly TCVN3/VNI stand-in characters or
    unmapped glyphs rather than Unicode Vietnamese.

    Unicode Vietnamese has many ă/â/đ/ơ/ư/toned vowels and no "§µ¬·©"; a legacy-font layer has
    the opposite. A few stray symbols (a "§ 3" section sign, "©") in good text do not count.
    """
    score = garbage_score(text)
    if score.legacy < min_markers:
        return False
    # Relative to the page: a handful of symbols in a long Unicode page is not garbage.
    return score.share >= min_share and score.legacy >= 0.03 * max(score.letters, 1)


# ---------------------------------------------------------------------------------------------
# Availability

def tesseract_cmd() -> str:
    return os.environ.get("TESSERACT_CMD", "tesseract")


def unavailable_reason() -> str | None:
    """None when OCR can run; otherwise a sentence saying what is missing and how to install it."""
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return f"OCR needs the Python package pytesseract, which is not installed; {INSTALL_HINT}"
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return f"OCR needs the Python package pypdfium2, which is not installed; {INSTALL_HINT}"
    cmd = tesseract_cmd()
    exe = shutil.which(cmd)
    if exe is None:
        return f"OCR needs the tesseract program, which was not found ({cmd!r} not on PATH); {INSTALL_HINT}"
    langs = _languages(exe)
    if langs is not None and OCR_LANG not in langs:
        return (f"OCR needs tesseract's Vietnamese model, which is not installed; {INSTALL_HINT}")
    return None


_LANG_CACHE: dict[tuple[str, str], set[str] | None] = {}


def _languages(exe: str) -> set[str] | None:
    key = (exe, os.environ.get("TESSDATA_PREFIX", ""))
    if key not in _LANG_CACHE:
        import subprocess

        try:
            out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
            _LANG_CACHE[key] = {l.strip() for l in (out.stdout + out.stderr).splitlines()[1:] if l.strip()}
        except (OSError, subprocess.SubprocessError):
            _LANG_CACHE[key] = None
    return _LANG_CACHE[key]


def require_ocr() -> None:
    reason = unavailable_reason()
    if reason:
        raise OcrUnavailable(reason)


# ---------------------------------------------------------------------------------------------
# OCR

def ink_only(image):
    """The red channel of a page image: red seals and signatures, stamped over the signer's
    title and name on every Vietnamese official document, turn almost white, while black
    (and blue) print stays dark. Plain grayscale lets the seal hide that text from OCR."""
    if image.mode in ("RGB", "RGBA", "RGBX", "BGRA", "BGRX"):
        return image.convert("RGB").getchannel("R")
    return image.convert("L")


def render_dpi(native_dpi: float | None) -> int:
    """The page's scan resolution, kept between 200 and 300 dpi: upsampling a 150-dpi scan
    to 300 only adds interpolation artefacts (and doubles the OCR time), and below 200 dpi
    small print gets too few pixels."""
    if os.environ.get("INGEST_OCR_DPI"):
        return int(os.environ["INGEST_OCR_DPI"])
    if not native_dpi:
        return DEFAULT_DPI
    return int(min(DEFAULT_DPI, max(MIN_DPI, round(native_dpi))))


def ocr_pdf_page(path: Path, page_index: int, native_dpi: float | None = None,
                 time_limit: float | None = None) -> list[str]:
    """Text lines of page `page_index` (0-based) of the PDF at `path`, read by tesseract,
    which is killed after INGEST_OCR_TIMEOUT seconds, or `time_limit` if shorter (raises
    OcrTimeout)."""
    require_ocr()
    import pypdfium2 as pdfium
    import pytesseract

    os.environ["OMP_THREAD_LIMIT"] = "1"  # tesseract's OpenMP threads: one per worker process
    dpi = render_dpi(native_dpi)
    timeout = float(os.environ.get("INGEST_OCR_TIMEOUT", DEFAULT_PAGE_TIMEOUT_S))
    if time_limit is not None:
        timeout = max(min(timeout, time_limit), 0.01)  # 0 would mean no limit to pytesseract
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[page_index]
        try:
            image = ink_only(page.render(scale=dpi / 72).to_pil())
        finally:
            page.close()
    finally:
        pdf.close()
    pytesseract.pytesseract.tesseract_cmd = tesseract_cmd()
    try:
        text = pytesseract.image_to_string(image, lang=OCR_LANG, config="--psm 3", timeout=timeout)
    except RuntimeError as exc:  # pytesseract raises RuntimeError on its timeout, having killed tesseract
        raise OcrTimeout(f"OCR of page {page_index + 1} took longer than {timeout:.1f}s", timeout) from exc
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable(f"OCR needs the tesseract program; {INSTALL_HINT}") from exc
    except pytesseract.TesseractError as exc:
        raise OcrFailed(f"tesseract failed on page {page_index + 1}: {exc.message or exc}") from exc
    finally:
        image.close()
    return clean_ocr_text(text)


# ---------------------------------------------------------------------------------------------
# Light clean-up of OCR output (generic OCR confusions, nothing document-specific)

_NOISE_LINE_RE = re.compile(r"^[\W_]*$")  # "——————", "„", "|"
# "ngàyl6", "ngày1l6", "ngày O9": l/I/| for 1 and O/o for 0 next to digits, glued to the word.
_DATE_WORD_RE = re.compile(r"\b(ngày|tháng|năm)\s*([0-9lI|Oo]{1,5})(?=\s|$|[,.;)])")
# "2605 /QĐ-BGDĐT", "2605/ QĐ": spaces around the slash of a số/ký hiệu.
_NUMBER_SLASH_RE = re.compile(r"(?<=\d)\s+/\s*(?=[A-ZĐ\d])|(?<=\d)/\s+(?=[A-ZĐ])")
# "973⁄/QĐ": fraction slash and doubled slashes.
_SLASH_RE = re.compile(r"[⁄∕]/?|//")
# "Hà Nội. ngày 16 tháng": a comma read as a period before a date.
_PLACE_DATE_RE = re.compile(r"(\w)\s*[.;]\s+(ngày\s+\d)")
# "tháng I0năm 2025": a date word glued to the number before it.
_GLUED_DATE_WORD_RE = re.compile(r"(?<=[0-9lI|O])(?=(?:tháng|năm)\b)")
# "tháng 9 nắm 2025": tone marks misread on "năm" right after a month.
_NAM_RE = re.compile(r"(?<=tháng\s)(\S{1,3}\s+)n[ắằẳẵặâấầẩẫậa]m\b")
# "Số2624/QĐ", "Số; 2624": the colon of "Số:" lost or misread, at the start of a line.
_SO_RE = re.compile(r"^Số\s*[:;.,]?\s*(?=\d{1,5}\s*/)")
# "ĐÀO TẠO _ CỘNG HÒA": lone underscores and bars from table rules and column gaps.
_LONE_MARK_RE = re.compile(r"(?<!\S)[_|]+(?!\S)")


def _digits(token: str) -> str:
    return token.translate(str.maketrans({"l": "1", "I": "1", "|": "1", "O": "0", "o": "0"}))


def clean_line(line: str) -> str:
    from .textnorm import normalize

    line = normalize(" ".join(line.split()))
    line = " ".join(_LONE_MARK_RE.sub(" ", line).split())
    line = _SLASH_RE.sub("/", line)
    line = _SO_RE.sub("Số: ", line)
    line = _GLUED_DATE_WORD_RE.sub(" ", line)

    def date_word(m: re.Match) -> str:
        token = m.group(2)
        if not any(c.isdigit() for c in token):
            return m.group(0)
        digits = _digits(token)
        if not digits.isdigit():
            return m.group(0)
        if m.group(1) == "ngày" and len(digits) == 3 and digits[0] == "1" and int(digits[1:]) <= 31:
            digits = digits[1:]  # "ngày1l6": the "1" of the day read twice
        return f"{m.group(1)} {digits}"

    line = _DATE_WORD_RE.sub(date_word, line)
    line = _NAM_RE.sub(r"\1năm", line)
    line = _NUMBER_SLASH_RE.sub("/", line)
    line = _PLACE_DATE_RE.sub(r"\1, \2", line)
    return line.strip()


def clean_ocr_text(text: str) -> list[str]:
    lines = []
    for raw in text.splitlines():
        line = clean_line(raw)
        if line and not _NOISE_LINE_RE.match(line):
            lines.append(line)
    return lines
