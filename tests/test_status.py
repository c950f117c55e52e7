"""Status over a small invented corpus (VĂN BẢN MẪU, province "Mẫu Sơn", numbers 9xxx): the facts
are extracted from sentences, then the corpus is judged on a given day."""

from datetime import date

import pytest

from ingest.model import DocMeta
from ingest.validity import UnitText, extract_validity
from search_app.status import RelationIndex, compute_marks, compute_status


def doc(doc_type, number, issued, units, title=""):
    meta = DocMeta(doc_type=doc_type, number=number, issued=issued, title=title)
    texts = [UnitText(anchor, label, text, f"{label} — {doc_type} {number}", kind)
             for anchor, label, text, kind in units]
    return extract_validity(texts, meta)


@pytest.fixture(scope="module")
def corpus():
    return {
        "nq-9456": doc("Nghị quyết", "9456/2021/NQ-HĐND", "2021-12-10", [
            ("dieu-3", "Điều 3", "Nghị quyết này có hiệu lực từ ngày 01 tháng 01 năm 2022.", "dieu")]),
        "nq-9777": doc("Nghị quyết", "9777/2026/NQ-HĐND", "2026-04-10", [
            ("dieu-3", "Điều 3", "Nghị quyết này có hiệu lực từ ngày 01 tháng 5 năm 2026 và thay thế Nghị quyết số "
             "9456/2021/NQ-HĐND ngày 10 tháng 12 năm 2021 của Hội đồng nhân dân tỉnh Mẫu Sơn.", "dieu")]),
        "qd-9002": doc("Quyết định", "9002/QĐ-UBND", "2023-03-01", [
            ("dieu-3", "Điều 3", "Quyết định này có hiệu lực kể từ ngày ký.", "dieu")]),
        "qd-9123": doc("Quyết định", "9123/QĐ-UBND", "2025-06-01", [
            ("dieu-1", "Điều 1", "Điều 1. Sửa đổi, bổ sung một số điều của Quyết định số 9002/QĐ-UBND ngày 01/3/2023 "
             "của Ủy ban nhân dân tỉnh Mẫu Sơn như sau:", "dieu"),
            ("dieu-1.khoan-1", "Khoản 1 Điều 1", "1. Sửa đổi, bổ sung khoản 2 Điều 3 như sau:", "khoan"),
            ("dieu-1.khoan-2", "Khoản 2 Điều 1", "2. Bãi bỏ điểm c khoản 1 Điều 4.", "khoan"),
            ("dieu-2", "Điều 2", "Quyết định này có hiệu lực kể từ ngày 15 tháng 6 năm 2025.", "dieu"),
            ("dieu-3", "Điều 3", "Quyết định số 9050/QĐ-UBND ngày 01/02/2020 của Ủy ban nhân dân tỉnh Mẫu Sơn hết "
             "hiệu lực kể từ ngày Quyết định này có hiệu lực.", "dieu")]),
        "kh-9116": doc("Kế hoạch", "9116/KH-UBND", "2025-01-20", [
            ("mo-dau", "Phần mở đầu", "Thực hiện Nghị quyết số 9456/2021/NQ-HĐND ngày 10/12/2021 của Hội đồng nhân "
             "dân tỉnh; Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:", "preamble")],
            title="Triển khai thực hiện Chương trình mẫu năm 2025"),
        "qd-9900": doc("Quyết định", "9900/QĐ-UBND", "2026-05-20", [
            ("dieu-2", "Điều 2", "Quyết định này có hiệu lực kể từ ngày 01 tháng 7 năm 2026.", "dieu")]),
        "cv-9455": doc("Công văn", "9455/SKHCN-TĐC", "2025-03-05", [
            ("toan-van", "", "Sở Khoa học và Công nghệ hướng dẫn hồ sơ.", "body")]),
    }


AS_OF = date(2026, 5, 10)


def test_replaced_resolution_is_expired_with_the_replacing_clause(corpus):
    status = compute_status(corpus, AS_OF)
    old = status["nq-9456"].to_dict()
    assert old == {"code": "expired", "label": "Hết hiệu lực", "since": "2026-05-01", "by": "9777/2026/NQ-HĐND",
                   "by_doc": "nq-9777", "proof": "Điều 3 — Nghị quyết 9777/2026/NQ-HĐND", "until": None,
                   "source": "text"}
    new = status["nq-9777"]
    assert (new.code, new.label, new.since) == ("in_force", "Còn hiệu lực", "2026-05-01")


