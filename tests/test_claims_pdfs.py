"""Claims come out of the narrative of every real PDF in ../shared/pdfs (both provinces, the final
account, and the Jiangsu narrative+tables pairs read as one document)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from auditor.claims import extract
from auditor.model import Document

PDFS = Path(__file__).resolve().parents[2] / "shared" / "pdfs"
pytestmark = pytest.mark.skipif(not PDFS.is_dir(), reason="shared PDFs not available")


@pytest.fixture(scope="module")
def claims_by_doc():
    """Narrative claims of each PDF (the *-tables.pdf halves hold no narrative; read with read_pdf)."""
    from auditor.ingest.pdf import read_pdf

    out = {}
    for f in sorted(PDFS.glob("*.pdf")):
        if f.stem.endswith("-tables"):
            continue
        blocks, _ = read_pdf(f)
        kind = "final_account" if "final-account" in f.stem else "budget"
        doc = Document(doc=f.stem.removesuffix("-narrative"), files=[str(f)], blocks=blocks, kind=kind)
        out[doc.doc] = extract(doc)
    return out


def _find(claims, **want):
    for c in claims:
        if all((Decimal(str(v)) == c.stated) if k == "stated" else getattr(c, k) == v
               for k, v in want.items()):
            return c
    raise AssertionError(f"no claim {want}")


def test_every_pdf_yields_claims(claims_by_doc):
    assert len(claims_by_doc) == 19
    for doc, claims in claims_by_doc.items():
        kinds = {c.kind for c in claims}
        assert len(claims) >= 40, doc
        assert {"amount", "composition"} <= kinds, doc
        assert kinds & {"change", "growth", "flat"}, doc
        assert all(c.page for c in claims), doc
        assert all(c.sentence[c.start:c.end] == c.text for c in claims), doc
        assert len({c.id for c in claims}) == len(claims), doc


def test_jiangsu_cppcc_2017(claims_by_doc):
    cs = claims_by_doc["js-cppcc-office-2017-budget"]
    total = _find(cs, kind="amount", subject="本年收入合计", stated="9146.79")
    assert total.page == 8
    part = _find(cs, kind="amount", subject="一般公共预算拨款收入", stated="9066.79", parent=total.id)
    _find(cs, kind="share", stated="99.13", of=part.id, whole=total.id)
    ch = _find(cs, kind="change", stated="498.72", direction=1, base="上年", subject="基本支出")
    assert ch.reason.startswith("政策性增资")
    _find(cs, kind="amount", subject="一般公共服务支出", stated="6543.55")     # "一般公共服务（类）支出"
    _find(cs, kind="amount", subject="住房公积金", stated="341.75")           # "住房公积金（款）支出"


def test_shanghai_wanli_2024(claims_by_doc):
    cs = claims_by_doc["sh-putuo-wanli-subdistrict-2024-budget"]
    inc = _find(cs, kind="amount", subject="财政拨款收入", stated="15621.11")
    _find(cs, kind="change", subject="财政拨款收入", stated="876.75", direction=-1, base="2023年", of=inc.id)
    _find(cs, kind="flat", subject="政府性基金支出", base="2023年")
    g = _find(cs, kind="growth", stated="57.14", direction=-1)
    assert g.reason == "项目调整"
    item = _find(cs, kind="amount", stated="25.77", subject="一般公共服务支出")
    assert "专项普查活动" in item.subject_text


def test_shanghai_final_account(claims_by_doc):
    cs = claims_by_doc["sh-putuo-finance-bureau-2024-final-account"]
    total = _find(cs, kind="amount", subject="本年收入合计", stated="2946.25")
    fiscal = _find(cs, kind="amount", subject="财政拨款收入", stated="2940.05", parent=total.id)
    _find(cs, kind="share", stated="99.79", of=fiscal.id)
    _find(cs, kind="change", stated="56.95", direction=-1, base="2023年")
    _find(cs, kind="growth", stated="1.87", direction=-1, base="2023年")
    _find(cs, kind="amount", stated="2993.92", base="年初预算", subject="一般公共预算支出")
    _find(cs, kind="absence", subject="政府性基金支出")   # 无政府性基金预算财政拨款支出


def test_jiangsu_pair_is_one_document():
    from auditor.ingest import read_all

    docs, errors = read_all([PDFS / "js-party-office-2019-budget-narrative.pdf",
                             PDFS / "js-party-office-2019-budget-tables.pdf"])
    assert not errors and len(docs) == 1
    cs = extract(docs[0])
    assert len(cs) > 80
    assert {c.file for c in cs if c.kind == "amount"} == {str(PDFS / "js-party-office-2019-budget-narrative.pdf")} \
        or all("narrative" in c.file for c in cs if c.kind == "amount")
