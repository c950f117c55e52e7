"""Support measures granted by a clause: what, how much (rate, cap, per), for whom, on what conditions.

`grants_support(text)` decides whether a unit grants support at all: it must state a rate of a
cost ("tối đa 50% chi phí"), an amount in a support sentence ("mức hỗ trợ 15 triệu đồng"), a
level relative to another clause ("bằng 50% mức quy định tại khoản 1 Điều này"), or grant a cost
outright ("được hỗ trợ chi phí …"). A plan's task "Hỗ trợ doanh nghiệp tiếp cận …" grants nothing,
and neither does a bare "Hỗ trợ chi phí …" without an amount (a plan's task reads the same way);
budgets ("Tổng kinh phí … 4,5 tỷ đồng") and thresholds ("doanh thu từ 1 tỷ đồng trở lên") are
not amounts of support.

`extract_measures` gives one measure per rate or cap: "không quá 90 triệu đồng … đối với doanh
nghiệp vừa; không quá 120 triệu đồng … đối với doanh nghiệp vừa do phụ nữ làm chủ" is two.
`extract_document` runs it over a document's units and resolves relative levels.

A little over 400 lines: pairing rates with caps and groups is one grammar of the support
sentence; beneficiaries (support_beneficiaries.py) and the terms around it — conditions,
deadline, agency, period (support_terms.py) — are apart.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Callable

from ingest.support_beneficiaries import ENTITIES, QUALIFIERS, SIZES, beneficiary_groups, codes_of
from ingest.support_terms import AGENCY_RE, DEADLINE_RE, conditions, first_match, period
from ingest.textnorm import fold, normalize

_DATA = tomllib.loads(Path(__file__).with_name("support_data.toml").read_text("utf-8"))


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_TOPIC_RES = {topic: re.compile(r"(?<!\w)(?:" + _alternation([fold(w).lower() for w in words]) + r")(?!\w)")
              for topic, words in _DATA["topics"].items()}
_UNIT = _alternation(_DATA["per_units"])
_BASE_RE = re.compile(r"(?:tổng\s+)?(?:" + _alternation(_DATA["bases"]) + r")(?!\w)", re.I)
_GENERIC_HEAD_RE = re.compile(r"^(?:(?:" + _alternation(_DATA["generic_heads"]) + r")\s+)+", re.I)

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?"
_MONEY_RE = re.compile(
    rf"(?<![\w.,])(?P<num>{_NUM})\s*(?:(?P<unit>tỷ|triệu|nghìn|ngàn)(?:\s*(?:đồng|VNĐ|VND))?|(?:đồng|VNĐ|VND))(?!\w)",
    re.I)
_MULTIPLIER = {"tỷ": 10**9, "triệu": 10**6, "nghìn": 10**3, "ngàn": 10**3, None: 1}
_PER_RE = re.compile(
    rf"\s*/\s*(?:0?1\s+|một\s+)?(?P<slash>{_UNIT}|[^\W\d_]+)(?!\w)"
    rf"|\s+(?:cho\s+|trên\s+|đối với\s+)?(?:mỗi|một|01)\s+(?P<each>{_UNIT})(?!\w)", re.I)
_PAREN_RE = re.compile(r"\s*\([^)]*\)")
_RATE_RE = re.compile(
    r"(?:(?P<kind>tối đa|tối thiểu|không quá|không vượt quá|lên đến|lên tới|đến|tới|ít nhất)\s+(?:là\s+)?)?"
    r"(?P<num>\d+(?:[,.]\d+)?)\s*%|(?P<all>toàn bộ)(?=\s+(?:tổng\s+)?(?:chi phí|kinh phí|giá trị|học phí|lệ phí|lãi suất|tiền))",
    re.I)
_RATE_KIND = {"tối đa": "max", "không quá": "max", "không vượt quá": "max", "lên đến": "max",
              "lên tới": "max", "đến": "max", "tới": "max", "tối thiểu": "min", "ít nhất": "min"}
_COST_AFTER_RE = re.compile(r"^\s*(?:của\s+)?(?:tổng\s+)?(?:chi phí|kinh phí|giá trị|học phí|lệ phí|phí|lãi suất|tiền|tổng mức|mức đầu tư|số tiền)", re.I)
_CAP_CUE_RE = re.compile(r"(?:không quá|tối đa|không vượt quá|lên đến|lên tới|cao nhất)(?:\s+là)?\s*$", re.I)
_THRESHOLD_BEFORE_RE = re.compile(r"(?:\btừ|\btrên|\bdưới|\bđạt|\bít nhất|\btối thiểu|\bhơn)\s*$", re.I)
_THRESHOLD_AFTER_RE = re.compile(r"^\s*trở\s+(?:lên|xuống)", re.I)
_BUDGET_RE = re.compile(r"tổng kinh phí|kinh phí thực hiện|kinh phí dự kiến|dự toán|nguồn vốn|vốn điều lệ|doanh thu|tổng vốn|vốn đầu tư", re.I)
_SUPPORT_WORD_RE = re.compile(r"hỗ\s+trợ|\bmiễn\b|\bthưởng\b", re.I)
_RELATIVE_RE = re.compile(
    r"bằng\s+(?P<num>\d+(?:[,.]\d+)?)\s*%\s*mức(?:\s+hỗ\s+trợ)?\s+(?:(?:đã\s+)?quy\s+định\s+)?(?:tại|ở|theo)\s+"
    r"(?P<ref>(?:điểm\s+[a-zđ]\s+)?(?:khoản\s+(?:\d+|này)\s*)?(?:Điều\s+(?:\d+|này))?)", re.I)
_GRANT_RE = re.compile(r"được\s+hỗ\s+trợ\s+(?:toàn bộ\s+|một phần\s+)?(?:chi phí|kinh phí|học phí|lệ phí|lãi suất|tiền)", re.I)
_GROUP_RE = re.compile(r"^\s*đối với\s+(?P<who>.+?)(?=;|\.(?:\s|$)|\s+(?:và|hoặc)?\s*(?:không quá|tối đa)\b|$)", re.I)
_GROUP_BEFORE_RE = re.compile(r",\s*đối với\s+(?P<who>[^;.]+?)\s*$", re.I)
_OBJECT_STOP_RE = re.compile(
    r"\s+nhưng\b|,?\s+(?:tối đa|không quá|không vượt quá|lên đến)\b|\s+đối với\b|;|\.(?:\s|$)|,\s*mức\b"
    r"|\s+trong (?:thời gian|\d)|,\s*(?:hạn mức|tổng mức|thời gian)|\s+với mức\b|:|,\s*áp dụng (?:cho|đối với)", re.I)


@dataclass
class UnitContext:
    """What the caller knows around a unit. Texts may be raw: they are normalized here."""

    label: str = ""  # "Khoản 1 Điều 5"
    citation: str = ""  # "Khoản 1 Điều 5 — Quyết định 9101/QĐ-UBND"
    doc_id: str = ""
    path: str = ""
    anchor: str = ""
    url: str = ""
    effective: str = ""  # ISO date the document takes effect
    province: str = ""
    title: str = ""  # the document's title (trích yếu), for its period
    parents: list[str] = field(default_factory=list)  # enclosing units' texts, innermost first
    scope: str = ""  # the document's "Đối tượng áp dụng" text
    conditions: list[tuple[str, str]] = field(default_factory=list)  # (citation, text) of "Điều kiện …"
    procedures: list[str] = field(default_factory=list)  # texts on where/when to apply


@dataclass
class Measure:
    what: str
    base: str
    topics: list[str]
    rate_percent: float | None
    rate_kind: str  # max | min | exact | "" (no rate)
    cap_vnd: int | None
    cap_kind: str  # max (không quá, tối đa) | exact (a fixed sum) | ""
    per: list[str]
    applies_to: str  # the "đối với …" words of this amount
    relative_to: dict | None  # {"ref", "label", "factor", "text"} for "bằng 50% mức quy định tại …"
    beneficiaries: list[str]
    beneficiary_groups: list[list[str]]
    conditions: list[dict]  # {"text", "citation"}
    deadline: str
    agency: str
    period: dict | None  # {"from": 2021, "to": 2025}
    text: str
    id: str = ""
    label: str = ""
    citation: str = ""
    doc_id: str = ""
    path: str = ""
    anchor: str = ""
    url: str = ""
    effective: str = ""
    province: str = ""
    doc_title: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def parse_vnd(number: str, unit: str | None) -> int:
    """"1,5" "tỷ" → 1500000000; "20.000.000" None → 20000000; "3.200" "triệu" → 3200000000."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", number):
        number = number.replace(".", "").replace(",", ".")
    else:
        number = number.replace(",", ".")
    return int(Fraction(number) * _MULTIPLIER[unit.lower() if unit else None])


