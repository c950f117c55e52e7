"""PDFs built from code for the hardening tests: text, image-only, legacy-font, broken."""

from __future__ import annotations

import io
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def text_pdf(lines: list[str], path: Path | None = None, pages: int = 1) -> bytes:
    """A text-layer PDF; Vietnamese needs a Unicode TTF font (DejaVu), else Latin-1 text only."""
    from fpdf import FPDF

    pdf = FPDF()
    if FONT.exists():
        pdf.add_font("dv", fname=str(FONT))
        pdf.set_font("dv", size=12)
    else:
        pdf.set_font("helvetica", size=12)
    for _ in range(pages):
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    data = bytes(pdf.output())
    if path:
        path.write_bytes(data)
    return data


def text_image(lines: list[str], width: int = 1240, height: int = 1754, size: int = 30):
    """A page image (150 dpi A4) with `lines` drawn in black on white, for OCR."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), size) if FONT.exists() else ImageFont.load_default()
    y = 120
    for line in lines:
        draw.text((110, y), line, fill=0, font=font)
        y += int(size * 1.6)
    return image


def image_pdf(lines: list[str], path: Path | None = None, hidden_text: str = "") -> bytes:
    """An image-only page (a scan), optionally with an invisible text layer `hidden_text`
    written in a core font, which is how legacy TCVN3/VNI text layers come out."""
    from fpdf import FPDF

    buffer = io.BytesIO()
    text_image(lines).save(buffer, format="PNG")
    buffer.seek(0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buffer, x=0, y=0, w=210, h=297)
    if hidden_text:
        pdf.set_font("helvetica", size=10)
        pdf.text_mode = "INVISIBLE"
        y = 20
        for line in hidden_text.splitlines():
            pdf.text(15, y, line)
            y += 6
    data = bytes(pdf.output())
    if path:
        path.write_bytes(data)
    return data


def encrypted_pdf(lines: list[str], path: Path, user_password: str = "bi-mat") -> None:
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.set_encryption(owner_password="chu-so-huu", user_password=user_password,
                       encryption_method=EncryptionMethod.RC4)
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path.write_bytes(bytes(pdf.output()))


def many_pages_pdf(path: Path, count: int) -> None:
    """A valid PDF of `count` empty pages, written directly (fpdf2 would take minutes):
    a page tree of `count` leaves sharing one empty content stream."""
    out = io.BytesIO()
    offsets: list[int] = []

    def obj(number: int, body: bytes) -> None:
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    out.write(b"%PDF-1.4\n")
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(2, b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count)
    obj(3, b"<< /Length 0 >>\nstream\n\nendstream")
    for i in range(count):
        obj(first_page + i, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>")
    xref = out.tell()
    total = first_page + count
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % total)
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (total, xref))
    path.write_bytes(out.getvalue())