def test_before_the_replacement_takes_effect_the_old_one_is_in_force_until_then(corpus):
    status = compute_status(corpus, date(2026, 4, 20))
    assert (status["nq-9456"].code, status["nq-9456"].until) == ("in_force", "2026-05-01")
    assert (status["nq-9777"].code, status["nq-9777"].label, status["nq-9777"].since) == (
        "not_yet", "Chưa có hiệu lực", "2026-05-01")


def test_decision_amending_two_clauses_is_partly(corpus):
    status = compute_status(corpus, AS_OF)["qd-9002"]
    assert (status.code, status.label, status.by, status.since) == (
        "partly", "Hết hiệu lực một phần", "9123/QĐ-UBND", "2025-06-15")
    assert status.proof.endswith("— Quyết định 9123/QĐ-UBND")


def test_plan_whose_period_ended_is_expired(corpus):
    status = compute_status(corpus, AS_OF)["kh-9116"]
    assert (status.code, status.since, status.proof) == (
        "expired", "2026-01-01", "Trích yếu — Kế hoạch 9116/KH-UBND")
    assert compute_status(corpus, date(2025, 12, 31))["kh-9116"].code == "in_force"


def test_future_effective_date_is_not_yet(corpus):
    status = compute_status(corpus, AS_OF)["qd-9900"]
    assert (status.code, status.since) == ("not_yet", "2026-07-01")


def test_document_without_a_date_clause_is_in_force_from_its_issue(corpus):
    status = compute_status(corpus, AS_OF)["cv-9455"]
    assert (status.code, status.since) == ("in_force", "2025-03-05")


def test_cited_document_outside_the_corpus_gets_a_status_by_number_key(corpus):
    status = compute_status(corpus, AS_OF)["9050/QD-UBND"]
    assert (status.code, status.by, status.since) == ("expired", "9123/QĐ-UBND", "2025-06-15")
    assert status.proof == "Điều 3 — Quyết định 9123/QĐ-UBND"


def test_sidecar_override_wins(corpus):
    overrides = {"nq-9456": {"code": "in_force", "reason": "Được khôi phục hiệu lực theo kết luận kiểm tra (mẫu)"}}
    status = compute_status(corpus, AS_OF, overrides)["nq-9456"].to_dict()
    assert status["code"] == "in_force" and status["source"] == "override"
    assert status["proof"] == "Được khôi phục hiệu lực theo kết luận kiểm tra (mẫu)"


def test_unit_marks_both_ways(corpus):
    marks = compute_marks(corpus)
    on_target = marks.units["qd-9002"]
    assert set(on_target) == {"Khoản 2 Điều 3", "Điểm c Khoản 1 Điều 4"}
    amended = on_target["Khoản 2 Điều 3"][0]
    assert amended.text == "Được sửa đổi, bổ sung bởi Khoản 1 Điều 1 Quyết định 9123/QĐ-UBND"
    assert (amended.by_doc, amended.proof_anchor, amended.since) == ("qd-9123", "dieu-1.khoan-1", "2025-06-15")
    assert on_target["Điểm c Khoản 1 Điều 4"][0].text == "Bị bãi bỏ bởi Khoản 2 Điều 1 Quyết định 9123/QĐ-UBND"
    reverse = marks.clauses["qd-9123"]
    assert [m.reverse_text for m in reverse["dieu-1.khoan-1"]] == ["Sửa đổi, bổ sung Khoản 2 Điều 3 Quyết định 9002/QĐ-UBND"]
    assert reverse["dieu-1.khoan-2"][0].target_doc == "qd-9002"


def test_name_only_citation_resolves_to_a_law_in_the_corpus():
    law = doc("Luật", "", "2015-06-19", [], title="Tổ chức chính quyền địa phương")
    other = doc("Luật", "", "2019-11-22", [], title="Ngân sách nhà nước")
    resolution = doc("Nghị quyết", "9012/NQ-HĐND", "2024-12-10", [
        ("mo-dau", "Phần mở đầu", "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;", "preamble")])
    index = RelationIndex({"luat-2015": law, "luat-ns": other, "nq-9012": resolution})
    assert [(e.type, e.target_doc) for e in index.outgoing["nq-9012"]] == [("based_on", "luat-2015")]
    assert [e.source for e in index.incoming["luat-2015"]] == ["nq-9012"]
