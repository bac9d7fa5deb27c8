"""GX set up while the documents are read (issue 16): gx.prepare runs in the run's own process
while a worker reads the documents (parallel.collect's `meanwhile`), and the verdicts are those of
the in-process validation; a set-up that fails stops the run with its error."""
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from auditor import api, gx, parallel

CORPUS = Path(__file__).parents[1] / "corpus"


def test_prepared_validation_gives_the_in_process_verdicts_on_the_corpus(tmp_path):
    plain = parallel.collect([CORPUS])  # one process, GX set up after the documents
    prepared = []
    overlapped = parallel.collect([CORPUS], meanwhile=lambda: prepared.append(gx.prepare(tmp_path / "b")))
    assert len(prepared) == 1 and isinstance(prepared[0], gx.Prepared)
    pd.testing.assert_frame_equal(plain.judged, overlapped.judged)
    assert len(plain.judged) > 100
    a = gx.validate(plain.judged, tmp_path / "a", run_label="corpus")
    b = gx.validate(overlapped.judged, tmp_path / "b", run_label="corpus", prepared=prepared[0])
    assert a.verdicts and a.verdicts == b.verdicts
    assert {s for s, _ in b.verdicts.values()} == {"fail", "warn"}
    assert [len(r.results) for r in a.results] == [len(r.results) for r in b.results]


