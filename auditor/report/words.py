"""The words a person reads for the codes of the findings: statuses, review verdicts, document
kinds (data/report_words.yaml), rule names and summaries (the registry, auditor/rules) and table
types (data/tables.yaml). findings.json keeps the codes; the reports and the console print these."""
from __future__ import annotations

import functools

from auditor.data import read as read_data


@functools.lru_cache(maxsize=None)
def words() -> dict:
    return read_data("report_words.yaml")


def status(code: str | None) -> str:
    """'fail' -> '不符' (an unknown code is itself)."""
    return words()["status"].get(code, code or "")


def verdict(code: str | None) -> str:
    """'dismissed' -> '已排除'; no verdict -> '未复核'."""
    return words()["verdict"].get(code or "none", code or "")


def kind(code: str | None, year: int | str | None = None) -> str:
    """('budget', 2018) -> '2018年部门预算'; without a year '部门预算'."""
    if year:
        return words()["kind"].get(code, "{year}" + (code or "")).format(year=year)
    return words()["kind_no_year"].get(code, code or "")


def document(d: dict) -> str:
    """A document as a person names it: '南阳市…局 2024年部门预算', its id when nothing is known."""
    if not d.get("department") and not d.get("year"):
        return d["doc"]
    return " ".join(x for x in (d.get("department"), kind(d.get("kind"), d.get("year"))) if x)


def label(key: str) -> str:
    return words()["list"][key]


@functools.lru_cache(maxsize=None)
def _rules() -> dict[str, tuple[str, str]]:
    """{rule or expectation id: (中文名, one-sentence summary)}: every rule of the registry and
    every expectation (the `rule` of a finding)."""
    from auditor.rules import EXPECTATIONS, RULES

    return {**{r.id: (r.name, r.summary) for r in RULES}, **{e.rule: (e.name, e.summary) for e in EXPECTATIONS}}


@functools.lru_cache(maxsize=None)
def rule_name(code: str | None) -> str:
    """'amount_matches_table' -> '金额与表格一致'; several ('a,b') -> joined with '、'."""
    return "、".join(_rules().get(c, (c, ""))[0] for c in (code or "").split(",") if c)


def rule_names() -> dict[str, str]:
    """{rule or expectation id: 中文名} of the whole registry."""
    return {c: name for c, (name, _) in _rules().items()}


@functools.lru_cache(maxsize=None)
def rule_summary(code: str | None) -> str:
    return "；".join(_rules().get(c, ("", ""))[1] for c in (code or "").split(",") if c)


def rule_codes(query: str) -> set[str]:
    """The rule and expectation ids a user's `--rule` names: an id, or a Chinese name (or a part of
    one); several separated by commas. An unknown word names nothing."""
    out = set()
    for q in (x.strip() for x in query.split(",")):
        if not q:
            continue
        out |= {c for c, (name, _) in _rules().items() if q == c or (q in name)}
    return out


@functools.lru_cache(maxsize=None)
def _table_types() -> dict[str, str]:
    from auditor.tables import load_types

    data = load_types()
    return {"other": data["other_name"], **{t["id"]: t["name"] for t in data["types"]}}


def table_type(code: str | None) -> str:
    """'general_budget_expenditure' -> '一般公共预算支出表'."""
    return _table_types().get(code, code or "")
