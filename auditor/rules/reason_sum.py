"""增减原因各项与增减额一致 — "比上年增加4,322.77万元，主要原因是基本支出增加1,447.63万元、项目支出减少
200万元、预留机动经费增加3,075.14万元": when the changes a reason lists add up, with their signs, to
the change it explains, each of them and the change are checked by the others. A reason names the
main causes only, so a list that does not add up is no error: its figures stay as their own checks
leave them (inside a reason, unverified with that reason)."""
from __future__ import annotations

from auditor import link
from auditor.claims import patterns
from auditor.evidence import quote, says
from auditor.numbers import Interval, interval_sum
from auditor.rules import prose
from auditor.rules.base import CLAIMS, Context, Row, Rule

RULE_ID = "growth_matches_change"


def check(ctx: Context) -> list[Row]:
    rows = []
    claims = ctx.claims
    for i, c in enumerate(claims):
        if c.kind != "change" or not c.direction or c.stated is None or c.unit not in link.UNIT_IN_YUAN \
                or prose.inside_reason(c):
            continue
        items = list(_reasons(claims, i))
        if len(items) < 2:
            continue
        signed = [(r, d, _figure(r, c.unit).scale(d)) for r, d in items]
        total = _figure(c, c.unit).scale(c.direction)
        if not total.meets(interval_sum(s for _, _, s in signed)):
            continue
        quoted = [_signed(r, d) for r, d in items]
        rows.append(ctx.checked_by(c, c, "in_reason_of", RULE_ID, says("reason_sum.total", items=quoted),
                                   interval_sum(s for _, _, s in signed).scale(c.direction)))
        for j, (r, d, _) in enumerate(signed):
            others = interval_sum(s for k, (_, _, s) in enumerate(signed) if k != j)
            ev = says("reason_sum.item", change=quote(c.text, c.id), others=quoted[:j] + quoted[j + 1:])
            rows.append(ctx.checked_by(r, c, "in_reason_of", RULE_ID, ev,
                                       (total - others).scale(d).scale(link.conversion(c.unit, r.unit))))
    return rows


def _reasons(claims: list, i: int):
    """The changes the reason after claims[i] lists, with their signs: the claims right after it in
    its paragraph that are inside a reason, up to the first that is not."""
    c = claims[i]
    for r in claims[i + 1:]:
        if r.sentence == c.sentence and not prose.inside_reason(r):
            continue  # the rest of the change's own sentence ("…增加X万元，增长Y%。")
        if r.block != c.block or r.kind not in ("change", "amount") or r.stated is None \
                or r.unit not in link.UNIT_IN_YUAN:
            break
        if not prose.inside_reason(r):
            break
        d = r.direction if r.kind == "change" else _direction(prose.head(r))
        if not d:
            break
        yield r, d


def _direction(head: str) -> int:
    """The sign the last change verb before an amount gives it ("基本支出增加人员经费1,408.29万元": +1)."""
    best, at = 0, -1
    for w, d in patterns().change_dir.items():
        k = head.rfind(w)
        if k > at or (k == at and k >= 0 and len(w) > 1):
            best, at = d, k
    return best


def _figure(c, unit: str) -> Interval:
    return Interval.printed(c.stated).scale(link.conversion(c.unit, unit))


def _signed(r, d: int) -> dict:
    return says("reason_sum.signed", sign="+" if d > 0 else "−", item=quote(r.text, r.id))


RULE = Rule(
    id="reason_sum", reports=RULE_ID, scope=CLAIMS, applies_to=("change", "amount"),
    name="增减原因各项与增减额一致", name_en="The changes a reason lists add up to the change",
    summary="原因中列出的各项增减（带增减方向）相加等于所说明的增减额时，增减额与各项都由其余各数核对。",
    summary_en="When the changes a reason lists add up, with their signs, to the change it explains, "
               "the change and each listed change are checked by the others.",
    levels=("warn", "fail"), examples="corpus/rules/reason_sum.yaml", check=check)
