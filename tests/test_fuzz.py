"""The hostile-input suite (bench/fuzz.py): ~300 generated cases audited as one batch beside the
seeds, then the limits, the time one document takes as it grows, and the pages in Chromium.
`bench/fuzz.py OUT --full` runs >= 10,000 cases."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
import fuzz  # noqa: E402


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return fuzz.main([str(tmp_path_factory.mktemp("fuzz")), "--cases", "300"])


def test_every_input_is_audited_or_named_once(report):
    assert report["cases"] >= 300
    assert report["tracebacks"] == 0
    assert report["silent_drops"] == [] and report["two_errors_for_one_input"] == []
    assert report["forged_error_lines"] == [] and report["unexpected_outcome"] == []
    assert report["internal_errors"] == 0, report["internal_error_files"]
    assert report["duplicate_ids"] == 0


def test_good_documents_beside_hostile_neighbours_keep_their_findings(report):
    assert report["good_neighbours_identical"]


def test_limits_hold_and_time_grows_with_the_input(report):
    assert report["limits"]["held"], report["limits"]
    assert report["hangs"] == 0
    assert report["linear"]["ratio_40_to_10"] < 6, report["linear"]  # 4x the text: not 16x the time
    assert report["peak_memory_mb"] < 2000


def test_no_script_runs_in_the_evidence_pages_or_the_data_docs(report):
    pages = report["browser"]
    if pages.get("skipped"):
        pytest.skip(pages["skipped"])
    assert pages["pages"] > 20 and pages["missing_pages"] == []
    assert pages["dialogs"] == [] and pages["injected"] == []
