"""Issue 4: every published PDF audits without a crash, as one document per narrative/tables pair."""
from pathlib import Path

import pytest

from auditor import api

PDFS = Path(__file__).resolve().parents[2] / "shared" / "pdfs"
pytestmark = pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdfs is not beside the checkout")


def test_every_pdf_audits_without_a_crash():
    data, errors = api.audit([PDFS])
    assert errors == []
    docs = {d["doc"]: d for d in data["documents"]}
    stems = {p.stem.replace("-narrative", "").replace("-tables", "") for p in PDFS.glob("*.pdf")}
    assert set(docs) == stems
    for doc, d in docs.items():
        assert d["status"] == "ok" and d["tables"] >= 5 and d["claims"] >= 20, doc
    assert {d["kind"] for d in docs.values()} == {"budget", "final_account"}
    # each publishes every table of its template (js-npc-office-2017: two tables the reader joins to
    # the one above them count by their titles printed on their pages), none is without tables
    assert [t["id"] for t in data["table_checks"] if t["rule"] == "tables_complete"] == []
    assert not any(d["no_tables"] for d in docs.values())
    judged = [c for c in data["claims"] if c["status"] != "unverified"]
    assert len(judged) > len(data["claims"]) / 2


def test_a_stated_reason_never_passes_an_unchecked_figure():
    """sh-putuo-wanli-subdistrict-2024-budget: 28 rates "比2023年预算执行数增加/减少X%" whose sentence
    holds no figure to compute them from; each has a reason. They are unverified, not pass, and the
    reason check stays a finding of its own in the claim's checks and in the counts."""
    from conftest import figure_verdict_violations

    data, _ = api.audit([PDFS / "sh-putuo-wanli-subdistrict-2024-budget.pdf"])
    assert figure_verdict_violations(data) == []
    rates = [c for c in data["claims"] if c["kind"] == "growth" and "预算执行数" in c["sentence"]
             and any(k["rule"] == "reason_given" and k["status"] == "pass" for k in c["checks"])]
    assert len(rates) >= 20
    for c in rates:
        assert c["decided_by"] and not c["decided_by"].endswith(":reason_given"), c
        if not c["figure_checked"]:
            assert c["status"] == "unverified", c
            assert c["evidence"].startswith("句中无本年数与增减额可算增长率"), c
    counts = data["counts"]
    assert counts["reasons"]["pass"] >= len(rates)
    assert counts["figure_checked"] == sum(1 for c in data["claims"] if c["figure_checked"])
    assert counts["claims"]["pass"] <= counts["figure_checked"]
