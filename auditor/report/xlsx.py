"""The working paper (底稿): `auditor audit … --xlsx out/底稿.xlsx`, an auditor's review in Excel.

Sheet 问题清单 (findings): every fail / warn / unverified claim and every failing (fail / warn) table
check, one row each: id, document, file, page, sentence, stated, expected, 差额, rule and status in
Chinese, evidence, and the review columns verdict / note / by to fill in (a verdict already given
is filled in). Sheet 统计 (counts): each document's counts. Written one document at a time (openpyxl's
write-only mode): memory holds one document's rows. Read back with `--reviews 底稿.xlsx`
(auditor.review): the rows whose verdict, note or by is filled in are the reviews.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

FINDINGS_SHEET, COUNTS_SHEET = "问题清单", "统计"
# (key, header): the header is Chinese first; reading back matches the header, its English word or the key
COLUMNS = (("id", "编号 id"), ("doc", "文件 document"), ("file", "文件名 file"), ("page", "页 page"),
           ("sentence", "句子 sentence"), ("stated", "陈述 stated"), ("expected", "期望 expected"),
           ("difference", "差额 difference"), ("rule", "规则 rule"), ("status", "状态 status"),
           ("evidence", "证据 evidence"), ("verdict", "复核结论 verdict"), ("note", "复核说明 note"),
           ("by", "复核人 by"))
WIDTHS = {"id": 22, "doc": 24, "file": 24, "page": 6, "sentence": 60, "stated": 12, "expected": 12,
          "difference": 10, "rule": 16, "status": 10, "evidence": 60, "verdict": 12, "note": 30, "by": 10}
COUNT_COLUMNS = (("doc", "文件 document"), ("department", "部门 department"), ("year", "年度 year"),
                 ("kind", "类型 kind"), ("status", "状态 status"), ("tables", "表 tables"),
                 ("claims", "陈述 claims"), ("fail", "不符 fail"), ("warn", "舍入差异 warn"),
                 ("unverified", "未核实 unverified"), ("pass", "相符 pass"), ("dismissed", "已排除 dismissed"),
                 ("confirmed", "已确认 confirmed"))
LISTED = {"claims": ("fail", "warn", "unverified"), "table_checks": ("fail", "warn")}
ORDER = ("fail", "warn", "unverified")


def header_keys(header) -> dict[str, int]:
    """A header row -> {key: column index} (the header as written, its last word, or the key itself)."""
    names = {}
    for key, head in COLUMNS:
        for name in (head, head.split()[-1], key):
            names[name.strip().lower()] = key
    out = {}
    for i, h in enumerate(header or ()):
        key = names.get(str(h or "").strip().lower())
        if key is not None and key not in out:
            out[key] = i
    return out


def _rule_names():
    from auditor.rules import EXPECTATIONS

    return {e.rule: e.name for e in EXPECTATIONS}


def _decimal(x):
    try:
        return None if x is None or isinstance(x, bool) else Decimal(str(x))
    except InvalidOperation:
        return None


def finding_to_row(rec: dict, rules: dict[str, str]) -> list:
    """One finding (claim or table check record) as a row of the findings sheet."""
    from auditor.review import STATUS_WORDS, VERDICT_WORDS

    rule = rec.get("rule") or ""
    if "checks" in rec:  # a claim: the rule of the check that decided it, else all its rules
        decided = next((k for k in rec["checks"] if k["id"] == rec.get("decided_by")), None)
        rule = decided["rule"] if decided else rule
    stated, expected = _decimal(rec.get("stated")), _decimal(rec.get("expected"))
    review = rec.get("review") or {}
    values = {
        **rec, "file": Path(rec["file"]).name if rec.get("file") else "",
        "sentence": rec.get("sentence") or (f"表《{rec['table']}》" if rec.get("table") else ""),
        "difference": float(stated - expected) if stated is not None and expected is not None else None,
        "rule": "、".join(rules.get(r, r) for r in rule.split(",") if r),
        "status": STATUS_WORDS.get(rec["status"], rec["status"]),
        "verdict": VERDICT_WORDS[review["verdict"]] if review.get("verdict") else None,
        "note": review.get("note") or None, "by": review.get("by") or None,
    }
    return [_cell(values.get(key)) for key, _ in COLUMNS]


def _cell(v):
    if isinstance(v, (list, dict)):
        return str(v)
    return v


class Workbook:
    """The working paper, written one document's part of the findings at a time; close() saves it."""

    def __init__(self, path: str | Path):
        import openpyxl
        from openpyxl.worksheet.datavalidation import DataValidation

        from auditor.review import VERDICT_WORDS, VERDICTS

        self.path = Path(path)
        self.wb = openpyxl.Workbook(write_only=True)
        self.findings = self.wb.create_sheet(FINDINGS_SHEET)
        self.counts = self.wb.create_sheet(COUNTS_SHEET)
        for i, (key, _) in enumerate(COLUMNS):
            self.findings.column_dimensions[_letter(i)].width = WIDTHS.get(key, 12)
        self.findings.freeze_panes = "B2"
        choices = ",".join(VERDICT_WORDS[v] for v in VERDICTS)
        dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        col = _letter([k for k, _ in COLUMNS].index("verdict"))
        dv.add(f"{col}2:{col}1048576")
        self.findings.data_validations.append(dv)
        self.findings.append([h for _, h in COLUMNS])
        self.counts.append([h for _, h in COUNT_COLUMNS])
        self.rules = _rule_names()
        self.rows = 0

    def add(self, part: dict) -> None:
        from auditor.review import STATUS_WORDS

        rows = [rec for key, listed in LISTED.items() for rec in part.get(key, []) if rec["status"] in listed]
        for rec in sorted(rows, key=lambda r: ORDER.index(r["status"])):  # fails first, each document's in turn
            self.findings.append(finding_to_row(rec, self.rules))
            self.rows += 1
        for d in part["documents"]:
            c = d.get("counts") or {}
            row = {**d, **{s: c.get(s, 0) for s in STATUS_WORDS}, "dismissed": c.get("dismissed", 0),
                   "confirmed": (c.get("reviews") or {}).get("confirmed", 0)}
            self.counts.append([_cell(row.get(key)) for key, _ in COUNT_COLUMNS])

    def close(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.findings.auto_filter.ref = f"A1:{_letter(len(COLUMNS) - 1)}{self.rows + 1}"
        self.wb.save(self.path)
        return self.path


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)
