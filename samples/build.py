#!/usr/bin/env python3
"""Check the invented sample documents in samples/ and render them into corpus/.

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

Rendering is in samples/render.py.

Usage: python samples/build.py
"""

from __future__ import annotations

import re
import shutil
import sys
import tomllib
import unicodedata
from datetime import date
from pathlib import Path

from render import RUNNING_HEADER, Para, render_docx, render_pdf, scan_pdf

SAMPLES = Path(__file__).resolve().parent
ROOT = SAMPLES.parent
CORPUS = ROOT / "corpus"

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
                data, pages = scan_pdf(render_pdf(paras, cfg["meta"], out.name)[0], cfg["scan_dpi"],
                                       cfg["meta"])
                out.write_bytes(data)
                info = f" ({pages} page(s), image only, {cfg['scan_dpi']} dpi)"
            elif fmt == "pdf":
                data, pages = render_pdf(paras, cfg["meta"], out.name)
                out.write_bytes(data)
                info = f" ({pages} pages)"
            else:
                render_docx(paras, cfg["meta"], out)
                info = f" ({len(paras)} paragraphs)"
        print(f"{out.relative_to(ROOT)}{info}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