def _per_after(text: str, end: int) -> tuple[list[str], int]:
    per: list[str] = []
    paren = _PAREN_RE.match(text, end)
    if paren:
        end = paren.end()
    while (m := _PER_RE.match(text, end)):
        per.append(normalize((m.group("slash") or m.group("each"))).lower())
        end = m.end()
    return per, end


def _rates(text: str) -> list[dict]:
    found = []
    for m in _RATE_RE.finditer(text):
        before = text[:m.start()]
        if m.group("all"):
            found.append({"start": m.start(), "end": m.end(), "rate": 100, "kind": "exact"})
            continue
        if re.search(r"bằng\s*$", before, re.I):
            continue  # "bằng 50% mức …" is a relative level
        near_support = re.search(r"hỗ\s+trợ(?:\s+\S+){0,3}\s*$", before[-40:], re.I)
        if not (_COST_AFTER_RE.match(text[m.end():]) or near_support):
            continue
        rate = Fraction(m.group("num").replace(",", "."))
        kind = _RATE_KIND.get((m.group("kind") or "").lower(), "exact")
        found.append({"start": m.start(), "end": m.end(), "rate": _number(rate), "kind": kind})
    return found


def _number(value: Fraction) -> float | int:
    return int(value) if value.denominator == 1 else round(float(value), 2)


