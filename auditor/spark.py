"""The Spark engine: documents distributed with PySpark, check rows validated by GX on Spark.

    paths --(driver: expand, pair files)--> DataFrame of document groups
          --mapInPandas(document_to_result)--> one row per document (compact, cached)
          --> checks: a Spark DataFrame (checks.COLUMNS), validated with GX's Spark datasource
              by the same suites and custom expectations (their `_spark` metrics)
          --> per-row statuses back on the driver for the findings contract.

Needs the optional extra `[spark]` and Java 17. The worker function is the one the
process pool uses (auditor.parallel.document_to_result), so both engines give the
same findings. Input paths must be readable from every executor (a shared file
system on a cluster).

    session(master=None) -> SparkSession
    collect_and_validate(paths, out_dir=None, spill_dir=None, spark=None) -> (parallel.Collected, gx.Validation)
"""
from __future__ import annotations

if __name__ == "__main__":  # `spark-submit auditor/spark.py`: this folder must not shadow the stdlib (numbers.py)
    import os as _os
    import sys as _sys

    _here = _os.path.dirname(_os.path.abspath(__file__))
    _sys.path[:] = [p for p in _sys.path if _os.path.abspath(p or ".") != _here]

import json
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Iterable

import pandas as pd

from auditor import gx, parallel
from auditor.model import IngestError

NUMERIC = gx.NUMERIC_COLUMNS
RESULT_SCHEMA = "index long, payload binary, rows binary, document binary"
ORDER = "_order"  # document index × 10⁶ + row: the local engine's row order


def session(master: str | None = None, app: str = "auditor"):
    """The active SparkSession, or a new one: under spark-submit its master and settings,
    otherwise `master` (default local[*], this interpreter on both sides)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()  # a notebook's or a test's session
    if active is not None and master is None:
        return active
    builder = SparkSession.builder.appName(app)
    if master or not _under_spark_submit():
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        builder = builder.master(master or "local[*]")
    return (builder.config("spark.ui.enabled", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.python.worker.reuse", "true")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate())


def _under_spark_submit() -> bool:
    return "PYSPARK_GATEWAY_PORT" in os.environ or "SPARK_MASTER" in os.environ


def _audit_partition(keep_documents: bool):
    """The executor side: the pool's worker function per document; with keep_documents the
    compressed pickled Document travels back too (executors' disks are not the driver's)."""
    def run(frames):
        import tempfile

        with tempfile.TemporaryDirectory(prefix="auditor-spill-") as tmp:
            for pdf in frames:
                out = []
                for index, files in zip(pdf["index"], pdf["files"]):
                    res = parallel.document_to_result(json.loads(files), int(index), tmp if keep_documents else None)
                    rows, res.frame = res.frame, None
                    blob = None
                    if res.spill:
                        blob = Path(res.spill).read_bytes()
                        Path(res.spill).unlink()
                        res.spill = None
                    out.append((int(index), pickle.dumps(res, protocol=pickle.HIGHEST_PROTOCOL),
                                pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL) if rows is not None else None,
                                blob))
                yield pd.DataFrame(out, columns=["index", "payload", "rows", "document"])
    return run


def _rows_schema():
    from pyspark.sql.types import BooleanType, DoubleType, LongType, StringType, StructField, StructType

    from auditor import checks

    kinds = {**{c: DoubleType() for c in NUMERIC}, "page": LongType(), "has_evidence": BooleanType(),
             "holds": BooleanType()}
    return StructType([StructField(c, kinds.get(c, StringType()), True) for c in checks.COLUMNS]
                      + [StructField(ORDER, LongType(), False)])


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Check rows with the Spark schema's types (numbers as float, page as nullable int)."""
    f = frame.copy()
    for c in NUMERIC:
        f[c] = pd.to_numeric(f[c], errors="coerce").astype("float64")
    f["page"] = pd.to_numeric(f["page"], errors="coerce").astype("Int64")
    for c in ("has_evidence", "holds"):
        f[c] = f[c].astype("boolean")
    for c in f.columns:
        if c not in NUMERIC and c not in ("page", "has_evidence", "holds"):
            f[c] = f[c].map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v)).astype(object)
    return f


