"""Hostile input, one behaviour each: one bad document never costs the run, every input is named,
limits hold, ids never collide (issue: isolation, limits, escaping)."""
from __future__ import annotations

import json
import os
import pickle
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest

from auditor import api, cli, parallel, pipeline
from auditor.ingest import document_ids, plan, read_all
from auditor.ingest.encoding import bytes_to_text
from auditor.ingest.text import html_table_to_rows, text_to_parts
from auditor.model import IngestError, InternalError, LimitError, text_to_line
from auditor.numbers import fmt, try_number
from auditor.settings import Limits

CORPUS = Path(__file__).parents[1] / "corpus"
SEEDS = sorted(CORPUS.glob("*.txt"))
GOOD = "某单位2023年部门预算\n\n收入总计 10.00 万元。\n"
FORK = "fork" in __import__("multiprocessing").get_all_start_methods()


def test_errors_pickle_with_their_fields_and_message():
    for cls in (IngestError, InternalError, LimitError):
        e = cls("a\nb.txt", "empty file", "Traceback …")
        back = pickle.loads(pickle.dumps(e))
        assert type(back) is cls and (back.path, back.problem, back.detail) == (e.path, e.problem, e.detail)
        assert str(back) == str(e) == "a\\nb.txt: empty file"


@pytest.mark.skipif(not FORK, reason="the pool forks")
def test_unreadable_files_get_the_same_message_with_workers(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02abc" * 20)
    shutil.copy(SEEDS[2], tmp_path / SEEDS[2].name)
    one = parallel.collect([tmp_path], workers=1)
    two = parallel.collect([tmp_path], workers=2)
    assert [str(e) for e in one.errors] == [str(e) for e in two.errors]
    assert sorted(e.problem for e in two.errors) == ["binary data, not a text file", "empty file"]


def _boom_on(victim: str):
    from auditor import checks

    real = checks.document_checks

    def boom(doc, claims):
        if doc.doc == victim:
            raise ZeroDivisionError("a bug met by this document only")
        return real(doc, claims)
    return boom


@pytest.mark.parametrize("workers", [1, 2])
def test_an_unexpected_exception_costs_only_its_document(tmp_path, monkeypatch, capsys, workers):
    from auditor import checks

    if workers > 1 and not FORK:
        pytest.skip("the pool forks")
    for p in SEEDS[:3]:
        shutil.copy(p, tmp_path / p.name)
    monkeypatch.setattr(checks, "document_checks", _boom_on(SEEDS[1].stem))
    out = tmp_path / "out"
    code = cli.main(["audit", str(tmp_path), "--out", str(out), "--workers", str(workers)])
    assert code == cli.EXIT_INTERNAL == 3
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]
    assert len(err) == 1 and SEEDS[1].name in err[0] and "ZeroDivisionError" in err[0]
    found = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    status = {d["doc"]: d["status"] for d in found["documents"]}
    assert status == {SEEDS[0].stem: "ok", SEEDS[2].stem: "ok", SEEDS[1].stem: "internal_error"}
    assert {c["doc"] for c in found["claims"]} == {SEEDS[0].stem, SEEDS[2].stem}
    log = (out / "auditor.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "ZeroDivisionError: a bug met by this document only" in log


def test_a_page_that_cannot_be_written_costs_only_its_document(tmp_path, monkeypatch):
    from auditor.report import html

    real = html.Site._document

    def broken(self, d, *args):
        if d["doc"] == SEEDS[0].stem:
            raise RuntimeError("template bug")
        return real(self, d, *args)

    monkeypatch.setattr(html.Site, "_document", broken)
    result, errors = api.audit(SEEDS[:2], out_dir=tmp_path / "out")
    assert [(d["doc"], d["status"]) for d in result["documents"]] == [(SEEDS[0].stem, "internal_error"),
                                                                      (SEEDS[1].stem, "ok")]
    assert [type(e).__name__ for e in errors] == ["InternalError"] and "RuntimeError" in errors[0].problem
    assert (tmp_path / "out" / "report" / "doc" / f"{SEEDS[1].stem}.html").exists()


def test_exit_codes(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert cli.main(["audit", str(tmp_path / "empty.txt"), "--out", str(tmp_path / "o1")]) == 2
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    assert cli.main(["audit", str(tmp_path / "good.txt"), "--out", str(tmp_path / "o2")]) == 0
    assert cli.main(["audit", str(SEEDS[0]), "--out", str(tmp_path / "o3")]) == 1


def test_numbers_of_any_size_never_raise():
    assert fmt(Decimal("12345678901234567890123456789.00"), 2) == "12345678901234567890123456789.00"
    assert fmt(Decimal("9" * 60), 2) == "9" * 60 + ".00"
    assert fmt(float("inf"), 2) == "Infinity" and fmt(Decimal("NaN"), 1) == "NaN"
    assert fmt(Decimal("-0.00"), 2) == "-0.00"
    assert try_number("９９９") == Decimal(999) and try_number("-0.00") == Decimal("-0.00")
    assert [try_number(t) for t in ("1e308", "NaN", "—", "Infinity")] == [None] * 4


def test_a_cell_of_29_digits_is_audited(tmp_path):
    text = SEEDS[0].read_text(encoding="utf-8")
    lines = text.split("\n")
    k = next(i for i, line in enumerate(lines) if line.startswith("\t合计\t318.28"))
    cells = lines[k].split("\t")
    cells[2] = "12345678901234567890123456789.00"
    lines[k] = "\t".join(cells)
    (tmp_path / "big.txt").write_text("\n".join(lines), encoding="utf-8")
    result, errors = api.audit([tmp_path / "big.txt"], out_dir=tmp_path / "out")
    assert errors == [] and result["documents"][0]["status"] == "ok"
    assert any("12345678901234567890123456789.00" in (t["evidence"] or "") for t in result["table_checks"])


def test_a_name_that_is_not_utf8_is_audited_and_shown_escaped(tmp_path):
    raw = os.fsencode(tmp_path) + b"/bad_\xff_byte.txt"
    with open(raw, "wb") as fh:
        fh.write(SEEDS[2].read_bytes())
    result, errors = api.audit([tmp_path], out_dir=tmp_path / "out")
    assert errors == []
    assert [(d["doc"], d["files"], d["status"]) for d in result["documents"]] == \
        [("bad_\\xff_byte", ["bad_\\xff_byte.txt"], "ok")]
    json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))


