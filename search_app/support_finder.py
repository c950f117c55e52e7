"""Which support measures apply to an enterprise, ranked by fit to what it needs, then by amount.

Pure: takes measure dicts (from `ingest.support.Measure.to_dict()`, with a `province` field for
the document's province, "" for a national document) and a profile; no index, no I/O beyond
reading its data file once. A measure applies when its province matches (a province merged in
2025 matches the province that took it in: "Kiên Giang" = "An Giang"), one of its beneficiary
groups matches the profile, and its period has not ended (an ended one is marked and left out
unless `include_expired`). Fit: the need's words in what is supported (accent-insensitive, word
pairs count extra), its topic, the share of the measure's words that the need names, and how
closely the measure targets the profile (women-owned, social enterprise, sector).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from ingest.enterprise_size import SIZE_NAMES, classify
from ingest.support import amount_in_words, topics_of
from ingest.support_beneficiaries import ENTITIES, QUALIFIERS, SIZES, beneficiary_groups
from ingest.textnorm import fold, has_diacritics, normalize

_DATA = tomllib.loads(Path(__file__).with_name("support_finder_data.toml").read_text("utf-8"))
_STOPWORDS = set(_DATA["need_stopwords"])
_QUALIFIER_WORDS = {"phu_nu_lam_chu": "do phụ nữ làm chủ", "nhieu_lao_dong_nu": "sử dụng nhiều lao động nữ",
                    "doanh_nghiep_xa_hoi": "là doanh nghiệp xã hội", "khoi_nghiep_sang_tao": "khởi nghiệp sáng tạo"}
_ENTITY_WORDS = {"hop_tac_xa": "hợp tác xã", "ho_kinh_doanh": "hộ kinh doanh"}


def _province_key(name: str) -> str:
    folded = fold(normalize(name)).lower()
    folded = re.sub(r"^\s*(?:tinh|thanh pho|tp\.?)\s+", "", folded)
    return re.sub(r"[^a-z0-9]", "", folded)


_MERGED_INTO = {_province_key(old): _province_key(new)
                for new, olds in _DATA["merged_provinces"].items() for old in olds}


def same_province(a: str, b: str) -> bool:
    """Equal provinces, counting the 2025 merges: same_province("Kiên Giang", "tỉnh An Giang")."""
    key_a, key_b = _province_key(a), _province_key(b)
    return _MERGED_INTO.get(key_a, key_a) == _MERGED_INTO.get(key_b, key_b)


@dataclass
class Profile:
    size: str | None = None  # sieu_nho | nho | vua | lon; else computed from the fields below
    sector: str | None = None  # "thương mại, dịch vụ", … (enterprise_size.sector_group)
    employees: int | None = None
    revenue_vnd: int | None = None
    capital_vnd: int | None = None
    women_owned: bool = False
    many_female_workers: bool = False
    social_enterprise: bool = False
    startup: bool = False  # khởi nghiệp sáng tạo
    cooperative: bool = False
    household: bool = False  # hộ kinh doanh
    industry: str = ""  # what it does, in words: "chế biến thủy sản"

    def qualifiers(self) -> set[str]:
        flags = {"phu_nu_lam_chu": self.women_owned, "nhieu_lao_dong_nu": self.many_female_workers,
                 "doanh_nghiep_xa_hoi": self.social_enterprise, "khoi_nghiep_sang_tao": self.startup}
        return {code for code, held in flags.items() if held}


@dataclass
class FinderResult:
    measures: list[dict]  # applicable, best first; each with applies_because, in_force, expired, fit
    not_applicable: list[dict]  # each with why_not
    size: str | None
    size_rule: str
    left_out_expired: list[str] = field(default_factory=list)  # ids of ended measures left out

    def to_dict(self) -> dict:
        return asdict(self)


# A question typed without diacritics still names who asks: "doanh nghiep vua duoc ho tro bao nhieu".
_WHO_UNACCENTED = {fold(words): words for words in (
    "doanh nghiệp siêu nhỏ", "doanh nghiệp nhỏ", "doanh nghiệp vừa", "doanh nghiệp lớn",
    "do phụ nữ làm chủ", "hợp tác xã", "hộ kinh doanh", "doanh nghiệp xã hội")}
_WHO_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _WHO_UNACCENTED), key=len, reverse=True)) + r")\b")


def profile_from_question(question: str) -> Profile:
    """Who a search question says is asking: "doanh nghiệp vừa do phụ nữ làm chủ được hỗ trợ bao
    nhiêu" → size vừa, women-owned; nobody in particular when it names no one or several sizes."""
    text = normalize(question)
    text = _WHO_RE.sub(lambda m: _WHO_UNACCENTED[m.group(1)], text.lower()) if not has_diacritics(text) else text
    groups = beneficiary_groups(text)
    if len(groups) != 1:
        return Profile()
    codes = set(groups[0])
    sizes = [code for code in codes if code in SIZES]
    return Profile(size=sizes[0] if len(sizes) == 1 else None, women_owned="phu_nu_lam_chu" in codes,
                   social_enterprise="doanh_nghiep_xa_hoi" in codes, cooperative="hop_tac_xa" in codes,
                   household="ho_kinh_doanh" in codes)


