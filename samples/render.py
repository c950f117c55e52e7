"""Render a laid-out sample (a list of Para) as PDF, image-only PDF or DOCX, byte-deterministically."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import docx
import pypdfium2
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from fpdf import FPDF

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


@dataclass
class Para:
    """One line of the .txt with its visual style."""

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


def render_pdf(paras: list[Para], meta: dict, name: str) -> tuple[bytes, int]:
    """The PDF and its number of pages; `name` is for error messages."""
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
    return bytes(pdf.output()), pdf.pages_count


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
