"""Tables as text lines: a data table's rows one line each with their column names, and which
tables only lay out a header or signature block."""

from __future__ import annotations

import re

from .textnorm import normalize

LAYOUT_LINE_RE = re.compile(r"^(CỘNG HÒA XÃ HỘI CHỦ NGHĨA|Số\s*:|Nơi nhận)")
SIGNATURE_FORM_RE = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s")  # "TM. ỦY BAN NHÂN DÂN", "Q. GIÁM ĐỐC"


def is_layout_table(rows: list[list[str]]) -> bool:
    """A table used to lay out the header block or the signature block, not to hold data: it
    holds the national motto, "Số:", "Nơi nhận" or a signature form, or is a single row or
    column."""
    if len(rows) < 2 or max((len(row) for row in rows), default=0) < 2:
        return True
    lines = (line.strip() for row in rows for cell in row for line in normalize(cell or "").splitlines())
    return any(
        LAYOUT_LINE_RE.match(line) or (SIGNATURE_FORM_RE.match(line) and line.isupper()) for line in lines
    )


def table_rows_as_lines(rows: list[list[str]]) -> list[str]:
    """One line per row of a data table, each cell prefixed with its column's header:
    [["Ngành, nghề", "Mức ưu tiên"], ["Chế biến gạo đặc sản", "Ưu tiên 1"]] →
    ["Ngành, nghề: Chế biến gạo đặc sản; Mức ưu tiên: Ưu tiên 1"]. Without a header naming
    every column, cells are joined by " | " (the first row included). A row of one value (a
    group heading spanning the table) stays as it is."""
    rows = [[" ".join((cell or "").split()) for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    header = rows[0]
    named = len(rows) > 1 and all(header) and len(set(header)) == len(header)
    lines = []
    for row in rows[1:] if named else rows:
        values = [cell for cell in row if cell]
        if len(set(values)) == 1:
            lines.append(values[0])
        elif named and len(row) <= len(header):
            lines.append("; ".join(f"{name}: {cell}" for name, cell in zip(header, row) if cell))
        else:
            lines.append(" | ".join(values))
    return lines
