"""The table step on real PDFs (read by auditor.ingest.pdf): pairing, typing, merging, final accounts."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from auditor.ingest import read_all
from table_lookup import find_value

PDFS = Path(__file__).resolve().parents[2] / "shared" / "pdfs"
FILES = ["js-cppcc-office-2019-budget-tables.pdf", "js-cppcc-office-2019-budget-narrative.pdf",
         "sh-putuo-finance-bureau-2024-final-account.pdf"]

pytestmark = pytest.mark.skipif(not all((PDFS / f).exists() for f in FILES), reason="shared PDFs not present")


@pytest.fixture(scope="module")
def docs():
    documents, errors = read_all([PDFS / f for f in FILES])
    assert errors == []
    return {d.doc: d for d in documents}


def test_pair_is_one_document(docs):
    d = docs["js-cppcc-office-2019-budget"]
    assert d.files == ["js-cppcc-office-2019-budget-narrative.pdf", "js-cppcc-office-2019-budget-tables.pdf"]
    assert d.year == 2019 and d.kind == "budget" and d.department == "江苏省政协办公厅"
    assert [t.type for t in d.tables] == [
        "income_expenditure_summary", "income_summary", "expenditure_summary", "fiscal_grant_summary",
        "fiscal_grant_expenditure", "fiscal_grant_basic_expenditure", "general_budget_expenditure",
        "general_budget_basic_expenditure", "three_public", "gov_fund_expenditure", "operating_cost",
        "procurement"]
    t = d.tables[0]
    assert t.unit == "万元" and t.pages == [1]
    assert find_value(t, ["收入合计"])[0][2] == Decimal("13377.11")
    assert find_value(t, ["住房保障支出"])[0][2] == Decimal("2247.04")
    assert find_value(t, ["上年结转资金"]) == []  # printed blank
    assert d.tables[9].empty


def test_final_account(docs):
    d = docs["sh-putuo-finance-bureau-2024-final-account"]
    assert d.kind == "final_account" and d.year == 2024
    types = [t.type for t in d.tables]
    for expected in ("final_income_expenditure_summary", "final_income", "final_expenditure",
                     "final_fiscal_grant_summary", "final_general_budget_expenditure",
                     "final_general_budget_basic_expenditure", "final_three_public"):
        assert expected in types
    t = d.tables[types.index("final_income_expenditure_summary")]
    assert t.pages == [6, 7]  # continued over a page break: one table
    totals = [v for _, _, v in find_value(t, ["总计"])]
    assert totals == [Decimal("2995.39"), Decimal("2995.39")]
    assert find_value(t, ["年初结转和结余"])[0][2] == Decimal("49.14")