def test_control_characters_in_a_name_stay_on_one_line(tmp_path, capsys):
    spoof = tmp_path / "spoof\nerror: spoofed.txt: empty file\n.txt"
    spoof.write_bytes(b"")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    assert cli.main(["audit", str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [f"error: {text_to_line(str(spoof))}: empty file"]
    assert "\\n" in err[0]


def test_colliding_stems_get_ids_of_their_paths_and_pages_of_their_own(tmp_path):
    for rel in ("sub1/report.txt", "sub2/report.txt", "a b.txt", "a_b.txt", "same.txt", "same.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SEEDS[0], tmp_path / rel)
    groups, ids, errors = plan([tmp_path])
    assert errors == [] and len(set(ids)) == len(ids) == 6
    assert sorted(ids) == ["a b", "a_b", "same.md", "same.txt", "sub1/report", "sub2/report"]
    result, _ = api.audit([tmp_path], out_dir=tmp_path / "out")
    assert sorted(d["doc"] for d in result["documents"]) == sorted(ids)
    assert len(list((tmp_path / "out" / "report" / "doc").glob("*.html"))) == 6
    claim_ids = [c["id"] for c in result["claims"]]
    assert len(set(claim_ids)) == len(claim_ids)


def test_ids_that_do_not_collide_stay_the_stems():
    groups, ids, _ = plan([CORPUS])
    assert ids == [p.stem for p in SEEDS]
    assert document_ids([[Path("x/js-npc-office-2019-budget-narrative.pdf"),
                          Path("x/js-npc-office-2019-budget-tables.pdf")]]) == ["js-npc-office-2019-budget"]


def test_links_fifos_devices_each_get_one_line(tmp_path):
    os.symlink("loop.txt", tmp_path / "loop.txt")
    os.symlink("nowhere.txt", tmp_path / "dangling.txt")
    os.symlink("/dev/zero", tmp_path / "zero.txt")
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    docs, errors = read_all([tmp_path])
    assert [d.doc for d in docs] == ["good"]
    problems = {Path(e.path).name: e.problem for e in errors}
    assert problems == {"dangling.txt": "dangling symbolic link (its target does not exist)",
                        "fifo.txt": "not a regular file (a FIFO)", "loop.txt": "symbolic link loop",
                        "zero.txt": "not a regular file (a character device, through a symbolic link)"}


def test_a_folder_that_cannot_be_listed_is_named(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "inside.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    real = os.scandir

    def scandir(path="."):  # as for a folder without read permission (root may list any)
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    docs, errors = read_all([tmp_path])
    assert [d.doc for d in docs] == ["good"]
    assert [(e.path, e.problem) for e in errors] == [(str(tmp_path / "locked"), "cannot read folder (Permission denied)")]


def test_spans_are_clamped_and_grids_capped():
    notes = []
    rows = html_table_to_rows('<table><tr><td colspan="5000">a</td><td>b</td></tr></table>',
                              Limits(max_span=10), notes)
    assert rows == [["a"] * 10 + ["b"]] and notes == ["rowspan/colspan 1/5000 clamped to 10 (--max-span)"]
    t0 = time.perf_counter()
    with pytest.raises(LimitError, match="--max-cells"):
        html_table_to_rows('<table><tr><td colspan="10000" rowspan="10000">x</td></tr></table>')
    assert time.perf_counter() - t0 < 1  # refused before the grid is built


def test_a_span_clamp_is_said_and_the_document_audited(tmp_path, capsys):
    text = GOOD + '\n<table><tr><td colspan="2000">项目</td></tr><tr><td>收入总计</td><td>10.00</td></tr></table>\n'
    (tmp_path / "wide.md").write_text(text, encoding="utf-8")
    assert cli.main(["audit", str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [f"warning: {tmp_path / 'wide.md'}: rowspan/colspan 1/2000 clamped to 1000 (--max-span)"]


def test_an_unclosed_table_does_not_swallow_the_document():
    text = "<table>\n" + GOOD + "\n（一）本年收入合计 10.00 万元。\n"
    blocks, tables = text_to_parts(text)
    assert any("收入总计 10.00 万元" in b.text for b in blocks)


def test_utf32_is_read_as_utf32():
    text = SEEDS[0].read_text(encoding="utf-8")
    for enc in ("utf-32", "utf-32-le", "utf-32-be"):
        assert bytes_to_text(text.encode(enc)) == text


def test_warming_up_loads_what_the_first_document_would_otherwise_pay_for_in_its_wall_time():
    from auditor import claims, nlp

    pipeline.warm_up()
    assert pipeline.WARM_ERRORS == []
    assert nlp.pipeline.cache_info().currsize == 1 and claims.patterns.cache_info().currsize == 1
    assert nlp.ontology.cache_info().currsize == 1


def test_a_document_over_its_wall_time_is_stopped_and_the_run_goes_on(tmp_path):
    (tmp_path / "slow.txt").write_text(SEEDS[4].read_text(encoding="utf-8") * 20, encoding="utf-8")
    shutil.copy(SEEDS[2], tmp_path / SEEDS[2].name)
    pipeline.warm_up()
    t0 = time.perf_counter()
    result, errors = api.audit([tmp_path], limits=Limits(doc_seconds=0.5))
    assert time.perf_counter() - t0 < 30
    assert [(type(e).__name__, Path(e.path).name) for e in errors] == [("LimitError", "slow.txt")]
    assert "--doc-seconds" in errors[0].problem
    assert [d["status"] for d in result["documents"]] == ["ok", "limit"]


@pytest.mark.skipif(not FORK, reason="the pool forks")
def test_a_worker_that_stops_answering_is_replaced(tmp_path, monkeypatch):
    import signal

    real = pipeline.document_to_result

    def hang(group, index, spill_dir, keep=False, doc=None, limits=None):
        if Path(group[0]).name == SEEDS[1].name:
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])  # as a native library stuck in C would be
            time.sleep(3600)
        return real(group, index, spill_dir, keep, doc, limits)

    for p in SEEDS[:3]:
        shutil.copy(p, tmp_path / p.name)
    monkeypatch.setattr(pipeline, "document_to_result", hang)
    monkeypatch.setattr(parallel, "GRACE_SECONDS", 1.0)
    t0 = time.perf_counter()
    run = parallel.collect([tmp_path], workers=2, limits=Limits(doc_seconds=3))
    assert time.perf_counter() - t0 < 60
    assert [d.doc for d in run.docs] == [SEEDS[0].stem, SEEDS[2].stem]
    assert [(Path(e.path).name, e.status) for e in run.errors] == [(SEEDS[1].name, "limit")]
    assert "worker replaced" in run.errors[0].problem


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    (tmp_path / "big.txt").write_text(GOOD * 100_000, encoding="utf-8")
    result, errors = api.audit([tmp_path], limits=Limits(max_file_mb=1))
    assert [(e.status, "--max-file-mb" in e.problem) for e in errors] == [("limit", True)]


def test_year_on_year_pairs_need_the_same_department():
    from auditor.checks import prior_documents

    docs = [{"doc": "a/report-2023", "year": 2023, "department": "某区财政局", "kind": "budget"},
            {"doc": "b/report-2024", "year": 2024, "department": "某区教育局", "kind": "budget"}]
    docs = [{**d, "doc": d["doc"].split("/")[1]} for d in docs]
    assert prior_documents(docs) == {}
    docs[1]["department"] = "某区财政局"
    assert prior_documents(docs)["report-2024"]["doc"] == "report-2023"
