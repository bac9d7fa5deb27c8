"""auditor.parallel: the process-pool audit gives the same findings as the in-memory one,
streams compact results, and a broken document never stops the run."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from auditor import api, gx, parallel, pipeline
from auditor.cli import main

CORPUS = Path(__file__).parents[1] / "corpus"
SEEDS = sorted(CORPUS.glob("*.txt"))


def _canon(findings: dict) -> str:
    return json.dumps(findings, sort_keys=True, ensure_ascii=False, default=str)


@pytest.fixture(scope="module")
def serial():
    return api.audit([CORPUS])


@pytest.fixture(scope="module")
def pooled():
    return api.audit([CORPUS], workers=2)


def test_two_workers_give_the_same_findings_as_one_process(serial, pooled):
    (a, ea), (b, eb) = serial, pooled
    assert ea == [] and eb == []
    assert _canon(a) == _canon(b)
    docs = {d["doc"]: d for d in b["documents"]}
    assert len(docs) == 5
    assert (docs["000_a196a527a44fa05c"]["year"], docs["000_a196a527a44fa05c"]["department"]) == (2023, "汉中市南郑区政府信息中心")
    assert docs["002_c9d3211da2288e2b"]["year"] == 2024
    assert docs["004_cb36ed78a1daab39"]["tables"] == 25
    # findings come back in input order, whatever order the workers finished in
    assert [d["doc"] for d in b["documents"]] == [p.stem for p in SEEDS]
    assert [c["doc"] for c in b["claims"]] == sorted(c["doc"] for c in b["claims"])


def test_collect_returns_compact_results_not_documents():
    run = parallel.collect(SEEDS[:2], workers=2)
    assert [d.doc for d in run.docs] == [p.stem for p in SEEDS[:2]]
    assert not hasattr(run.docs[0], "blocks") or run.docs[0].blocks == []  # no narrative kept without a spill
    assert len(run.docs[0].tables) == 14  # the count survives for the findings contract
    # in memory: only the columns GX reads (no ids, sentences or evidence text), keyed by document
    assert list(run.judged.columns) == gx.JUDGED_COLUMNS
    assert set(run.judged["doc"]) == {p.stem for p in SEEDS[:2]}
    assert (run.judged["row"] // gx.KEY_STRIDE).tolist() == [int(d == SEEDS[1].stem) for d in run.judged["doc"]]
    assert run.n_claims == 59 + 62
    # the rest waits on disk, one document at a time
    second = run.details(1)
    assert len(second["claims"]) == 62 and {r["doc"] for r in second["rows"]} == {SEEDS[1].stem}
    assert sum(r["has_evidence"] for r in second["rows"]) == (run.judged["doc"] == SEEDS[1].stem).sum()


def test_spilled_documents_load_on_demand(tmp_path):
    run = parallel.collect(SEEDS[:1], workers=1, spill_dir=tmp_path, keep_documents=True)
    d = run.docs[0]
    assert isinstance(d, pipeline.SpilledDocument)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0000000.doc.pkl.z", "0000000.rows.pkl.z"]
    assert "汉中市南郑区政府信息中心" in d.text  # loaded from the spill file
    assert [t.index for t in d.tables] == list(range(14))


def test_a_broken_document_is_listed_and_the_run_goes_on(tmp_path):
    good = tmp_path / SEEDS[0].name
    shutil.copy(SEEDS[0], good)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not a pdf\n")
    result, errors = api.audit([tmp_path], workers=2)
    assert [d["doc"] for d in result["documents"] if d["status"] == "ok"] == [good.stem]
    bad = {Path(e.path).name: e.problem for e in errors}
    assert set(bad) == {"empty.txt", "broken.pdf"}
    assert all(bad.values())
    assert sum(1 for c in result["claims"] if c["doc"] == good.stem) == 59


def test_a_crashing_worker_costs_only_its_document(tmp_path, monkeypatch):
    for p in SEEDS[:3]:
        shutil.copy(p, tmp_path / p.name)
    victim = SEEDS[1].name
    real = pipeline.document_to_result

    def crashy(group, index, spill_dir, keep=False, doc=None, limits=None):
        if any(Path(g).name == victim for g in group):
            os._exit(3)  # a native crash: the process dies without a Python exception
        return real(group, index, spill_dir, keep, doc, limits)

    monkeypatch.setattr(pipeline, "document_to_result", crashy)
    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("needs fork to carry the patched worker")
    run = parallel.collect([tmp_path], workers=2, chunksize=2)
    assert [d.doc for d in run.docs] == [SEEDS[0].stem, SEEDS[2].stem]
    assert [Path(e.path).name for e in run.errors] == [victim]
    assert "crashed" in run.errors[0].problem


def test_cli_workers_writes_the_same_report(tmp_path, serial):
    out = tmp_path / "out"
    code = main(["audit", str(CORPUS), "--workers", "2", "--out", str(out), "--json", str(tmp_path / "f.json")])
    assert code == 1  # the seeds have failing claims
    data = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert _canon(data) == _canon(json.loads(json.dumps(serial[0], ensure_ascii=False, default=str)))
    pages = sorted(p.name for p in (out / "report" / "doc").iterdir())
    assert len(pages) == 5
    # the document pages were rendered from the spilled Documents: the narrative is there
    page = (out / "report" / "doc" / pages[0]).read_text(encoding="utf-8")
    assert "汉中市南郑区政府信息中心" in page


def test_files_written_by_two_workers_are_those_of_one_process_byte_for_byte(tmp_path):
    # each worker spools its documents' lines and rows as bytes; the writer copies them in input order
    for workers in ("1", "2"):
        assert main(["audit", str(CORPUS), "--workers", workers, "--out", str(tmp_path / workers), "--quiet"]) == 1
    for name in ("findings.json", "claims.csv", "table_checks.csv"):
        one, two = (tmp_path / "1" / name).read_bytes(), (tmp_path / "2" / name).read_bytes()
        assert one == two and len(one) > 10_000, name
    assert (tmp_path / "2" / "claims.csv").read_bytes().startswith("\ufeffid,doc,".encode("utf-8"))
    assert not (tmp_path / "2" / ".findings-spool").exists()


def test_streamed_run_hands_each_document_over_once_and_keeps_only_counts(tmp_path, serial):
    parts = []
    result, errors = api.audit([CORPUS], out_dir=tmp_path / "out", workers=2, keep=False, on_document=parts.append)
    assert errors == [] and "claims" not in result and "table_checks" not in result
    assert [p["documents"][0]["doc"] for p in parts if p["documents"]] == [p.stem for p in SEEDS]
    streamed = {k: [r for p in parts for r in p[k]] for k in ("documents", "claims", "table_checks")}
    kept = serial[0]
    assert _canon(streamed) == _canon({k: kept[k] for k in streamed})
    assert result["counts"] == kept["counts"] and result["counts"]["fail"] >= 1
    written = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert _canon(written) == _canon(json.loads(json.dumps(kept, ensure_ascii=False, default=str)))


def test_cli_json_to_stdout_is_the_findings_file_and_nothing_else(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["audit", str(SEEDS[2]), "--out", str(out), "--json", "-"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed) == json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert json.loads(printed)["documents"][0]["doc"] == SEEDS[2].stem
