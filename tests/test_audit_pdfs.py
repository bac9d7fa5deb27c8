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
    judged = [c for c in data["claims"] if c["status"] != "unverified"]
    assert len(judged) > len(data["claims"]) / 2
