"""Tables as text: data rows one line each with their column names; DOCX read in document order
so a header block laid out in a table comes first; ruled PDF tables."""

import pytest

from ingest.extract import extract
from ingest.metadata import read_metadata
from ingest.tables import is_layout_table, table_rows_as_lines

from .pdf_factory import FONT

ROWS = [
    # (name, rows, lines)
    ("header names each cell",
     [["STT", "Ngành, nghề", "Mức ưu tiên"], ["1", "Chế biến gạo đặc sản", "Ưu tiên 1"],
      ["2", "Nuôi tôm mẫu", "Ưu tiên 2"]],
     ["STT: 1; Ngành, nghề: Chế biến gạo đặc sản; Mức ưu tiên: Ưu tiên 1",
      "STT: 2; Ngành, nghề: Nuôi tôm mẫu; Mức ưu tiên: Ưu tiên 2"]),
    ("empty cells and wrapped text",
     [["Nội dung", "Kinh phí\n(triệu đồng)", "Ghi chú"], ["Hỗ trợ ISO\n9001", "60", ""]],
     ["Nội dung: Hỗ trợ ISO 9001; Kinh phí (triệu đồng): 60"]),
    ("a group row spanning the table stays as it is",
     [["STT", "Nhiệm vụ"], ["I", "I"], ["Nông nghiệp", "Nông nghiệp"], ["1", "Mẫu nhiệm vụ"]],
     ["I", "Nông nghiệp", "STT: 1; Nhiệm vụ: Mẫu nhiệm vụ"]),
    ("no header: cells joined",
     [["", "Năm 2025", "Năm 2026"], ["Doanh nghiệp", "10", "12"]],
     ["Năm 2025 | Năm 2026", "Doanh nghiệp | 10 | 12"]),
    ("merged cells read as None (pdfplumber)",
     [["Chỉ tiêu", "Đơn vị", "Giá trị"], ["Năng suất", None, "5%"]],
     ["Chỉ tiêu: Năng suất; Giá trị: 5%"]),
    ("blank rows dropped", [["A", "B"], ["", ""], ["x", "y"]], ["A: x; B: y"]),
    ("nothing", [], []),
]


@pytest.mark.parametrize("name,rows,lines", ROWS, ids=[r[0] for r in ROWS])
def test_table_rows_as_lines(name, rows, lines):
    assert table_rows_as_lines(rows) == lines


LAYOUTS = [
    ([["ỦY BAN NHÂN DÂN\nTỈNH MẪU SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"],
      ["Số: 9012/NQ-HĐND", "Mẫu Sơn, ngày 10 tháng 12 năm 2024"]], True),
    ([["Nơi nhận:\n- Như Điều 3;", "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"], ["", ""]], True),
    ([["Một khung chữ"]], True),
    ([["Ngành", "Mức"], ["Q. 1 (quận)", "Ưu tiên 1"]], False),
    ([["STT", "Ngành, nghề"], ["1", "Chế biến gạo đặc sản"]], False),
]


@pytest.mark.parametrize("rows,layout", LAYOUTS)
def test_is_layout_table(rows, layout):
    assert is_layout_table(rows) is layout


def _borderless_table(document, rows):
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            paragraphs = text.split("\n")
            cell.text = paragraphs[0]
            for extra in paragraphs[1:]:
                cell.add_paragraph(extra)
    return table


