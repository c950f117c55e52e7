#!/usr/bin/env python3
"""Render the invented sample documents in samples/ into corpus/.

Each document has two sources:

* ``samples/<stem>.txt``  - the full document text, one paragraph per line,
  UTF-8 NFC, exactly as it should read;
* ``samples/<stem>.toml`` - ``file`` (output name), ``format`` (pdf | docx |
  txt), a ``[meta]`` table (doc_type, number, issuer, place, issued, title,
  signer) and ``outline``: the unit paths a reader would list, outermost first
  ("Quy định › Chương II › Điều 4 › Khoản 1 › Điểm a"). Optional keys:
  ``header = "table"`` (DOCX: the issuer and the motto side by side in a
  borderless two-column table) and ``scan_dpi`` (PDF: write page images only,
  no text layer, as a scanner does).

In the .txt, the document may go on after the signer's name with attached
parts ("QUY ĐỊNH", "PHỤ LỤC I", …), each opening with its own centred title
and a "(Ban hành kèm theo …)" line; a line "| a | b | c |" is a table row
(consecutive rows form one ruled table, the first row is the heading).

Output goes to ``corpus/<stem>.<format>``:

* PDF  - fpdf2, A4, DejaVu Serif 12 pt, wrapped paragraphs; every page has the
  running header ``VĂN BẢN MẪU – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ`` and the footer
  ``Trang N``; with ``scan_dpi`` the pages are rendered with pypdfium2 to
  greyscale images and saved by Pillow as an image-only PDF;
* DOCX - python-docx, one paragraph per line of the .txt (table rows and the
  header block as tables);
* TXT  - a byte copy of the .txt.

The output is deterministic: fixed PDF creation date, fixed DOCX core
properties and fixed ZIP entry timestamps, so re-running gives byte-identical
files. Before rendering, the metadata in the .toml is checked against the text.

Usage: python samples/build.py
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import tomllib
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
import pypdfium2
from fpdf import FPDF
from PIL import Image

SAMPLES = Path(__file__).resolve().parent
ROOT = SAMPLES.parent
CORPUS = ROOT / "corpus"

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "": "DejaVuSerif.ttf",
    "B": "DejaVuSerif-Bold.ttf",
    "I": "DejaVuSerif-Italic.ttf",
    "BI": "DejaVuSerif-BoldItalic.ttf",
}
FONT = "DejaVuSerif"

RUNNING_HEADER = "VĂN BẢN MẪU – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
FIXED_DATE = datetime(2024, 1, 1, tzinfo=timezone.utc)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

BODY_START = re.compile(r"^(Căn cứ|Thực hiện|Kính gửi)")
DATE_LINE = re.compile(r"^(?P<place>[^,]+), ngày (?P<d>\d{1,2}) tháng (?P<m>\d{1,2}) năm (?P<y>\d{4})$")
ARTICLE = re.compile(r"^(Điều \d+\.)( .*)$")
CHAPTER = re.compile(r"^Chương [IVXLC]+$")
ROMAN = re.compile(r"^[IVXLC]+\. ")
CLAUSE = re.compile(r"^\d+\. ")
SUBCLAUSE = re.compile(r"^\d+\.\d+\. ")
ATTACHMENT = re.compile(r"^(QUY ĐỊNH|QUY CHẾ|PHỤ LỤC(?: [IVXLC]+)?)$")
TABLE_ROW = re.compile(r"^\| .* \|$")
TERMINAL = (".", ";", ":", "./.")
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


@dataclass
class Para:
    text: str
    align: str = "J"         # L | C | J
    bold: bool = False
    italic: bool = False
    size: float = 12
    bold_prefix: str = ""    # bold lead-in (e.g. "Điều 3."), rest regular
    space_after: float = 1.5  # mm
    space_before: float = 0
    sign: bool = False       # signature block: centred in the right half
    column: str = ""         # L | R: cell of the two-column header table (DOCX)
    cells: tuple[str, ...] = ()  # a table row
    page_break: bool = False  # starts a new page (an attached Quy định or Phụ lục)


def body_start(lines: list[str]) -> int:
    """Index of the first body line (the header block ends before it).

    Body lines open with "Căn cứ", "Thực hiện" or "Kính gửi" and end with
    punctuation; title lines (which may also open with "Thực hiện") do not.
    """
    return next(i for i, ln in enumerate(lines)
                if BODY_START.match(ln) and ln.endswith(TERMINAL))


def is_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def layout(lines: list[str], cfg: dict) -> list[Para]:
    """Give each line of the text a visual style (no text is changed)."""
    meta = cfg["meta"]
    doc_type_line = meta["doc_type"].upper()
    body_at = body_start(lines)
    paras: list[Para] = []

    in_title = False
    for ln in lines[:body_at]:
        p = Para(ln, align="C", space_after=0.5)
        if ln.startswith("VĂN BẢN MẪU"):
            p.bold, p.size, p.space_after = True, 11, 4
        elif ln == doc_type_line:
            p.bold, p.size, p.space_before = True, 14, 5
            in_title = True
        elif ln.startswith("Số:"):
            p.space_before = 2
        elif DATE_LINE.match(ln):
            p.italic = True
        elif ln.startswith("V/v "):
            p.space_before = 1
        elif is_upper(ln):
            p.bold = True
            if in_title:          # authority line after the title
                in_title = False
                p.space_before = 4
        elif ln == MOTTO:
            p.bold = True
        elif in_title:
            p.bold = True
        paras.append(p)
    paras[-1].space_after = 5
    if cfg.get("header") == "table":
        mark_header_columns(paras)

    state = "body"       # body | recipients | sign | annex-head | annex
    prev_chapter = False
    for ln in lines[body_at:]:
        if state == "body" and ln == "Nơi nhận:":
            state = "recipients"
            paras.append(Para(ln, align="L", bold=True, italic=True, size=11,
                              space_before=6, space_after=0.5))
            continue
        if state == "recipients":
            if ln.startswith("- "):
                paras.append(Para(ln, align="L", size=10, space_after=0))
                continue
            state = "sign"
        if state == "sign":
            p = Para(ln, align="C", bold=True, sign=True, space_after=0.5)
            if not is_upper(ln):          # the signer's name
                p.space_before = 12
                state = "annex"
            if paras[-1].sign is False:
                p.space_before = 6
            paras.append(p)
            continue
        if state.startswith("annex") and ATTACHMENT.match(ln):
            # an attached Quy định or Phụ lục starts on a new page
            paras.append(Para(ln, align="C", bold=True, size=13, space_after=0.5, page_break=True))
            state = "annex-head"
            continue
        if state == "annex-head":
            if ln.startswith("(") or paras[-1].italic:      # "(Ban hành kèm theo …)"
                paras.append(Para(ln, align="C", italic=True, space_after=0.5))
                if ln.endswith(")"):
                    paras[-1].space_after = 5
                    state = "annex"
            else:                                            # title of the part
                paras.append(Para(ln, align="C", bold=True, space_after=0.5))
            continue
        if state == "annex":
            if TABLE_ROW.match(ln):
                paras.append(Para(ln, cells=tuple(c.strip() for c in ln[1:-1].split("|"))))
                continue
            if ln.startswith("……, ngày"):                   # a form's place and date
                paras.append(Para(ln, align="C", italic=True, space_before=3, space_after=0.5))
                continue
            if ln == MOTTO or (is_upper(ln) and not CHAPTER.match(ln) and not prev_chapter):
                paras.append(Para(ln, align="C", bold=True, space_after=0.5))
                continue
            if ln.startswith("(") and ln.endswith(")"):
                paras.append(Para(ln, align="C", italic=True))
                continue

        p = Para(ln)
        if ln.startswith("Kính gửi"):
            p.align, p.space_before, p.space_after = "C", 2, 4
        elif is_upper(ln) and ln.endswith(":"):        # QUYẾT ĐỊNH: / QUYẾT NGHỊ:
            p.align, p.bold, p.space_before, p.space_after = "C", True, 3, 3
        elif CHAPTER.match(ln):
            p.align, p.bold, p.space_before, p.space_after = "C", True, 3, 0.5
        elif prev_chapter and is_upper(ln):             # chapter title
            p.align, p.bold, p.space_after = "C", True, 3
        elif (m := ARTICLE.match(ln)):
            if ln.endswith(TERMINAL):
                p.bold_prefix, p.text = m.group(1), m.group(2)
            else:
                p.bold = True
        elif ROMAN.match(ln):
            p.bold = True
        elif ((CLAUSE.match(ln) or SUBCLAUSE.match(ln)) and not ln.endswith(TERMINAL)
              and len(ln) <= 90 and "…" not in ln):            # a heading, not a form's blank
            p.bold = True
        elif ln.startswith("* "):                       # "* Nhiệm vụ cụ thể:" in a plan
            p.bold, p.italic = ln.endswith(":"), True
        elif not ln.endswith(TERMINAL):
            # paragraph continues on the next line (a hard line break inside a
            # sentence): no paragraph spacing
            p.space_after = 0
        prev_chapter = bool(CHAPTER.match(ln))
        paras.append(p)
    return paras


def mark_header_columns(paras: list[Para]) -> None:
    """Issuer and "Số:" go to the left cell, the motto and the place-date line to the right."""
    right = False
    for p in paras[1:]:
        right = right or p.text == NATIONAL
        p.column = "R" if right else "L"
        if DATE_LINE.match(p.text):
            return
    raise SystemExit("header = 'table' but no date line in the header")


def signer_index(lines: list[str]) -> int:
    """Index of the signer's name: after "Nơi nhận:", its "- " list and the capitalised titles."""
    i = lines.index("Nơi nhận:") + 1
    while lines[i].startswith("- "):
        i += 1
    while is_upper(lines[i]):
        i += 1
    return i