def _rows_to_frames(frames):
    for pdf in frames:
        for index, blob in zip(pdf["index"], pdf["rows"]):
            if blob is not None:
                f = _typed(pd.DataFrame(pickle.loads(blob)))
                f[ORDER] = [int(index) * 1_000_000 + i for i in range(len(f))]
                yield f


def documents_to_checks(spark, paths: Iterable[str | Path], spill_dir: str | None = None,
                        partitions: int | None = None):
    """(results DataFrame, checks DataFrame, errors found on the driver): distributed, nothing collected yet."""
    from auditor.ingest import expand_paths, group_paths

    files, errors = expand_paths(paths)
    groups = group_paths(files)
    n = partitions or max(1, min(len(groups), spark.sparkContext.defaultParallelism * 4))
    jobs = spark.createDataFrame([(i, json.dumps([str(Path(p).resolve()) for p in g]))
                                  for i, g in enumerate(groups)], "index long, files string").repartition(n)
    results = jobs.mapInPandas(_audit_partition(spill_dir is not None), RESULT_SCHEMA).cache()
    checks_df = results.select("index", "rows").mapInPandas(_rows_to_frames, _rows_schema())
    return results, checks_df, errors


def validate(spark, checks_df, frame: pd.DataFrame, out_dir: Path | None = None) -> gx.Validation:
    """gx.validate with GX's Spark datasource: the same suites, statuses for `frame`'s rows (same check ids)."""
    from pyspark.sql import functions as F

    data = checks_df.where(F.col("has_evidence")).select(
        *[F.coalesce(F.col(c), F.lit("")).alias(c) for c in gx.INDEX_COLUMNS], "rule",
        *[F.col(c).cast("double") for c in gx.NUMERIC_COLUMNS], F.coalesce(F.col("holds"), F.lit(True)).alias("holds"))
    data = data.cache()
    try:
        return gx.validate(frame, out_dir, spark_rows=data)
    finally:
        data.unpersist()


def collect_and_validate(paths: Iterable[str | Path], out_dir: str | Path | None = None,
                         spill_dir: str | None = None, spark=None, master: str | None = None
                         ) -> tuple[parallel.Collected, gx.Validation]:
    """The Spark counterpart of parallel.collect + gx.validate (same Collected, same statuses)."""
    t0 = time.perf_counter()
    spark = spark or session(master)
    results, checks_df, errors = documents_to_checks(spark, paths, spill_dir)
    got = parallel.Gathered()
    cols = ["index", "payload"] + (["document"] if spill_dir is not None else [])
    for row in results.select(*cols).orderBy("index").toLocalIterator():
        res = pickle.loads(row["payload"])
        if spill_dir is not None and row["document"] is not None:
            res.spill = str(Path(spill_dir) / f"{res.index:07d}.pkl.z")
            Path(res.spill).write_bytes(row["document"])
        if res.error is not None:
            errors.append(res.error if isinstance(res.error, IngestError) else IngestError("?", str(res.error)))
            continue
        got.add(res)
    extra = got.prior_year_frame()
    if len(extra):
        extra = _typed(extra)
        extra[ORDER] = [10 ** 15 + i for i in range(len(extra))]
        checks_df = checks_df.unionByName(spark.createDataFrame(extra, _rows_schema()))
    checks_df = checks_df.cache()
    frame = checks_df.toPandas().sort_values(ORDER, kind="stable").drop(columns=[ORDER]).reset_index(drop=True)
    # the same column types as the local engine's frame (object numbers → float, page may be missing)
    frame["page"] = frame["page"].astype(object).where(frame["page"].notna(), None)
    out = Path(out_dir) if out_dir else None
    validation = validate(spark, checks_df, frame, out)
    checks_df.unpersist()
    results.unpersist()
    run = parallel.Collected(got.docs, errors, got.claims, frame, got.metas, time.perf_counter() - t0, got.pages)
    return run, validation


def main(argv: list[str] | None = None) -> int:
    """`spark-submit auditor/spark.py PATH... --out DIR`: `auditor audit --engine spark` on a cluster."""
    from auditor.cli import main as cli_main

    return cli_main(["audit", *(sys.argv[1:] if argv is None else argv), "--engine", "spark"])


if __name__ == "__main__":  # pragma: no cover - spark-submit entry point
    sys.exit(main())