def _amounts(text: str) -> list[dict]:
    found = []
    for m in _MONEY_RE.finditer(text):
        before, after = text[:m.start()], text[m.end():]
        sentence = re.split(r"[.;:]\s", before)[-1]
        if _THRESHOLD_BEFORE_RE.search(before) or _THRESHOLD_AFTER_RE.match(after):
            continue
        cap = bool(_CAP_CUE_RE.search(before))
        if not cap and (_BUDGET_RE.search(sentence) or not _SUPPORT_WORD_RE.search(text)):
            continue
        per, end = _per_after(text, m.end())
        found.append({"start": m.start(), "end": end, "vnd": parse_vnd(m.group("num"), m.group("unit")),
                      "kind": "max" if cap else "exact", "per": per})
    return found


def grants_support(text: str) -> bool:
    """Whether a unit's text grants support (see the module docstring for the rule)."""
    text = normalize(text)
    if not _SUPPORT_WORD_RE.search(text):
        return False
    return bool(_rates(text) or _amounts(text) or _RELATIVE_RE.search(text) or _GRANT_RE.search(text))


def _clean(phrase: str) -> str:
    phrase = re.sub(r"\s+", " ", phrase).strip(" ,;:.-")
    phrase = re.sub(r"\s+(?:và|hoặc)$", "", phrase)
    return phrase[:160].rsplit(" ", 1)[0] if len(phrase) > 160 else phrase


