"""The notebooks run top to bottom on the corpus (nbclient), and auditor.explore does what they show."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
import yaml

from auditor import explore

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


# ---------------------------------------------------------------- pure helpers

@pytest.mark.parametrize("value, expected", [
    ("284.4（283.4~285.4）", (284.4, 283.4, 285.4)),
    ("0（-1~1）", (0.0, -1.0, 1.0)),
    (364.4, (364.4, 364.4, 364.4)),
    (49, (49.0, 49.0, 49.0)),
    (None, (None, None, None)),
    ("无", (None, None, None)),
])
def test_parse_expected(value, expected):
    assert explore.parse_expected(value) == expected


@pytest.mark.parametrize("stated, band", [
    (284.4, (284.35, 284.45)), (90, (89.5, 90.5)), (1790.63, (1790.625, 1790.635)), ("0.00", (-0.005, 0.005)),
])
def test_rounding_band(stated, band):
    assert explore.rounding_band(stated) == pytest.approx(band)


def test_evidence_refs_read_the_evidence_data_not_its_words():
    check = {"evidence": "（words that name no table）",
             "tables": [{"table": 1, "title": "收支总表", "pages": [3]}, {"table": 4, "title": "三公表", "pages": []},
                        {"table": 2, "title": "上年的表", "pages": [1], "doc": "last-year"}],
             "cells": [{"table": 1, "row": 5, "col": None, "label": "一般公共预算", "column": "收入/金额", "value": "364.4"},
                       {"table": 2, "row": 0, "col": 1, "label": "合计", "column": "金额", "value": "1", "doc": "last-year"}]}
    assert explore.evidence_refs({"checks": [check]}) == [
        {"table": 1, "title": "收支总表", "pages": [3], "row": 5, "label": "一般公共预算", "column": "收入/金额",
         "col": None, "value": "364.4"},
        {"table": 4, "title": "三公表", "pages": [], "row": None, "label": None, "column": None, "col": None,
         "value": None}]


REGION_EXAMPLES = yaml.safe_load((ROOT / "auditor/data/regions.yaml").read_text(encoding="utf-8"))["examples"]


@pytest.mark.parametrize("department, province", REGION_EXAMPLES.items())
def test_region_examples(department, province):
    assert explore.province_of(department) == province


def test_province_from_file_prefix():
    assert explore.province_of("办公厅", None, ["js-npc-office-2019-budget-narrative.pdf"]) == "江苏"
    assert explore.province_of(None, None, ["sh-putuo-finance-bureau-2024-final-account.pdf"]) == "上海"
    assert explore.province_of("某某局", None, ["x.txt"]) == "未知"


def test_cjk_font_renders_chinese(tmp_path):
    family = explore.use_cjk_font()
    assert family is not None, "no CJK font installed (scripts/setup.sh installs fonts-noto-cjk)"
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=[family]), fallback_to_default=False)
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    assert all(font.get_char_index(ord(ch)) for ch in "一般公共预算万元")


# ---------------------------------------------------------------- the corpus

@pytest.fixture(scope="module")
def findings():
    return explore.load_findings(ROOT / "corpus")


@pytest.fixture(scope="module")
def docs():
    return explore.read_documents(ROOT / "corpus")


def test_frames_on_corpus(findings, docs):
    documents = explore.documents_frame(findings, docs)
    assert dict(zip(documents["doc"].str[:3], documents["province"])) == {
        "000": "陕西", "001": "河南", "002": "河南", "003": "河南", "004": "山西"}
    # charts name documents by department and year, never by their hash ids
    assert documents.set_index("doc")["document"]["002_c9d3211da2288e2b"] == "南阳市行政审批和政务信息管理局 2024"
    import matplotlib
    matplotlib.use("Agg")
    ticks = [t.get_text() for t in explore.plot_status_by(explore.claims_frame(findings, documents), "document")
             .get_yticklabels()]
    flat = lambda x: "".join(x.split())  # noqa: E731  (long names wrap onto two lines)
    assert sorted(map(flat, ticks)) == sorted(map(flat, documents["document"]))
    assert not any("_" in t for t in ticks)
    # fails and warns in panels of their own; labels never overlap
    fig = explore.plot_problems_by(explore.claims_frame(findings, documents), "document")
    fails, warns = fig.axes
    fig.canvas.draw()
    boxes = sorted((t.get_window_extent() for t in fails.get_yticklabels() if t.get_text()), key=lambda b: b.y0)
    assert len(boxes) >= 2 and all(a.y1 <= b.y0 + 0.5 for a, b in zip(boxes, boxes[1:]))
    counts = explore.status_table(explore.claims_frame(findings, documents), "document")
    assert max(p.get_width() for p in fails.patches) == counts["fail"].max() > 0
    bands = [t.get_text() for t in explore.plot_deviation_bands(explore.claims_frame(findings, documents))
             .get_yticklabels()]
    assert bands and not any(t.startswith(("000", "001", "002", "003", "004")) for t in bands)
    claims = explore.claims_frame(findings, documents)
    row = claims[(claims["doc"] == "003_6b3b4e85c1fcbcb6") & (claims["text"] == "一般公共预算 284.4 万元")].iloc[0]
    assert row["status"] == "fail" and row["expected_value"] == 364.4 and row["deviation"] == pytest.approx(-80)
    assert (row["band_lo"], row["band_hi"]) == pytest.approx((284.35, 284.45)) and not row["within_band"]
    top = explore.largest_deviations(claims, n=10)
    assert "一般公共预算 284.4 万元" in set(top["text"])
    assert top["deviation"].abs().is_monotonic_decreasing
    dd = explore.drill_down(row, docs)
    assert dd["sentence"] and "284.4" in dd["sentence"]
    first = dd["tables"][0]
    assert first["type"] == "income_expenditure_summary"
    assert first["rows"] is not None and len(first["rows"]) >= 1
    assert first["rows"].astype(str).apply(lambda r: r.str.contains("一般公共预算")).any().any()
    assert 364.4 in {float(v) for v in first["rows"].to_numpy().ravel() if not isinstance(v, str) and v is not None}
    checks = explore.table_checks_frame(findings, docs, documents)
    fail = checks[checks["status"] == "fail"]
    assert set(fail["rule"]) <= {"parts_sum_to_whole", "figure_agrees_across_tables"}
    health = explore.table_health(checks)
    assert {"expenditure_summary", "fiscal_grant_summary", "three_public"} <= set(health["table_type"])
    assert health["checks"].sum() == len(checks)


# ---------------------------------------------------------------- the notebooks

@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """A kernelspec running THIS interpreter (the venv), found through JUPYTER_PATH."""
    d = tmp_path_factory.mktemp("jupyter")
    spec = d / "kernels" / "auditor-venv"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "auditor venv", "language": "python"}))
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(d) + (os.pathsep + old if old else "")
    backend = os.environ.pop("MPLBACKEND", None)  # the kernel's inline backend embeds the charts
    yield "auditor-venv"
    if backend is not None:
        os.environ["MPLBACKEND"] = backend
    if old is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = old


def run_notebook(name: str, kernel: str, params: dict | None = None):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, "one cell tagged `parameters`"
    if params:
        cells[0].source += "\n" + "\n".join(f"{k} = {v!r}" for k, v in params.items())
    for c in nb.cells:  # notebooks call the package API only: no def/class in cells
        if c.cell_type == "code":
            assert "def " not in c.source and "class " not in c.source, c.source
    NotebookClient(nb, kernel_name=kernel, timeout=180, resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb


def outputs_text(nb) -> str:
    parts = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            if o.get("output_type") == "error":
                raise AssertionError(o.get("ename"))
            parts.append(o.get("text", ""))
            data = o.get("data", {})
            parts.append(data.get("text/plain", "") + data.get("text/html", ""))
    return "\n".join(parts)


def images(nb) -> int:
    return sum(1 for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))


def test_explore_anomalies_notebook(kernel_env):
    nb = run_notebook("explore_anomalies.ipynb", kernel_env)
    text = outputs_text(nb)
    assert "CJK font: None" not in text and "CJK font: " in text
    assert "一般公共预算 284.4 万元" in text and "003_6b3b4e85c1fcbcb6" in text
    assert "amount_matches_table" in text
    assert images(nb) >= 2


def test_table_health_notebook(kernel_env, findings, tmp_path):
    path = tmp_path / "findings.json"
    path.write_text(json.dumps(findings, ensure_ascii=False), encoding="utf-8")
    nb = run_notebook("table_health.ipynb", kernel_env, {"FINDINGS_JSON": str(path)})
    text = outputs_text(nb)
    for t in ("expenditure_summary", "fiscal_grant_summary", "three_public", "figure_agrees_across_tables"):
        assert t in text
    assert "河南·budget" in text and "2024" in text
    assert images(nb) >= 2