# --------------------------------------------------------------------------
# consistency checks between .toml and .txt


def check(stem: str, cfg: dict, lines: list[str]) -> None:
    meta = cfg["meta"]
    fmt = cfg["format"]
    errors = []
    if fmt not in ("pdf", "docx", "txt"):
        errors.append(f"unknown format {fmt!r}")
    if cfg["file"] != f"{stem}.{fmt}":
        errors.append(f"file {cfg['file']!r} != {stem}.{fmt}")
    for key in ("doc_type", "number", "issuer", "place", "issued", "title", "signer"):
        if not meta.get(key):
            errors.append(f"missing meta.{key}")
    if not lines[0].startswith("VĂN BẢN MẪU") or lines[0] == RUNNING_HEADER:
        errors.append("first line must be a 'VĂN BẢN MẪU' marker distinct from the running header")
    if f"Số: {meta['number']}" not in lines:
        errors.append(f"no line 'Số: {meta['number']}'")
    dates = [m for ln in lines[:12] if (m := DATE_LINE.match(ln))]
    if not dates:
        errors.append("no date line")
    else:
        m = dates[0]
        if m["place"] != meta["place"]:
            errors.append(f"place {m['place']!r} != {meta['place']!r}")
        iso = date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
        if iso != meta["issued"]:
            errors.append(f"issued {iso} != {meta['issued']}")
    body_at = body_start(lines)
    header = lines[:body_at]
    if meta["doc_type"].upper() in header:
        i = header.index(meta["doc_type"].upper()) + 1
        title = []
        while i < len(header) and not is_upper(header[i]):
            title.append(header[i])
            i += 1
        printed = " ".join(" ".join(title).split())
    else:
        vv = [ln for ln in header if ln.startswith("V/v ")]
        printed = vv[0][4:5].upper() + vv[0][5:] if vv else ""
    if printed != meta["title"]:
        errors.append(f"title mismatch:\n  printed {printed!r}\n  toml    {meta['title']!r}")
    signer_at = signer_index(lines)
    if lines[signer_at] != meta["signer"]:
        errors.append(f"signer line {lines[signer_at]!r} != signer {meta['signer']!r}")
    if signer_at + 1 < len(lines) and not ATTACHMENT.match(lines[signer_at + 1]):
        errors.append(f"after the signer: {lines[signer_at + 1]!r} is not an attached part")
    outline = cfg.get("outline")
    if not outline or not isinstance(outline, list) or not all(isinstance(u, str) and u for u in outline):
        errors.append("outline must be a non-empty list of unit paths")
    elif len(set(outline)) != len(outline):
        errors.append("outline lists a unit twice")
    if cfg.get("header", "table") != "table" or ("header" in cfg and fmt != "docx"):
        errors.append("header = 'table' is for docx only")
    if "scan_dpi" in cfg and (fmt != "pdf" or not 150 <= cfg["scan_dpi"] <= 300):
        errors.append("scan_dpi is for pdf only, 150-300")
    for bad in ("**", "__", "--", "~~"):   # would be read as fpdf2 markdown
        if any(bad in ln for ln in lines):
            errors.append(f"text contains {bad!r}")
    if errors:
        raise SystemExit(f"{stem}: " + "\n".join(errors))