def _object(text: str, rate: dict | None, amount: dict | None, parents: list[str]) -> tuple[str, str]:
    """(what, base) of a measure."""
    if rate:
        phrase = text[rate["end"]:]
    else:
        start = amount["start"]
        sentence_start = max(text.rfind(". ", 0, start), text.rfind("; ", 0, start)) + 1
        support = re.search(r"hỗ\s+trợ", text[sentence_start:start], re.I)
        phrase = text[sentence_start + support.end():start] if support else ""
        phrase = re.sub(r"\b(?:01|một) lần\b|\bvới mức\b|,?\s*mức hỗ trợ.*$|\bmức\b", " ", phrase, flags=re.I)
        if not phrase.strip(" ,:"):
            phrase = re.sub(r"^\s*(?:cho\s+)?(?:mỗi\s+)?", "", text[amount["end"]:])
            if not _clean(_OBJECT_STOP_RE.split(phrase, 1)[0]):
                granted = re.search(r"^(.*?)\s+được\s+hỗ\s+trợ", text[sentence_start:], re.I)
                phrase = granted.group(1) if granted else ""
    phrase = _clean(_OBJECT_STOP_RE.split(phrase, 1)[0])
    base_match = _BASE_RE.match(phrase)
    base = base_match.group(0).lower() if base_match else ""
    what = _clean(_GENERIC_HEAD_RE.sub("", phrase)) or phrase
    if not what and parents:
        heading = re.sub(r"^\s*(?:[\dIVXLC]+\.|[a-zđ]\))\s*", "", parents[0].split("\n")[0])
        what = _clean(re.sub(r"^(?:nội dung\s+)?hỗ\s+trợ\s+", "", heading, flags=re.I))
    return what, base


def topics_of(*texts: str) -> list[str]:
    """Topics of the vocabulary whose trigger words occur in the texts (accent-insensitive)."""
    folded = fold(" ".join(texts)).lower()
    return [topic for topic, pattern in _TOPIC_RES.items() if pattern.search(folded)]


def _pairs(rates: list[dict], amounts: list[dict], text: str) -> list[tuple[dict | None, dict | None]]:
    """Pair each rate with the cap after it; a further cap "đối với …" another group reuses it."""
    hits = sorted([("rate", r) for r in rates] + [("amount", a) for a in amounts], key=lambda h: h[1]["start"])
    pairs: list[tuple[dict | None, dict | None]] = []
    pending = None
    for kind, hit in hits:
        if kind == "rate":
            if pending:
                pairs.append((pending, None))
            pending = hit
        elif pending:
            pairs.append((pending, hit))
            pending = None
        elif pairs and pairs[-1][1] and ("đối với" in text[pairs[-1][1]["start"]:hit["end"] + 40]
                                         or hit["kind"] == "max"):
            pairs.append((pairs[-1][0], hit))
        else:
            pairs.append((None, hit))
    if pending:
        pairs.append((pending, None))
    return pairs


def _group_words(text: str, amount: dict | None) -> str:
    if not amount:
        return ""
    if m := _GROUP_RE.match(text[amount["end"]:]):
        return m.group("who").strip(" ,")
    if m := _GROUP_BEFORE_RE.search(text[:amount["start"]]):
        return m.group("who").strip(" ,")
    return ""


def _groups_for(text: str, group_words: str, group_spans: list[str], per: list[str],
                ctx: UnitContext) -> list[list[str]]:
    if group_words and (groups := beneficiary_groups(group_words)):
        return groups
    own = text
    for words in group_spans:
        own = own.replace(words, " ")
    if groups := beneficiary_groups(own):
        return groups
    entity = {"hợp tác xã": "hop_tac_xa", "liên hiệp hợp tác xã": "hop_tac_xa", "hộ": "ho_kinh_doanh"}
    if implied := [[entity[u]] for u in per if u in entity]:
        return implied[:1]  # "600 triệu đồng/hợp tác xã" is paid to a cooperative
    for parent in ctx.parents:
        if groups := beneficiary_groups(normalize(parent)):
            return groups
    return beneficiary_groups(normalize(ctx.scope), scope=True)