def describe(groups: list[list[str]]) -> str:
    """[["vua", "phu_nu_lam_chu"]] → "doanh nghiệp vừa do phụ nữ làm chủ"."""
    by_extra: dict[tuple, list[str]] = {}
    for group in groups:
        kinds = [c for c in group if c in SIZES or c in ENTITIES] or [""]
        extra = tuple(c for c in group if c not in SIZES and c not in ENTITIES)
        by_extra.setdefault(extra, []).extend(kinds)
    phrases = []
    for extra, kinds in by_extra.items():
        sizes = [SIZE_NAMES[k] for k in SIZES if k in kinds]
        words = []
        if sizes and len(sizes) < len(SIZES):
            words.append("doanh nghiệp " + (", ".join(sizes[:-1]) + " và " + sizes[-1] if len(sizes) > 1 else sizes[0]))
        elif sizes or "" in kinds:
            words.append("doanh nghiệp")
        words += [_ENTITY_WORDS[k] for k in ENTITIES if k in kinds]
        head = ", ".join(words)
        tail = [_QUALIFIER_WORDS[c] for c in extra if c in QUALIFIERS]
        tail += [f"lĩnh vực {c}" for c in extra if c not in QUALIFIERS]
        phrases.append(" ".join([head, *tail]))
    return "; ".join(phrases)


def _sector_match(sector: str, profile: Profile, need: str) -> bool | None:
    """True/False when the profile or the need says its sector; None when neither does."""
    known = profile.industry or need
    if not known:
        return None
    found = fold(sector).lower() in fold(normalize(known)).lower()
    return True if found else (False if profile.industry else None)


def _group_match(group: list[str], profile: Profile, size: str | None, need: str) -> tuple[bool, int]:
    """(matches, how many of the profile's traits it targets)."""
    kinds = [c for c in group if c in SIZES or c in ENTITIES]
    if kinds:
        if profile.cooperative:
            ok = "hop_tac_xa" in kinds
        elif profile.household:
            ok = "ho_kinh_doanh" in kinds
        else:
            ok = any(k in SIZES for k in kinds) and (size is None or size in kinds)
        if not ok:
            return False, 0
    qualifiers = [c for c in group if c in QUALIFIERS]
    if any(q not in profile.qualifiers() for q in qualifiers):
        return False, 0
    targeted = len(qualifiers)
    for sector in (c for c in group if c not in SIZES and c not in ENTITIES and c not in QUALIFIERS):
        matched = _sector_match(sector, profile, need)
        if matched is False:
            return False, 0
        targeted += bool(matched)
    return True, targeted


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", fold(normalize(text)).lower())