def test_a_failing_gx_set_up_stops_the_audit_with_its_error(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("GX could not be set up")

    monkeypatch.setattr(gx, "prepare", broken)
    with pytest.raises(RuntimeError, match="GX could not be set up"):
        api.audit([CORPUS], out_dir=tmp_path / "out")
    assert not (tmp_path / "out" / "findings.json").exists()  # no findings without their verdicts


def test_meanwhile_runs_once_even_without_documents(tmp_path):
    calls = []
    run = parallel.collect([tmp_path], meanwhile=lambda: calls.append(1))
    assert calls == [1] and run.docs == []


def test_prepared_for_another_folder_is_refused(tmp_path):
    prepared = gx.prepare(tmp_path / "a")
    rows = [dict(check_id="c", doc="d", sentence="s", rule="amount_matches_table", stated_lo=1.0, stated_hi=1.0,
                 expected_lo=1.0, expected_hi=1.0, step=0.1, holds=True, has_evidence=True, level="fail", cap="")]
    with pytest.raises(ValueError, match="another output folder"):
        gx.validate(gx.judged_frame(rows), tmp_path / "b", prepared=prepared)


def test_pyspark_hidden_keeps_gx_from_importing_it_and_lets_it_be_imported_after():
    code = textwrap.dedent("""
        import sys
        from auditor import gx
        with gx.pyspark_hidden():
            import great_expectations
            from great_expectations.compatibility import pyspark as compat
            from great_expectations.compatibility.not_imported import NotImported
            assert isinstance(compat.pyspark, NotImported), compat.pyspark
            assert "pyspark.sql" not in sys.modules
        assert "pyspark" not in sys.modules
        import pyspark  # the mark is gone: Spark can still be imported by whoever wants it
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_gx_imports_its_unused_statistics_and_charts_deferred_and_they_load_on_first_use(tmp_path):
    """scipy.stats and altair (half of GX's import) stay unimported through a whole audit with its Data
    Docs (nothing of the audit uses them); code that does use them gets the real modules."""
    code = textwrap.dedent(f"""
        import sys
        from auditor import api, gx
        data, errors = api.audit([{str(CORPUS / "000_a196a527a44fa05c.txt")!r}], out_dir={str(tmp_path / "out")!r})
        assert not errors and data["counts"]["pass"] > 10, (errors, data["counts"])
        assert (data["counts"]["fail"], data["counts"]["warn"]) != (0, 0)  # verdicts other than pass came back
        assert all(type(sys.modules[n]) is gx.DeferredModule for n in gx.DEFERRED_IMPORTS), sys.modules["altair"]
        from scipy import stats
        assert stats.norm.cdf(0) == 0.5 and type(sys.modules["scipy.stats"]) is not gx.DeferredModule
        import altair as alt
        assert alt.Chart is not None and type(sys.modules["altair"]) is not gx.DeferredModule
        gx_copy = sys.modules["great_expectations.expectations.core.expect_column_kl_divergence_to_be_less_than"]
        assert gx_copy.stats.entropy is stats.entropy  # what GX holds works as the real module
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]


def test_gx_set_up_freezes_what_its_first_import_made_and_leaves_the_collector_on(tmp_path):
    code = textwrap.dedent(f"""
        import gc
        from auditor import gx
        before = gc.get_freeze_count()
        gx.prepare({str(tmp_path / "a")!r})
        first = gc.get_freeze_count()
        gx.prepare({str(tmp_path / "b")!r})  # GX already imported: a run's context is not frozen
        assert first > before + 50_000 and gc.get_freeze_count() <= first, (before, first, gc.get_freeze_count())
        assert gc.isenabled()
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]


@pytest.mark.parametrize("thread", [False, True])
def test_the_command_ends_fast_with_its_exit_code_output_and_exit_handlers(tmp_path, thread):
    """cli.run (the `auditor` command) ends the process without the interpreter's teardown: the exit
    code is main's, stdout is complete, the atexit handlers ran; with a thread still running, the
    ordinary exit waits for it."""
    doc = CORPUS / "000_a196a527a44fa05c.txt"
    code = textwrap.dedent(f"""
        import atexit, sys, threading, time
        from auditor import cli
        atexit.register(lambda: print("exit handler ran", file=sys.stderr))
        if {thread}:
            threading.Thread(target=lambda: (time.sleep(1), print("thread done", file=sys.stderr))).start()
        cli.run(["audit", {str(doc)!r}, "--out", {str(tmp_path / "out")!r}, "--json", "-", "--quiet"])
        print("not reached")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    from auditor import cli

    expected = cli.main(["audit", str(doc), "--out", str(tmp_path / "again"), "--quiet"])
    assert done.returncode == expected == cli.EXIT_FINDINGS, done.stderr[-3000:]
    assert "not reached" not in done.stdout and "exit handler ran" in done.stderr
    assert ("thread done" in done.stderr) == thread
    data = json.loads(done.stdout[done.stdout.index("{"):done.stdout.rindex("}") + 1])
    again = json.loads((tmp_path / "again" / "findings.json").read_text(encoding="utf-8"))
    assert data["counts"] == again["counts"] and data["counts"]["fail"] > 0
    assert json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))["counts"] == again["counts"]


def test_suites_validated_in_two_processes_give_what_one_process_gives(tmp_path, monkeypatch):
    # the suites split in two halves by their expectations, one half in a forked copy: every suite
    # validated once, over all rows, its result stored and listed in the suites' own order
    import os

    run = parallel.collect([CORPUS])
    one = gx.validate(run.judged, tmp_path / "a", run_label="corpus")  # left tqdm's monitor thread running:
    forks, fork = [], os.fork                                            # ended before the fork

    def counted():
        forks.append(1)
        return fork()

    monkeypatch.setattr(os, "fork", counted)
    two = gx.validate(run.judged, tmp_path / "b", run_label="corpus", processes=2)
    assert forks == [1]
    assert one.verdicts and one.verdicts == two.verdicts
    names = [k.expectation_suite_identifier.name for k in two.ids]
    assert names == [k.expectation_suite_identifier.name for k in one.ids] == sorted(names) and len(names) == 4
    assert [r.to_json_dict()["statistics"] for r in one.results] == [r.to_json_dict()["statistics"] for r in two.results]
    stored = sorted(p.parent.parent.parent.name for p in (tmp_path / "b" / "gx" / "uncommitted" / "validations").rglob("*.json"))
    assert stored == sorted(names)  # the forked half's results are in the store too (the Data Docs read them)
    here, there = gx.split_suites([len(s["expectations"]) for s in gx.load_suites()])
    assert here and there and sorted(here + there) == [0, 1, 2, 3]


def test_a_forked_half_that_fails_is_validated_here(tmp_path, monkeypatch):
    # the copy dies before it sends anything back: this process validates that half itself
    import os

    run = parallel.collect([CORPUS])
    one = gx.validate(run.judged, tmp_path / "a", run_label="corpus")
    parent, real = os.getpid(), gx.in_fork

    def dies_in_the_copy(fn, *args):
        def fn_here_only(*a):
            if os.getpid() != parent:
                os._exit(3)
            return fn(*a)
        return real(fn_here_only, *args)

    monkeypatch.setattr(gx, "in_fork", dies_in_the_copy)
    two = gx.validate(run.judged, tmp_path / "b", run_label="corpus", processes=2)
    assert one.verdicts == two.verdicts and len(two.results) == 4
    assert real(lambda xs: [x * 2 for x in xs], [1, 2])() == [2, 4]  # a copy that works sends its result back
    assert real(lambda xs: xs, []) is None  # nothing to do: nothing forked


def test_a_forked_half_given_up_on_is_ended_not_waited_for():
    # this process's own half raised: the copy is ended at once and reaped, the error goes on up
    import time

    waiting = gx.in_fork(lambda xs: time.sleep(60), [1])
    t0 = time.perf_counter()
    assert waiting(stop=True) is None and time.perf_counter() - t0 < 10


def test_a_run_with_progress_bars_still_validates_in_two_processes(tmp_path, monkeypatch):
    # the documents' progress bar started tqdm's monitor thread: it is ended before the fork, not a reason
    # to validate in one process (the CLI shows bars whenever stderr is a terminal)
    real, forked = gx.in_fork, []

    def counted(fn, *args):
        waiting = real(fn, *args)
        forked.append(waiting is not None)
        return waiting

    monkeypatch.setattr(gx, "in_fork", counted)
    result, errors = api.audit([CORPUS], out_dir=tmp_path / "out", workers=2, progress=True)
    assert forked == [True] and errors == [] and result["counts"]["fail"] >= 1