# --------------------------------------------------------------------------
# PDF


class SamplePDF(FPDF):
    def header(self) -> None:
        self.set_font(FONT, "I", 9)
        self.set_xy(self.l_margin, 12)
        self.cell(0, 5, RUNNING_HEADER, align="C")
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_font(FONT, "", 9)
        self.set_y(-15)
        self.cell(0, 5, f"Trang {self.page_no()}", align="C")


def render_pdf(paras: list[Para], meta: dict, name: str) -> bytes:
    pdf = SamplePDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(left=30, top=23, right=15)
    pdf.set_auto_page_break(True, margin=21)
    for style, font_file in FONT_FILES.items():
        pdf.add_font(FONT, style, str(FONT_DIR / font_file))
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(f"{meta['doc_type']} {meta['number']} (VĂN BẢN MẪU)")
    pdf.set_subject(meta["title"])
    pdf.set_author(meta["issuer"])
    pdf.set_creator("samples/build.py")
    pdf.set_lang("vi")
    pdf.add_page()

    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    sign_height = sum(p.space_before + p.size * 0.48 + p.space_after for p in paras if p.sign)
    i = 0
    while i < len(paras):
        p = paras[i]
        if p.cells:
            n = next((k for k, q in enumerate(paras[i:]) if not q.cells), len(paras) - i)
            pdf_table(pdf, [q.cells for q in paras[i:i + n]])
            i += n
            continue
        if p.page_break:
            pdf.add_page()
        if p.sign and not paras[i - 1].sign:
            # keep the signature block on one page
            if pdf.get_y() + sign_height > pdf.page_break_trigger:
                pdf.add_page()
        if p.space_before:
            pdf.ln(p.space_before)
        if p.bold and not p.sign and pdf.get_y() + 3 * p.size * 0.48 > pdf.page_break_trigger:
            pdf.add_page()        # keep a heading with the lines that follow it
        style = ("B" if p.bold else "") + ("I" if p.italic else "")
        pdf.set_font(FONT, style, p.size)
        h = p.size * 0.48
        if p.align == "C" and pdf.get_string_width(p.text) > (half if p.sign else 2 * half):
            raise SystemExit(f"{name}: centred line too long, would wrap: {p.text!r}")
        if p.sign:
            pdf.set_x(pdf.l_margin + half)
            pdf.multi_cell(half, h, p.text, align="C", new_x="LMARGIN", new_y="NEXT")
        elif p.bold_prefix:
            pdf.multi_cell(0, h, f"**{p.bold_prefix}**{p.text}", align=p.align,
                           markdown=True, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(0, h, p.text, align=p.align, new_x="LMARGIN", new_y="NEXT")
        if p.space_after:
            pdf.ln(p.space_after)
        i += 1
    if not 1 <= pdf.pages_count <= 6:
        raise SystemExit(f"{name}: {pdf.pages_count} pages, expected 1-6")
    return bytes(pdf.output())


def pdf_table(pdf: FPDF, rows: list[tuple[str, ...]]) -> None:
    """A ruled table, full text width; a narrow first column (STT), the widest second."""
    widths = {2: (1, 3), 3: (1, 8, 3), 4: (1, 6, 3, 3)}.get(len(rows[0]))
    if widths is None or any(len(r) != len(rows[0]) for r in rows):
        raise SystemExit(f"table rows must all have 2-4 cells: {rows[0]!r}")
    aligns = ("CENTER", "LEFT") + ("CENTER",) * (len(rows[0]) - 2)
    pdf.set_font(FONT, "", 11)
    with pdf.table(col_widths=widths, text_align=aligns, line_height=5.5, padding=1.2,
                   first_row_as_headings=True) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(4)


def scan_pdf(pdf_bytes: bytes, dpi: int, meta: dict) -> tuple[bytes, int]:
    """Page images only, as a scanner writes them: greyscale JPEG pages, no text layer."""
    source = pypdfium2.PdfDocument(pdf_bytes)
    pages = [source[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
             for i in range(len(source))]
    source.close()
    buf = io.BytesIO()
    stamp = FIXED_DATE.timetuple()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=80,
                  title="VĂN BẢN MẪU – bản quét", author=meta["issuer"], creator="samples/build.py",
                  producer="samples/build.py", creationDate=stamp, modDate=stamp)
    return buf.getvalue(), len(pages)


# --------------------------------------------------------------------------
# DOCX


def deterministic_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return buf.getvalue()


def render_docx(paras: list[Para], meta: dict, out: Path) -> None:
    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    normal = d.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)

    cp = d.core_properties
    cp.title = f"{meta['doc_type']} {meta['number']} (VĂN BẢN MẪU)"
    cp.subject = meta["title"]
    cp.author = meta["issuer"]
    cp.last_modified_by = "samples/build.py"
    cp.comments = "VĂN BẢN MẪU – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
    cp.keywords = ""
    cp.revision = 1
    cp.created = cp.modified = FIXED_DATE.replace(tzinfo=None)
    cp.last_printed = FIXED_DATE.replace(tzinfo=None)

    align = {"L": WD_ALIGN_PARAGRAPH.LEFT, "C": WD_ALIGN_PARAGRAPH.CENTER,
             "J": WD_ALIGN_PARAGRAPH.JUSTIFY}
    i = 0
    while i < len(paras):
        p = paras[i]
        if p.column or p.cells:
            n = next((k for k, q in enumerate(paras[i:]) if not (q.column if p.column else q.cells)),
                     len(paras) - i)
            if p.column:
                header_table(d, paras[i:i + n], align)
            else:
                grid_table(d, [q.cells for q in paras[i:i + n]])
            i += n
            continue
        docx_paragraph(d.add_paragraph(), p, align)
        i += 1
    buf = io.BytesIO()
    d.save(buf)
    out.write_bytes(deterministic_zip(buf.getvalue()))