def need_tokens(need: str) -> list[str]:
    """The words of a need that say what is needed (accent-folded, stopwords left out)."""
    return [t for t in _tokens(need) if t not in _STOPWORDS]


def _fit(measure: dict, tokens: list[str], need_topics: set[str], targeted: int) -> float:
    if not tokens:
        return 0.5 * targeted
    wanted = set(tokens)
    own = _tokens(f"{measure.get('what', '')} {measure.get('base', '')}")
    pairs = set(zip(own, own[1:]))
    need_pairs = set(zip(tokens, tokens[1:]))
    shared = wanted & set(own)
    recall = len(shared) / len(wanted)
    pair_recall = len(need_pairs & pairs) / len(need_pairs) if need_pairs else recall
    precision = len(shared) / len(set(own)) if own else 0.0
    # a level relative to another clause has its words in `what`, not in its own text
    text_recall = len(wanted & (set(_tokens(measure.get("text", ""))) | set(own))) / len(wanted)
    topic = 1.0 if need_topics & set(measure.get("topics") or []) else 0.0
    return 2 * recall + pair_recall + 0.5 * precision + 0.5 * text_recall + topic + 0.5 * targeted


def time_flags(measure: dict, as_of: date) -> tuple[bool, bool]:
    """(in_force, expired) on `as_of`. A measure's `doc_status` (its document's status on that
    day, when given) counts too: a measure of a replaced or repealed document has expired, one
    of a document not yet in force is not in force."""
    period = measure.get("period") or {}
    doc_code = (measure.get("doc_status") or {}).get("code")
    expired = (bool(period.get("to")) and as_of.year > period["to"]) or doc_code == "expired"
    effective = measure.get("effective") or ""
    started = (not effective or date.fromisoformat(effective[:10]) <= as_of) and doc_code != "not_yet"
    return started and not expired, expired


def find(measures: list[dict], profile: Profile, need: str, as_of: date, province: str | None = None,
         include_expired: bool = False) -> FinderResult:
    size, size_rule = profile.size, ""
    if size is None and not (profile.cooperative or profile.household) and profile.sector \
            and profile.employees is not None:
        decided = classify(profile.sector, profile.employees, profile.revenue_vnd, profile.capital_vnd)
        size, size_rule = decided.size, decided.rule
    wanted = need_tokens(need)
    need_topics = set(topics_of(need))
    applicable, not_applicable, left_out = [], [], []
    for measure in measures:
        if province and measure.get("province") and not same_province(province, measure["province"]):
            not_applicable.append(dict(measure, why_not=f"văn bản của tỉnh {measure['province']}"))
            continue
        groups = measure.get("beneficiary_groups") or []
        matched = [(g, t) for g in groups for ok, t in [_group_match(g, profile, size, need)] if ok]
        if groups and not matched:
            not_applicable.append(dict(measure, why_not=f"dành cho {describe(groups)}"))
            continue
        in_force, expired = time_flags(measure, as_of)
        if expired and not include_expired:
            left_out.append(measure.get("id", ""))
            continue
        targeted = max((t for _, t in matched), default=0)
        # every group that fits equally well: with no size given, "siêu nhỏ, nhỏ và vừa", not the first
        best = [g for g, t in matched if t == targeted and g]
        because = f"thuộc đối tượng: {describe(best)}" if best else "không giới hạn đối tượng"
        if size_rule:
            because += f" (quy mô {size_rule})"
        applicable.append(dict(
            measure, applies_because=because, in_force=in_force, expired=expired,
            amount_in_words=amount_in_words(measure),
            fit=round(_fit(measure, wanted, need_topics, targeted), 3)))
    applicable.sort(key=lambda m: (-m["fit"], not m["in_force"], -(m.get("cap_vnd") or 0),
                                   -(m.get("rate_percent") or 0)))
    return FinderResult(applicable, not_applicable, size, size_rule, left_out)
