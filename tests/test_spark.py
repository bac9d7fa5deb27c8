"""auditor.spark: the Spark engine (local[2]) gives the same findings as the default engine,
and the [spark] extra keeps `import great_expectations` working from `python -`."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).parents[1] / "corpus"
PAIR = [CORPUS / "000_a196a527a44fa05c.txt", CORPUS / "002_c9d3211da2288e2b.txt"]

pytest.importorskip("pyspark", reason="the [spark] extra is not installed")
if shutil.which("java") is None:  # pragma: no cover - scripts/setup.sh installs Java
    pytest.skip("no Java runtime", allow_module_level=True)


def test_great_expectations_imports_from_stdin_with_pyspark_installed():
    # pyspark 4 without its Connect dependencies makes this exit 0 silently, printing nothing
    out = subprocess.run([sys.executable, "-"], input='import great_expectations; print("ok")\n',
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "ok"


@pytest.fixture(scope="module")
def spark():
    from auditor import spark as engine

    s = engine.session("local[2]")
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def test_spark_engine_gives_the_same_findings_as_the_default(spark, tmp_path):
    from auditor import api

    local, local_errors = api.audit(PAIR)
    distributed, errors = api.audit(PAIR, engine="spark", out_dir=tmp_path / "out")
    assert local_errors == [] and errors == []
    assert [d["doc"] for d in distributed["documents"]] == [p.stem for p in PAIR]
    status = {c["id"]: c["status"] for c in distributed["claims"] + distributed["table_checks"]}
    assert status == {c["id"]: c["status"] for c in local["claims"] + local["table_checks"]}
    assert sum(1 for s in status.values() if s == "fail") >= 1  # the seeds do have failing claims
    assert json.dumps(distributed, sort_keys=True, ensure_ascii=False, default=str) == \
        json.dumps(local, sort_keys=True, ensure_ascii=False, default=str)
    # the documents came back from the executors for the HTML pages: the narrative is rendered
    pages = sorted((tmp_path / "out" / "report" / "doc").iterdir())
    assert len(pages) == 2
    assert "汉中市南郑区政府信息中心" in pages[0].read_text(encoding="utf-8")


def test_spark_checks_are_a_spark_dataframe(spark):
    from auditor import gx, spark as engine

    results, judged, errors = engine.documents_to_checks(spark, PAIR[:1])
    assert errors == []
    assert type(judged).__module__.startswith("pyspark.sql")
    assert judged.columns == gx.JUDGED_COLUMNS  # what GX reads, nothing more travels to the validation
    rules = {r["rule"] for r in judged.select("rule").distinct().collect()}
    assert {"amount_matches_table", "parts_sum_to_whole"} <= rules
    rows = judged.count()
    assert rows == len(judged.toPandas())
    assert rows > 50  # 000's own checks: amounts against cells, table sums
    results.unpersist()


def test_spark_names_bad_inputs_as_the_default_engine_does(spark, tmp_path):
    """Errors travel back from the executors pickled with their fields: the same one-line messages
    and entries as in one process; the good document beside them is audited."""
    from auditor import api

    shutil.copy(PAIR[1], tmp_path / PAIR[1].name)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02abc" * 20)
    (tmp_path / "wide.md").write_text('某单位2023年部门预算\n\n<table><tr><td colspan="5000">a</td></tr></table>\n',
                                      encoding="utf-8")
    local, local_errors = api.audit([tmp_path])
    distributed, errors = api.audit([tmp_path], engine="spark")
    assert [str(e) for e in errors] == [str(e) for e in local_errors]
    assert sorted((type(e).__name__, e.status) for e in errors) == [
        ("IngestError", "error"), ("IngestError", "error"), ("LimitWarning", "warning")]
    assert json.dumps(distributed, sort_keys=True, ensure_ascii=False, default=str) == \
        json.dumps(local, sort_keys=True, ensure_ascii=False, default=str)