def docx_paragraph(para, p: Para, align: dict) -> None:
    para.alignment = align[p.align]
    fmt = para.paragraph_format
    fmt.space_after = Pt(p.space_after * 2.835)
    fmt.space_before = Pt(p.space_before * 2.835)
    if p.page_break:
        fmt.page_break_before = True
    if p.sign:
        fmt.left_indent = Mm(80)
    size = Pt(p.size + 1)
    if p.bold_prefix:
        r = para.add_run(p.bold_prefix)
        r.bold, r.font.size = True, size
    r = para.add_run(p.text)
    r.bold, r.italic, r.font.size = p.bold, p.italic, size


def header_table(d, paras: list[Para], align: dict) -> None:
    """The header block as Word templates lay it out: a borderless 1 x 2 table, issuer and
    số/ký hiệu on the left, the national motto and the place-date line on the right."""
    table = d.add_table(rows=1, cols=2)       # the default table style has no borders
    table.autofit = False
    for column, cell, side, width in zip(table.columns, table.rows[0].cells, "LR", (Mm(70), Mm(95))):
        column.width = cell.width = width
        lines = [p for p in paras if p.column == side]
        docx_paragraph(cell.paragraphs[0], lines[0], align)
        for p in lines[1:]:
            docx_paragraph(cell.add_paragraph(), p, align)


