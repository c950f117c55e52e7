"""What to parse: the supported files of a corpus, hashed, grouped into documents (jobs).

A document's content hash covers its files, their metadata sidecars and the parser version:
the batch job parses again exactly the documents whose hash changed.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from .document import doc_id_for, group_key, part_order
from .extract import SUPPORTED_SUFFIXES



def _parser_fingerprint() -> str:
    """A digest of the library's code and data: any change to how a file becomes a document
    (extraction, structure, metadata, support measures, validity …) parses every document again,
    with no version number to forget to bump."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")) + sorted(Path(__file__).parent.glob("*.toml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


PARSER_VERSION = _parser_fingerprint()
SIDECAR_SUFFIX = ".meta.toml"


@dataclass
class SourceFile:
    relpath: str
    path: Path
    sha256: str = ""
    size: int = 0
    mtime_ns: int = 0
    error: str = ""
    duplicate_of: str = ""  # the file with the same content that is indexed instead
    lookalike_of: str = ""  # a file whose name differs from this one only by Unicode normalization


@dataclass
class DocJob:
    doc_id: str
    files: list[SourceFile]
    sidecars: list[Path]
    content_hash: str
    cache_dir: Path


def scan(corpus: Path, known: dict[str, dict]) -> list[SourceFile]:
    """Supported files under `corpus`, hashed; a file whose size and mtime are unchanged keeps
    its recorded hash."""
    found: list[SourceFile] = []
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(SUPPORTED_SUFFIXES):
                continue
            path = Path(dirpath) / name
            relpath = path.relative_to(corpus).as_posix()
            source = SourceFile(relpath, path)
            try:
                if path.is_symlink() and corpus.resolve() not in path.resolve().parents:
                    raise PermissionError("symbolic link pointing outside the corpus")
                st = path.stat()
                if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read forever
                    raise OSError("not a regular file (a pipe, socket or device)")
                source.size, source.mtime_ns = st.st_size, st.st_mtime_ns
                previous = known.get(relpath)
                if previous and previous["size"] == st.st_size and previous["mtime_ns"] == st.st_mtime_ns:
                    source.sha256 = previous["sha256"]
                else:
                    source.sha256 = sha256(path)
            except OSError as exc:
                source.error = f"cannot read file: {exc.strerror or exc}"
            found.append(source)
    return found


def plan_jobs(files: list[SourceFile], cache_dir: Path) -> dict[str, DocJob]:
    """One job per document, by doc_id: the parts of a multi-part document are one job."""
    mark_duplicates(files)
    mark_lookalikes(files)
    groups: dict[str, list[SourceFile]] = defaultdict(list)
    for f in files:
        key = group_key(f.relpath)
        if f.lookalike_of:  # its own document, not a part of the other's
            key += f" {_form(f.relpath)}"
        groups[key].append(f)
    jobs: dict[str, DocJob] = {}
    for key, members in groups.items():
        members.sort(key=lambda f: part_order(f.relpath))
        doc_id = doc_id_for(key)
        if doc_id in jobs:  # "văn bản.pdf" and "van-ban.pdf" share a slug: keep both documents
            doc_id = f"{doc_id}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
        digest = hashlib.sha256(f"parser {PARSER_VERSION}\n".encode())
        sidecars = []
        for f in members:
            digest.update(f"{f.relpath}\0{f.sha256}\0{f.error}\n".encode())
            sidecar = f.path.with_name(f.path.name + SIDECAR_SUFFIX)
            if sidecar.is_file():
                sidecars.append(sidecar)
                digest.update(sidecar.read_bytes())
        jobs[doc_id] = DocJob(doc_id, members, sidecars, digest.hexdigest(), cache_dir)
    return jobs


def mark_duplicates(files: list[SourceFile]) -> None:
    """A file with the same content as another (the same decision saved in two folders) is
    indexed once, under the first path in name order; the copy is reported, not indexed, so a
    search does not list the document twice."""
    first: dict[str, str] = {}
    for f in sorted(files, key=lambda f: (_nfc(f.relpath), _form(f.relpath) != "NFC", f.relpath)):
        if f.error or not f.sha256 or not f.size:
            continue
        if f.sha256 in first:
            f.duplicate_of = first[f.sha256]
            same_name = " and the same name in another Unicode normalization" if (
                _nfc(f.duplicate_of) == _nfc(f.relpath)) else ""
            f.error = f"duplicate of {f.duplicate_of} (identical content{same_name}), which is indexed instead"
        else:
            first[f.sha256] = f.relpath


def mark_lookalikes(files: list[SourceFile]) -> None:
    """Names that differ only by Unicode normalization ("Quyết định.pdf" written decomposed,
    NFD, as macOS copies it, beside the same name composed, NFC) are two files: the one not
    spelled NFC notes the other, and becomes a document of its own (its id ends in "-nfd")
    rather than a part of the other's."""
    spellings = Counter(_nfc(f.relpath) for f in files)
    for f in files:
        nfc = _nfc(f.relpath)
        if spellings[nfc] > 1 and f.relpath != nfc:
            others = [g.relpath for g in files if g is not f and _nfc(g.relpath) == nfc]
            f.lookalike_of = nfc if nfc in others else others[0]


def _nfc(relpath: str) -> str:
    return unicodedata.normalize("NFC", relpath)


def _form(relpath: str) -> str:
    """ "NFC", or the other normalization form the name is written in (NFD, NFKC, NFKD)."""
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        if unicodedata.is_normalized(form, relpath):
            return form
    return "mixed"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
