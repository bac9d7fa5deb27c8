"""Issue 4: wrong numbers injected into correct statements of the corpus fail the audit."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("mutation", ROOT / "bench" / "mutation.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_injected_errors_fail_and_untouched_documents_keep_their_verdicts():
    report = _bench().run(sorted((ROOT / "corpus").glob("*.txt")))
    assert report["mutations"] >= 150
    assert set(report["by_kind"]) == {"amount", "share", "growth", "count"}
    assert report["own_rate"] >= 0.98, report["missed"]
    assert report["flagged_rate"] >= 0.98, report["missed"]
    assert report["untouched_changed"] == []


def test_a_mutation_changes_exactly_one_figure():
    m = _bench()
    from decimal import Decimal

    source = "支出合计 595.94 万元，其中：基本支出 178.9 万元，占 30%；项目支出 417.04 万元，占 70%。"
    claim = {"text": "基本支出 178.9 万元", "stated": 178.9}
    out = m.mutate_text(source, claim, 0, m.wrong_value("amount", Decimal("178.9")))
    assert out == source.replace("178.9", "203.2", 1)
    assert m.wrong_value("share", Decimal("97")) == Decimal("90")


def test_wrong_table_figures_break_the_tables_own_arithmetic():
    report = _bench().run_tables(sorted((ROOT / "corpus").glob("*.txt")))
    assert report["mutations"] >= 100
    assert report["rate"] >= 0.78, report["missed"][:10]
