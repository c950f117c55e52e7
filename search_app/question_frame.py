"""The question's frame: the words of a typed question that are about its form ("…, đúng hay
sai?", "Điều nào sau đây KHÔNG đúng về …", "theo quy định của pháp luật"), not about the law.

They are evidence for no article: an article holding "đúng", "sau đây" or "theo quy định của
pháp luật" is no likelier to answer. The frame is found as whole runs of syllables, so the
same words outside a run stay content ("sai phạm", "không được", a "không" inside the statement).
Syllables typed without diacritics match a frame accent-folded ("dung hay sai").
"""

from __future__ import annotations

from ingest.textnorm import fold, has_diacritics

# Runs dropped wherever they occur (longest first when they overlap).
ANYWHERE = (
    "chọn câu trả lời đúng nhất", "chọn đáp án đúng nhất", "chọn đáp án đúng", "câu trả lời đúng nhất",
    "là đúng hay sai", "đúng hay sai", "đúng hay không", "có đúng không", "có phải không",
    "theo quy định của pháp luật", "theo quy định pháp luật", "theo quy định hiện hành",
    "theo quy định của", "theo quy định tại", "theo quy định",
    "điều nào sau đây", "điều nào dưới đây", "nào sau đây", "nào dưới đây",
    "phương án nào", "đáp án nào", "nhận định nào", "khẳng định nào", "phát biểu nào",
    "trường hợp nào sau đây", "trường hợp nào dưới đây", "như thế nào", "thế nào",
    "trường hợp nào", "những ai", "là ai", "ai là", "bao lâu", "là gì", "những gì",
)
# Runs dropped only as the last words of the question ("…, là đúng?").
AT_END = ("là đúng", "là sai", "đúng không", "phải không", "hay không", "điều nào", "nào", "đâu")
# Runs dropped only as the first words ("Đâu là …", "Theo Luật Du lịch, …": the law's name stays).
AT_START = ("đâu không phải là", "đâu là", "điều nào")
# "Theo Luật Du lịch, …", "Theo Điều 143 …": the first "theo" is frame, the source it cites is
# content (named_units.py reads it too). "Theo dõi …" is not a citation.
CITED_SOURCES = ("luật", "bộ luật", "hiến pháp", "điều", "khoản", "nghị định")
# A negation of the choice right after a choice head ("Điều nào sau đây KHÔNG đúng về …"): the
# statement to find is the same as without it. A "không" anywhere else is content.
CHOICE_HEADS = ("điều nào sau đây", "điều nào dưới đây", "nào sau đây", "nào dưới đây", "điều nào",
                "phương án nào", "đáp án nào", "nhận định nào", "khẳng định nào", "phát biểu nào")
AFTER_CHOICE = ("không phải là", "không đúng về", "không đúng với", "không đúng", "không phải",
                "không là", "đúng về", "đúng với", "là đúng", "sai về", "là sai", "đúng", "sai")


def _runs(phrases) -> list[tuple[str, ...]]:
    return sorted((tuple(p.split()) for p in phrases), key=len, reverse=True)


_ANYWHERE, _AT_END, _AT_START = _runs(ANYWHERE), _runs(AT_END), _runs(AT_START)
_CHOICE_HEADS, _AFTER_CHOICE = _runs(CHOICE_HEADS), _runs(AFTER_CHOICE)
_CITED_SOURCES = _runs(CITED_SOURCES)


def _matches(words: list[str], at: int, run: tuple[str, ...]) -> bool:
    if at < 0 or at + len(run) > len(words):
        return False
    for word, want in zip(words[at:at + len(run)], run):
        if word != want and (has_diacritics(word) or fold(want) != word):
            return False
    return True


def frame_positions(words: list[str]) -> set[int]:
    """Positions of the frame's syllables in `words` (lowercased syllables of the question, as
    `ingest.analysis.syllables` gives them). Never the whole question: when every syllable is
    frame, nothing is."""
    drop: set[int] = set()
    i = 0
    while i < len(words):
        run = next((r for r in _ANYWHERE if _matches(words, i, r)), None)
        if run is None:
            i += 1
            continue
        drop.update(range(i, i + len(run)))
        i += len(run)
    for i in range(len(words)):
        head = next((r for r in _CHOICE_HEADS if _matches(words, i, r)), None)
        if head is None:
            continue
        after = next((r for r in _AFTER_CHOICE if _matches(words, i + len(head), r)), None)
        if after is not None:
            drop.update(range(i + len(head), i + len(head) + len(after)))
    kept = [i for i in range(len(words)) if i not in drop]  # "…, là đúng? Chọn câu trả lời đúng nhất."
    rest = [words[i] for i in kept]
    run = next((r for r in _AT_START if _matches(rest, 0, r)), ())
    drop.update(kept[:len(run)])
    if _matches(rest, 0, ("theo",)) and any(_matches(rest, 1, r) for r in _CITED_SOURCES):
        drop.add(kept[0])
    run = next((r for r in _AT_END if _matches(rest, len(rest) - len(r), r)), ())
    drop.update(kept[len(kept) - len(run):] if run else ())
    return set() if len(drop) >= len(words) else drop
