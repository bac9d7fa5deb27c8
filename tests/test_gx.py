"""The GX layer turns interval rows into pass / warn / fail / unverified, in one validation."""
import json

import pytest

from auditor import gx


def _row(cid, rule, stated_lo, stated_hi, lo, hi, step, holds=True, has_evidence=True, level="fail"):
    return dict(check_id=cid, doc="d", sentence=f"sentence {cid}", rule=rule, stated_lo=stated_lo,
                stated_hi=stated_hi, expected_lo=lo, expected_hi=hi, step=step, holds=holds,
                has_evidence=has_evidence, level=level, cap="")


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    rows = [
        _row("meet", "amount_matches_table", 178.85, 178.95, 178.9, 178.9, 0.1),
        _row("one_unit_off", "amount_matches_table", 178.85, 178.95, 179.0, 179.0, 0.1),
        _row("far_off", "amount_matches_table", 178.85, 178.95, 180.0, 180.0, 0.1),
        _row("no_evidence", "amount_matches_table", 178.85, 178.95, None, None, 0.1, has_evidence=False),
        _row("truncated_share", "share_matches_ratio", 89.5, 90.5, 90.51, 90.56, 1),
        _row("blank_reason", "reason_given", None, None, None, None, None, holds=False, level="warn"),
        _row("contradiction", "prose_consistent", None, None, None, None, None, holds=False),
        _row("footing_ok", "parts_sum_to_whole", 318.275, 318.285, 318.28, 318.3, 0.01),
    ]
    out = tmp_path_factory.mktemp("run")
    return rows, gx.validate(gx.judged_frame(rows), out), out


def test_statuses_follow_printed_precision(judged):
    rows, v, _ = judged
    status, rule = v.statuses(rows)
    ids = [r["check_id"] for r in rows]
    got = dict(zip(ids, status))
    assert got == {"meet": "pass", "one_unit_off": "warn", "far_off": "fail", "no_evidence": "unverified",
                   "truncated_share": "warn", "blank_reason": "warn", "contradiction": "fail",
                   "footing_ok": "pass"}
    by = dict(zip(ids, rule))
    assert len(v.verdicts) == 5  # only the rows that did not pass are kept
    assert by["far_off"] == "expect_amount_to_match_table_cell"
    assert by["contradiction"] == "expect_prose_to_be_consistent"


def test_failing_rows_are_identified_in_gx_results_and_named_in_data_docs(judged):
    from auditor.report import datadocs

    rows, v, out = judged
    labels = v.labels(rows)
    assert {x["check_id"] for x in labels.values()} == {"one_unit_off", "far_off", "truncated_share",
                                                        "blank_reason", "contradiction"}
    hits = [hit for run in v.results for r in run.results for hit in r.result.get("unexpected_index_list") or []]
    assert {labels[h["row"]]["check_id"] for h in hits} == {x["check_id"] for x in labels.values()}
    assert datadocs.label_results(out / "gx", labels) == len(v.results)
    stored = [json.loads(p.read_text(encoding="utf-8")) for p in (out / "gx" / "uncommitted").rglob("*.json")
              if "validations" in p.parts]
    named = [e for d in stored for r in d["results"] for e in r["result"].get("unexpected_index_list") or []]
    assert {e["check_id"] for e in named} == {x["check_id"] for x in labels.values()}
    assert all(e["sentence"] == "sentence " + e["check_id"] and "row" not in e for e in named)
    assert (out / "gx" / "great_expectations.yml").exists()


def test_suites_are_data_and_name_only_registered_expectations():
    import expectations

    from great_expectations.util import camel_to_snake

    rule_of = {camel_to_snake(cls.__name__): cls.rule for cls in expectations.ALL}
    covered = set()
    for spec in gx.load_suites():
        for e in spec["expectations"]:
            cond = e["kwargs"]["row_condition"]
            assert cond["column"]["name"] == "rule" and cond["parameter"] == rule_of[e["type"]]
            covered.add(e["type"])
    assert covered == set(rule_of)


def test_a_rerun_renders_its_own_data_docs_pages_and_lists_every_run(tmp_path):
    """A corpus audited again into the same folder keeps its history: the index lists every run,
    and only the new run's pages are rendered (an earlier run's page is not written again, so a
    run does not get slower with every run before it)."""
    from auditor import api

    doc = tmp_path / "in" / "d.txt"
    doc.parent.mkdir()
    doc.write_text("某县司法局2026年部门预算\n\n2026年收入总计120.50万元，其中：一般公共预算拨款收入100.50万元，"
                   "其他收入20.00万元。\n", encoding="utf-8")
    out = tmp_path / "out"
    site = out / "gx" / "uncommitted" / "data_docs" / "local_site"
    api.audit([doc.parent], out)
    first = sorted((site / "validations").rglob("*.html"))
    assert first
    stamps = {p: p.stat().st_mtime_ns for p in first}
    api.audit([doc.parent], out)
    pages = sorted((site / "validations").rglob("*.html"))
    assert len(pages) == 2 * len(first)
    assert {p: p.stat().st_mtime_ns for p in first} == stamps
    index = (site / "index.html").read_text(encoding="utf-8")
    assert all(str(p.relative_to(site)) in index for p in pages)
    assert all("auditor-datadocs.css" in p.read_text(encoding="utf-8") for p in pages)