def grid_table(d, rows: list[tuple[str, ...]]) -> None:
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            run = table.cell(r, c).paragraphs[0].add_run(text)
            run.bold = r == 0


# --------------------------------------------------------------------------


def main() -> int:
    CORPUS.mkdir(exist_ok=True)
    sources = sorted(SAMPLES.glob("*.toml"))
    if not sources:
        print("no samples found", file=sys.stderr)
        return 1
    for toml_path in sources:
        stem = toml_path.stem
        cfg = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        txt_path = SAMPLES / f"{stem}.txt"
        raw = txt_path.read_text(encoding="utf-8")
        if unicodedata.normalize("NFC", raw) != raw:
            raise SystemExit(f"{txt_path.name}: not NFC")
        if not raw.endswith("\n") or "\r" in raw or "\t" in raw:
            raise SystemExit(f"{txt_path.name}: use LF line ends, final newline, no tabs")
        lines = raw.rstrip("\n").split("\n")
        if any(not ln.strip() or ln != ln.strip() for ln in lines):
            raise SystemExit(f"{txt_path.name}: blank line or stray whitespace")
        check(stem, cfg, lines)

        out = CORPUS / cfg["file"]
        fmt = cfg["format"]
        if fmt == "txt":
            shutil.copyfile(txt_path, out)
            info = ""
        else:
            paras = layout(lines, cfg)
            if fmt == "pdf" and "scan_dpi" in cfg:
                data, pages = scan_pdf(render_pdf(paras, cfg["meta"], out.name), cfg["scan_dpi"], cfg["meta"])
                out.write_bytes(data)
                info = f" ({pages} page(s), image only, {cfg['scan_dpi']} dpi)"
            elif fmt == "pdf":
                data = render_pdf(paras, cfg["meta"], out.name)
                out.write_bytes(data)
                info = f" ({len(pypdfium2.PdfDocument(data))} pages)"
            else:
                render_docx(paras, cfg["meta"], out)
                info = f" ({len(paras)} paragraphs)"
        print(f"{out.relative_to(ROOT)}{info}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
