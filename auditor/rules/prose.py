"""The sentence around a claim's figure, as several rules read it: the clause before the figure,
whether the figure sits inside a reason, the item a subject path ends in (words: data/rules.yaml)."""
from __future__ import annotations

import re
from functools import lru_cache

from auditor import link, nlp
from auditor.rules.base import pattern, vocab

_CLAUSE_END = re.compile(r"[，,。；;！？!?]")
_DIGIT = re.compile(r"[\d０-９]")
_SPACES = re.compile(r"\s+")
_REASON_WORD, _CHANGE_WORD = pattern("prose", "reason_word"), pattern("prose", "change_word")
_GENERIC_TAIL, _LEVEL_SPLIT = pattern("prose", "generic_tail"), pattern("prose", "level_split")
_PATH_WORD, _REASON_END = pattern("prose", "path_word"), pattern("prose", "reason_end")


def head(c) -> str:
    """The words of the claim's clause before its figure, spaces removed
    ("2.提租补贴(项):支出 2,586.61万元" -> "2.提租补贴(项):支出")."""
    return _clause_head(c.sentence, c.start, c.text)


@lru_cache(maxsize=4096)
def _clause_head(sentence: str, start: int, claim_text: str) -> str:  # asked for several times per claim
    before = sentence[:start]
    cut = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
    m = _DIGIT.search(claim_text)
    return _SPACES.sub("", before[cut:] + (claim_text[:m.start()] if m else claim_text))


def inside_reason(c) -> bool:
    """A figure inside a reason ("主要原因是…增加…23.3万元") or a purpose ("主要用于…"); a list opened
    after it ("主要用于保障运转，其中：人员经费…") states levels again."""
    last = None
    for last in _REASON_WORD.finditer(c.sentence, 0, c.start):
        pass
    if last is None:
        return False
    return not _REASON_END.search(c.sentence, last.end(), c.start)


def in_reason(c) -> bool:
    """An amount inside a reason, or stated as a change ("基本支出增加…1447.63万元"): not a level."""
    h = head(c)
    return inside_reason(c) or (bool(_CHANGE_WORD.search(h)) and not _to_level().search(h))


def _to_level():
    """"增加到B万元": B is a level, not a change (the claim extractor's words)."""
    return _claim_words().to_level


def _claim_words():
    from auditor.claims import patterns

    return patterns()


def counted(concept: str) -> bool:
    """True for things counted (项目数, 车辆…) rather than paid."""
    try:
        return bool(nlp.concept(concept).get("count"))
    except KeyError:
        return False


def generic_tail(words: str) -> bool:
    return bool(_GENERIC_TAIL.match(words))


def parent_item(c, context: str = "") -> str | None:
    """The level above sub_item's in the claim's path ("…人大事务（款）行政运行（项）" -> 人大事务), or None."""
    _, words = _path_words(c, context)
    return words[-2] if len(words) >= 2 else None


def _path_words(c, context: str) -> tuple[int, list[str]]:
    """(how many pieces the claim's path splits into, its levels' names that name an item)."""
    h = head(c)
    if context and _LEVEL_SPLIT.search(context) and not _LEVEL_SPLIT.search(h):
        h = context
    pieces = _LEVEL_SPLIT.split(h)
    words = [_PATH_WORD.sub("", link.clean_label(w).strip(":：为是")) for w in pieces]
    return len(pieces), [w for w in words if w and not generic_tail(w)]


def sub_item(c, context: str = "") -> str | None:
    """The item a claim's figure belongs to when its concept names something else:
    the last level of a path ("行政事业单位离退休（款）未归口管理的行政单位离退休（项）",
    "卫生健康支出-行政事业单位医疗-行政单位医疗", "提租补贴(项):支出") or an "其他…" item
    ("其他商品和服务支出（款）"). `context` is an item line above a bare "支出决算为…".
    None when the concept itself is that item."""
    pieces, words = _path_words(c, context)
    if not words:
        return None
    names = ({link.clean_label(n) for n in (nlp.concept(c.subject).get("names") or [])} | {c.subject}
             if c.subject else set())
    last = words[-1]
    other_, spend = _claim_words().other_item, vocab("prose")["spending"]
    other = bool(c.subject) and last.startswith(other_) and not any(n.startswith(other_) for n in names)
    if pieces < 2 and not other:
        return None
    if last in names or any(last == n + spend or n == last + spend for n in names):
        return None
    return last