Resolver = Callable[[str], list[Measure]]
_CODE_ORDER = {code: i for i, code in enumerate(SIZES + ENTITIES + QUALIFIERS)}


def extract_measures(text: str, ctx: UnitContext | None = None, resolve: Resolver | None = None) -> list[Measure]:
    """The measures a unit grants; `resolve(label)` gives the measures of another unit
    ("Khoản 1 Điều 5") for a relative level, see `resolve_label`."""
    ctx = ctx or UnitContext()
    text = normalize(text)
    if not grants_support(text):
        return []
    parents = [normalize(p) for p in ctx.parents]
    texts = [text, *parents, *(normalize(p) for p in ctx.procedures)]
    common = dict(
        conditions=conditions(text, ctx.conditions, ctx.citation), deadline=first_match(DEADLINE_RE, texts),
        agency=first_match(AGENCY_RE, texts, "agency"), period=period(text, normalize(ctx.title)),
        text=text, label=ctx.label, citation=ctx.citation, doc_id=ctx.doc_id, path=ctx.path,
        anchor=ctx.anchor, url=ctx.url, effective=ctx.effective, province=ctx.province,
        doc_title=normalize(ctx.title))
    heading = parents[0][:200] if parents else ""
    measures: list[Measure] = []
    if relative := _RELATIVE_RE.search(text):
        factor = Fraction(relative.group("num").replace(",", ".")) / 100
        target = resolve_label(relative.group("ref"), ctx.label)
        groups = _groups_for(text, "", [], [], ctx)
        info = {"ref": relative.group("ref").strip(), "label": target, "factor": _number(factor),
                "text": relative.group(0).strip()}
        for base in (resolve(target) if resolve and target else []):
            # 50% of the level "đối với doanh nghiệp vừa do phụ nữ làm chủ" is for a large
            # enterprise that a woman owns: the group changes, the qualifier stays.
            kept = {c for g in base.beneficiary_groups for c in g if c in QUALIFIERS}
            derived = [sorted(set(g) | kept, key=lambda c: _CODE_ORDER.get(c, len(_CODE_ORDER))) for g in groups] if kept else groups
            measures.append(replace(
                base, **common, relative_to=info, applies_to="", beneficiary_groups=derived,
                beneficiaries=codes_of(derived),
                rate_percent=None if base.rate_percent is None else _number(Fraction(base.rate_percent) * factor),
                cap_vnd=None if base.cap_vnd is None else int(base.cap_vnd * factor)))
        if not measures:
            measures.append(Measure("", "", [], None, "", None, "", [], "", info, codes_of(groups), groups, **common))
    else:
        amounts = _amounts(text)
        pairs = _pairs(_rates(text), amounts, text)
        group_spans = [w for a in amounts if (w := _group_words(text, a))]
        previous: tuple[str, str] | None = None
        previous_end = 0
        for rate, amount in pairs or [(None, None)]:
            between = text[previous_end:amount["start"]] if previous and amount else ""
            if previous and amount and (rate is None or previous_end > rate["end"]):
                # "… không quá 10 triệu đồng … và xây dựng hệ thống quản lý nhưng không quá 50 triệu"
                own = _clean(re.sub(r"^[\s,;]*(?:và|hoặc)?\s*", "", _OBJECT_STOP_RE.split(between, 1)[0]))
                what, base = (own, previous[1]) if own and "đối với" not in between else previous
            else:
                what, base = _object(text, rate, amount, parents) if (rate or amount) else \
                    (_clean(_GRANT_RE.search(text).group(0).split("trợ", 1)[1]), "")
            previous = (what, base)
            previous_end = amount["end"] if amount else previous_end
            words = _group_words(text, amount)
            per = amount["per"] if amount else []
            groups = _groups_for(text, words, group_spans, per, ctx)
            measures.append(Measure(
                what=what, base=base, topics=topics_of(what, base, heading),
                rate_percent=rate["rate"] if rate else None, rate_kind=rate["kind"] if rate else "",
                cap_vnd=amount["vnd"] if amount else None, cap_kind=amount["kind"] if amount else "",
                per=per, applies_to=words, relative_to=None, beneficiaries=codes_of(groups),
                beneficiary_groups=groups, **common))
    for n, measure in enumerate(measures, 1):
        measure.id = f"{ctx.doc_id}:{ctx.anchor}:{n}"
    return measures


