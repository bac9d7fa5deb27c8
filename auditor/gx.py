"""Check rows -> Great Expectations validation -> a status per row. The only module that talks to GX.

One file-backed context in the run's output folder, every suite under
expectations/suites/ loaded as data, ONE validation per suite over all documents'
rows at once (never one per document), result format COMPLETE with the row ids
so each failing row is identified, GX's own progress bars off.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

INDEX_COLUMNS = ["check_id", "doc", "sentence"]
DATASOURCE = "auditor"
ASSET = "checks"


@dataclass
class Validation:
    """What a run of the suites says: per-row statuses and the GX results for reports."""

    status: pd.Series            # indexed like the frame: pass | warn | fail | unverified
    rule: pd.Series              # the expectation that decided a non-pass row ('' otherwise)
    results: list                # GX CheckpointResult run results (for Data Docs)
    context_root: Path | None    # the run folder holding gx/ (None: ephemeral)


def load_suites(suites_dir: Path | None = None) -> list[dict]:
    import expectations  # registers the custom expectations

    folder = Path(suites_dir or expectations.SUITES_DIR)
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def _quiet() -> None:
    for name in ("great_expectations", "great_expectations.core", "great_expectations.data_context"):
        logging.getLogger(name).setLevel(logging.ERROR)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def _context(root: Path | None):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    if root is None:
        ctx = gx.get_context(mode="ephemeral")
    else:
        root.mkdir(parents=True, exist_ok=True)
        ctx = gx.get_context(mode="file", project_root_dir=str(root))
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


def _suite(ctx, spec: dict):
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    exps = [ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"], meta=e.get("meta"),
                                     severity=e.get("severity", "critical"),
                                     description=e.get("description")).to_domain_obj()
            for e in spec["expectations"]]
    for exp in exps:
        if not exp.description:
            exp.description = type(exp).model_fields["description"].default
    suite = gx.ExpectationSuite(name=spec["name"], expectations=exps)
    _delete(ctx.suites, spec["name"])
    return ctx.suites.add(suite)


JUDGED_COLUMNS = INDEX_COLUMNS + ["rule", "stated_lo", "stated_hi", "expected_lo", "expected_hi", "step", "holds"]
NUMERIC_COLUMNS = ["stated_lo", "stated_hi", "expected_lo", "expected_hi", "step"]


def judged_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows GX judges (those with evidence), only the columns it reads, with GX-friendly types."""
    data = frame.loc[frame["has_evidence"].astype(bool), JUDGED_COLUMNS].copy()
    for col in NUMERIC_COLUMNS:
        data[col] = pd.to_numeric(data[col], errors="coerce").astype("float64")
    data["holds"] = data["holds"].fillna(True).astype(bool)
    for col in INDEX_COLUMNS:
        data[col] = data[col].fillna("").astype(str)
    return data.reset_index(drop=True)


def validate(frame: pd.DataFrame, out_dir: Path | None = None, suites_dir: Path | None = None,
             spark_rows=None) -> Validation:
    """Run every suite once over all check rows.

    `frame` has the columns of expectations/_base.py plus check_id, doc, sentence,
    level ('fail' or 'warn': what a failing yes/no check means), cap and has_evidence.
    Rows without evidence are 'unverified' and not sent to GX. `spark_rows`: the same
    judged rows as a Spark DataFrame, validated through GX's Spark datasource instead
    (auditor.spark); the statuses come back for `frame` either way.
    """
    _quiet()
    specs = load_suites(suites_dir)
    import great_expectations as gx

    root = Path(out_dir) if out_dir else None
    status = pd.Series("pass", index=frame.index, dtype=object)
    decided_by = pd.Series("", index=frame.index, dtype=object)
    status[~frame["has_evidence"].astype(bool)] = "unverified"
    if not frame["has_evidence"].astype(bool).any():
        return Validation(status, decided_by, [], root)

    ctx = _context(root)
    if spark_rows is None:
        data, source = judged_rows(frame), ctx.data_sources.add_or_update_pandas(DATASOURCE)
    else:
        data, source = spark_rows, ctx.data_sources.add_or_update_spark(DATASOURCE)
    batch_def = source.add_dataframe_asset(ASSET).add_batch_definition_whole_dataframe("all_rows")
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": INDEX_COLUMNS,
                     "partial_unexpected_count": 50, "include_unexpected_rows": False}
    vdefs = []
    for spec in specs:
        suite = _suite(ctx, spec)
        name = f"audit_{spec['name']}"
        _delete(ctx.validation_definitions, name)
        vdefs.append(ctx.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch_def, suite=suite)))
    _delete(ctx.checkpoints, "audit")
    checkpoint = ctx.checkpoints.add(gx.Checkpoint(name="audit", validation_definitions=vdefs,
                                                   actions=[], result_format=result_format))
    result = checkpoint.run(batch_parameters={"dataframe": data})
    runs = list(result.run_results.values())
    _statuses(runs, frame, status, decided_by)
    return Validation(status, decided_by, runs, root)


def _delete(store, name: str) -> None:
    try:
        store.delete(name)
    except Exception:  # noqa: BLE001 - not there yet
        pass


def _statuses(runs: list, frame: pd.DataFrame, status: pd.Series, decided_by: pd.Series) -> None:
    """Failing rows of each expectation -> the row's status: its level (warn at 0 steps, fail at 1 step,
    or the row's own level for yes/no checks), the worst one kept; a capped row stays a warn."""
    row_of = dict(zip(frame["check_id"], frame.index))
    level_of = frame["level"].fillna("fail") if "level" in frame else pd.Series("fail", index=frame.index)
    rank = {"unverified": -1, "pass": 0, "warn": 1, "fail": 2}
    for run in runs:
        for r in run.results:
            if r.success:
                continue
            cfg = r.expectation_config
            level = (cfg.meta or {}).get("level", "fail")
            for hit in r.result.get("unexpected_index_list") or []:
                idx = row_of.get(hit["check_id"])
                if idx is None:
                    continue
                new = level_of[idx] if level == "row" else level
                if rank[new] > rank[status[idx]]:
                    status[idx] = new
                    decided_by[idx] = cfg.type
    if "cap" in frame:  # rows whose miss is worth a look but proves nothing
        status[(frame["cap"] == "warn") & (status == "fail")] = "warn"


def build_data_docs(validation: Validation) -> Path | None:
    """Build the Data Docs site once for the run; returns the index page."""
    if validation.context_root is None:
        return None
    ctx = _context(validation.context_root)
    ctx.build_data_docs()
    index = Path(ctx.root_directory) / "uncommitted" / "data_docs" / "local_site" / "index.html"
    return index if index.exists() else None
