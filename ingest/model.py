"""The document model shared by the ingest pipeline, the index and the web app."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DocMeta:
    doc_type: str = ""  # loại văn bản: "Quyết định", "Luật", "Kế hoạch", …
    number: str = ""  # số/ký hiệu: "1322/QĐ-TTg"
    issuer: str = ""  # cơ quan ban hành
    place: str = ""  # nơi ban hành
    issued: str = ""  # ngày ban hành, ISO "2020-08-31"
    title: str = ""  # trích yếu
    signer: str = ""  # người ký
    session: str = ""  # a council's khóa and kỳ họp: "Khóa X, Kỳ họp thứ 12"

    @property
    def year(self) -> str:
        return self.issued[:4]


@dataclass
class Reference:
    """A citation of another document found in the text."""

    text: str  # as written: "Quyết định số 1322/QĐ-TTg"
    number: str  # "1322/QĐ-TTg"
    key: str  # normalized number, see references.number_key
    doc_type: str  # "Quyết định" or "" when the text names none
    start: int  # character offsets into Document.text
    end: int


@dataclass
class Unit:
    """A citable part of a document: Phần, Chương, Mục, Điều, Khoản, Điểm, a plan's I./1./1.1./a),
    or an attachment issued with the document (Quy định, Phụ lục … kèm theo)."""

    anchor: str  # "dieu-1.khoan-2.diem-a": unique in the document, dotted by ancestry
    # phan | chuong | muc | dieu | khoan | diem | preamble | body | part (an attachment) |
    # intro (a container's own text before its first numbered child)
    kind: str
    number: str  # "1", "II", "a"
    label: str  # citation form, innermost first: "Điểm a Khoản 2 Điều 1"
    path: str  # outline form, outermost first: "Chương II › Điều 5 › Khoản 2 › Điểm a"
    heading: str
    start: int  # character offsets into Document.text
    end: int
    page: int  # first page, 1-based within the document
    page_end: int
    depth: int
    references: list[Reference] = field(default_factory=list)
    # In an attachment, the phrase that cites it before the document's name: "Quy định ban
    # hành kèm theo", "Phụ lục I kèm theo" (label "Điểm đ Khoản 1 Điều 3" + this + "Quyết
    # định 9321/QĐ-UBND ngày …"). Empty in the main text.
    attachment: str = ""

    @property
    def is_container(self) -> bool:
        return self.kind in ("phan", "chuong", "muc", "part")


@dataclass
class Page:
    number: int  # 1-based within the document
    source: str  # relative path of the file the page comes from
    source_page: int  # 1-based page within that file
    start: int  # offset of the page's first character in Document.text
    ocr: bool = False  # text recognized from the page image
    empty: bool = False  # no text layer and no OCR text


@dataclass
class Document:
    doc_id: str
    sources: list[str]  # relative paths in the corpus, parts in order
    content_hash: str
    meta: DocMeta
    text: str
    pages: list[Page]
    units: list[Unit]
    references: list[Reference]
    compound_spans: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # A sidecar's status override ({"code", "reason", "since", "by"}): kept in the catalog
    # entry, not in the stored document.
    status_override: dict = field(default_factory=dict)

    def page_at(self, offset: int) -> Page:
        """The page holding character `offset` of the text."""
        lo, hi = 0, len(self.pages) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.pages[mid].start <= offset:
                lo = mid
            else:
                hi = mid - 1
        return self.pages[lo]

    def unit_text(self, unit: Unit) -> str:
        return self.text[unit.start : unit.end]

    def to_dict(self) -> dict:
        """The JSON form stored per document (compound spans and the status override are not
        kept). Written by hand: dataclasses.asdict's deep copies cost 5% of indexing time."""

        def plain(obj) -> dict:
            return {name: getattr(obj, name) for name in obj.__dataclass_fields__}

        return {
            "doc_id": self.doc_id,
            "sources": list(self.sources),
            "content_hash": self.content_hash,
            "meta": plain(self.meta),
            "text": self.text,
            "pages": [plain(p) for p in self.pages],
            "units": [{**plain(u), "references": [plain(r) for r in u.references]} for u in self.units],
            "references": [plain(r) for r in self.references],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Document":
        units = [
            Unit(**{**u, "references": [Reference(**r) for r in u["references"]]})
            for u in data["units"]
        ]
        return cls(
            doc_id=data["doc_id"],
            sources=data["sources"],
            content_hash=data["content_hash"],
            meta=DocMeta(**data["meta"]),
            text=data["text"],
            pages=[Page(**p) for p in data["pages"]],
            units=units,
            references=[Reference(**r) for r in data["references"]],
            warnings=data.get("warnings", []),
        )


@dataclass(frozen=True)
class CatalogEntry:
    """A document as a generation's catalog lists it: catalog.json maps each doc_id to the
    dict `to_dict` gives (written by the batch job, read by the web app)."""

    doc_id: str
    meta: DocMeta
    sources: list[str]  # relative paths in the corpus, parts in order
    pages: int
    units: int  # indexed units (containers excluded)
    cites: list[str]  # number keys of the documents it cites
    ocr_pages: int  # how many of its pages were read by OCR
    support: list[dict] = field(default_factory=list)  # support measures (ingest.document_support)
    validity: dict = field(default_factory=dict)  # ingest.validity_model.ValidityFacts.to_dict()
    status_override: dict = field(default_factory=dict)  # from the sidecar: code, reason, since, by
    # number key → [number, type] as this document most often writes the citation:
    # "1322/QD-TTG" → ["1322/QĐ-TTg", "Quyết định"] (a number the corpus does not hold is named so)
    cited_as: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, doc_id: str, data: dict) -> "CatalogEntry":
        """The entry of `doc_id` from its stored dict; a missing field is empty."""
        return cls(
            doc_id=doc_id,
            meta=DocMeta(**{name: data.get(name, "") for name in DocMeta.__dataclass_fields__}),
            sources=data.get("sources", []),
            pages=data.get("pages", 0),
            units=data.get("units", 0),
            cites=data.get("cites", []),
            ocr_pages=data.get("ocr_pages", 0),
            support=data.get("support", []),
            validity=data.get("validity", {}),
            status_override=data.get("status_override", {}),
            cited_as=data.get("cited_as", {}),
        )

    def to_dict(self) -> dict:
        """The stored dict (the doc_id is its key in the catalog, not a field)."""
        return {
            **{name: getattr(self.meta, name) for name in DocMeta.__dataclass_fields__},
            "sources": self.sources,
            "pages": self.pages,
            "units": self.units,
            "cites": self.cites,
            "ocr_pages": self.ocr_pages,
            "support": self.support,
            "validity": self.validity,
            "status_override": self.status_override,
            "cited_as": self.cited_as,
        }


@dataclass(frozen=True)
class Hit:
    """A clause found by a search, as the results page shows it and /api/search returns it."""

    doc_id: str
    doc_number: str
    doc_type: str
    title: str
    issuer: str
    issued: str | None  # ISO date, None when unknown
    unit: str  # citation form of the clause: "Điểm a Khoản 2 Điều 1"
    path: str  # outline form: "Điều 1 › Khoản 2 › Điểm a"
    anchor: str
    citation: str
    page: int
    ocr: bool
    snippet: str  # HTML in which only <mark> is markup
    score: float  # relevance, rounded, also when sorted by date
    url: str
    status: dict | None = None  # the document's status (search_app.status.Status.to_dict())

    def to_dict(self) -> dict:
        """The JSON form of /api/search."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}