_LEVELS = (("điểm", "Điểm"), ("khoản", "Khoản"), ("điều", "Điều"), ("mục", "Mục"))


def resolve_label(ref: str, own_label: str) -> str:
    """"khoản 1 Điều này" seen from "Khoản 2 Điều 5" → "Khoản 1 Điều 5"; "" if it cannot tell."""
    own = {kind.lower(): num for kind, num in re.findall(r"(Điểm|Khoản|Điều|Mục)\s+(\S+)", own_label)}
    asked = {kind.lower(): num for kind, num in re.findall(r"(điểm|khoản|điều)\s+(\S+)", ref, re.I)}
    if not asked:
        return ""
    innermost = next(i for i, (key, _) in enumerate(_LEVELS) if key in asked)
    parts = []
    for i, (key, name) in enumerate(_LEVELS):
        if i < innermost:
            continue
        num = asked.get(key)
        if num is None or num.lower() == "này":
            num = own.get(key)
        if num:
            parts.append(f"{name} {num}")
    return " ".join(parts)


def extract_document(units: list[tuple[str, UnitContext]]) -> list[Measure]:
    """Measures of a document's units (text, context), relative levels resolved among them."""
    measures: dict[int, list[Measure]] = {}
    for i, (text, ctx) in enumerate(units):
        if not _RELATIVE_RE.search(normalize(text)):
            measures[i] = extract_measures(text, ctx)

    def resolve(label: str) -> list[Measure]:
        return [m for i, found in sorted(measures.items()) for m in found
                if units[i][1].label == label or units[i][1].label.endswith(" " + label)]

    for i, (text, ctx) in enumerate(units):
        if i not in measures:
            measures[i] = extract_measures(text, ctx, resolve)
    return [m for i in sorted(measures) for m in measures[i]]


def _vnd_in_words(vnd: int) -> str:
    for unit, size in (("tỷ", 10**9), ("triệu", 10**6), ("nghìn", 10**3)):
        if vnd >= size and vnd % (size // 1000 if size > 1000 else size) == 0:
            text = f"{vnd / size:.3f}".rstrip("0").rstrip(".").replace(".", ",")
            return f"{text} {unit} đồng"
    return f"{vnd:,}".replace(",", ".") + " đồng"


def amount_in_words(measure: Measure | dict) -> str:
    """"50% chi phí, tối đa 40 triệu đồng/năm/doanh nghiệp"; "Toàn bộ chi phí, tối đa 1,5 tỷ đồng/dự án"."""
    m = measure if isinstance(measure, dict) else measure.to_dict()
    base = m.get("base") or "chi phí"
    parts = []
    rate, kind = m.get("rate_percent"), m.get("rate_kind")
    if rate is not None:
        rate_text = f"{rate:g}".replace(".", ",")
        if rate == 100 and kind == "exact":
            parts.append(f"toàn bộ {base}")
        else:
            prefix = {"max": "tối đa ", "min": "tối thiểu "}.get(kind, "")
            parts.append(f"{prefix}{rate_text}% {base}")
    if m.get("cap_vnd") is not None:
        per = "".join(f"/{unit}" for unit in m.get("per") or [])
        money = _vnd_in_words(m["cap_vnd"]) + per
        if m.get("cap_kind") == "max":
            money = ("không quá " if kind == "max" else "tối đa ") + money
        parts.append(money)
    if not parts:
        return "Mức hỗ trợ không nêu trong điều khoản"
    text = ", ".join(parts)
    if m.get("applies_to"):
        text += f" (đối với {m['applies_to']})"
    return text[0].upper() + text[1:]