def test_docx_header_table_read_first_and_data_table_as_rows(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("VĂN BẢN MẪU (nội dung hư cấu, chỉ dùng để thử nghiệm)")
    _borderless_table(document, [
        ["HỘI ĐỒNG NHÂN DÂN\nTỈNH MẪU SƠN\n-------", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"],
        ["Số: 9015/NQ-HĐND", "Mẫu Sơn, ngày 10 tháng 12 năm 2024"],
    ])
    for line in ["NGHỊ QUYẾT", "Quy định mẫu danh mục ngành nghề ưu tiên", "HỘI ĐỒNG NHÂN DÂN TỈNH MẪU SƠN",
                 "KHÓA XVII, KỲ HỌP THỨ 29", "Căn cứ Luật Tổ chức chính quyền địa phương;", "QUYẾT NGHỊ:",
                 "Điều 1. Danh mục ngành, nghề ưu tiên"]:
        document.add_paragraph(line)
    _borderless_table(document, [["STT", "Ngành, nghề", "Mức ưu tiên"], ["1", "Chế biến gạo đặc sản", "Ưu tiên 1"]])
    document.add_paragraph("Điều 2. Hiệu lực thi hành")
    _borderless_table(document, [["Nơi nhận:\n- Như Điều 2;", "CHỦ TỊCH\nHoàng Văn Mẫu"]])
    path = tmp_path / "nq-mau.docx"
    document.save(path)

    lines = extract(path).pages[0].lines
    assert lines[1:4] == ["HỘI ĐỒNG NHÂN DÂN", "TỈNH MẪU SƠN", "-------"]
    assert "STT: 1; Ngành, nghề: Chế biến gạo đặc sản; Mức ưu tiên: Ưu tiên 1" in lines
    assert lines.index("Điều 1. Danh mục ngành, nghề ưu tiên") < lines.index("Điều 2. Hiệu lực thi hành")
    meta = read_metadata(lines)
    assert (meta.doc_type, meta.number, meta.issuer, meta.place, meta.issued) == (
        "Nghị quyết", "9015/NQ-HĐND", "Hội đồng nhân dân tỉnh Mẫu Sơn", "Mẫu Sơn", "2024-12-10")
    assert meta.session == "Khóa XVII, Kỳ họp thứ 29"
    assert meta.signer == "Hoàng Văn Mẫu"


def test_docx_header_cells_with_line_breaks_are_read_line_by_line(tmp_path):
    """Word writes "ỦY BAN NHÂN DÂN" / "TỈNH MẪU SƠN" in one cell paragraph with line breaks
    (Shift+Enter) as often as in paragraphs of their own."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH MẪU SƠN\nSố: 9555/QĐ-UBND"  # one paragraph, two breaks
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nMẫu Sơn, ngày 10 tháng 9 năm 2026"
    for line in ["VĂN BẢN MẪU (nội dung hư cấu)", "QUYẾT ĐỊNH", "Ban hành Quy chế mẫu", "Điều 1. Ban hành Quy chế mẫu."]:
        document.add_paragraph(line)
    data = document.add_table(rows=2, cols=2)
    for c, (head, value) in enumerate([("STT", "1"), ("Lĩnh vực", "Nông nghiệp\ncông nghệ cao")]):
        data.cell(0, c).text, data.cell(1, c).text = head, value
    path = tmp_path / "qd-mau.docx"
    document.save(path)

    lines = extract(path).pages[0].lines
    assert lines[:3] == ["ỦY BAN NHÂN DÂN", "TỈNH MẪU SƠN", "Số: 9555/QĐ-UBND"]
    assert "STT: 1; Lĩnh vực: Nông nghiệp công nghệ cao" in lines and all("\n" not in line for line in lines)
    meta = read_metadata(lines)
    assert (meta.number, meta.issuer, meta.place, meta.issued) == (
        "9555/QĐ-UBND", "Ủy ban nhân dân tỉnh Mẫu Sơn", "Mẫu Sơn", "2026-09-10")


def test_ruled_pdf_table_rows_keep_their_cells_together(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    if not FONT.exists():
        pytest.skip(f"needs the DejaVu font at {FONT}")
    pdf.add_font("dv", fname=str(FONT))
    pdf.set_font("dv", size=11)
    pdf.cell(0, 8, "VĂN BẢN MẪU - Phụ lục mẫu", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "Danh mục ngành, nghề ưu tiên", new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(15, 90, 40), first_row_as_headings=False) as table:
        for row in [("STT", "Ngành, nghề", "Mức ưu tiên"), ("1", "Chế biến gạo đặc sản", "Ưu tiên 1"),
                    ("2", "Nuôi tôm mẫu", "Ưu tiên 2")]:
            cells = table.row()
            for text in row:
                cells.cell(text)
    pdf.cell(0, 8, "Ghi chú sau bảng.", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "phu-luc.pdf"
    pdf.output(str(path))

    lines = extract(path).pages[0].lines
    assert lines == [
        "VĂN BẢN MẪU - Phụ lục mẫu", "Danh mục ngành, nghề ưu tiên",
        "STT: 1; Ngành, nghề: Chế biến gạo đặc sản; Mức ưu tiên: Ưu tiên 1",
        "STT: 2; Ngành, nghề: Nuôi tôm mẫu; Mức ưu tiên: Ưu tiên 2", "Ghi chú sau bảng.",
    ]
