"""The Spark engine: documents distributed with PySpark, check rows validated by GX on Spark.

    paths --(driver: expand, pair files)--> DataFrame of document groups
          --mapInPandas(document_to_result)--> one row per document (compact, cached)
          --> judged rows: a Spark DataFrame (gx.JUDGED_COLUMNS), validated with GX's Spark
              datasource by the same suites and custom expectations (their `_spark` metrics)
          --> the verdicts of the rows that did not pass back on the driver, which writes
              the findings one document at a time from the details the executors sent back.

Needs the optional extra `[spark]` and Java 17. The worker function is the one the
process pool uses (auditor.pipeline.document_to_result, with its per-document guard and
limits), so both engines give the same findings. Input paths must be readable from every
executor (a shared file system on a cluster). On a cluster: `spark-submit auditor/submit.py`.

    session(master=None) -> SparkSession
    collect_and_validate(paths, out_dir=None, spark=None) -> (parallel.Collected, gx.Validation)
"""
from __future__ import annotations

import json
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Iterable

import pandas as pd

from auditor import gx, pipeline
from auditor.settings import DEFAULT, Limits

RESULT_SCHEMA = "index long, payload binary, judged binary, details binary, document binary"


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


def _audit_partition(keep_documents: bool, limits: Limits):
    """The executor side: the pool's worker function per document; its spill files travel back
    to the driver as bytes (executors' disks are not the driver's), its judged rows apart. A
    missing blob (a document that could not be audited) is b"", never None: a partition of such
    documents only would be an all-null column, which Arrow cannot send as binary."""
    def run(frames):
        import tempfile

        with tempfile.TemporaryDirectory(prefix="auditor-spill-") as tmp:
            for pdf in frames:
                out = []
                for index, files, doc in zip(pdf["index"], pdf["files"], pdf["doc"]):
                    res = pipeline.document_to_result(json.loads(files), int(index), tmp, keep_documents, doc,
                                                      limits)
                    judged, res.judged = res.judged, None
                    blobs = []
                    for attr in ("spill", "document"):
                        path = getattr(res, attr)
                        blobs.append(Path(path).read_bytes() if path else b"")
                        if path:
                            Path(path).unlink()
                        setattr(res, attr, None)
                    out.append((int(index), pickle.dumps(res, protocol=pickle.HIGHEST_PROTOCOL),
                                pickle.dumps(judged, protocol=pickle.HIGHEST_PROTOCOL) if judged is not None else b"",
                                *blobs))
                yield pd.DataFrame(out, columns=["index", "payload", "judged", "details", "document"])
    return run


def _judged_schema():
    from pyspark.sql.types import BooleanType, DoubleType, LongType, StringType, StructField, StructType

    kinds = {**{c: DoubleType() for c in gx.NUMERIC_COLUMNS}, "row": LongType(), "holds": BooleanType()}
    return StructType([StructField(c, kinds.get(c, StringType()), True) for c in gx.JUDGED_COLUMNS])


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Judged rows with plain column types for Arrow (categories back to strings)."""
    return frame.astype({c: object for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})


def _judged_frames(frames):
    for pdf in frames:
        for blob in pdf["judged"]:
            judged = pickle.loads(blob) if blob else None
            if judged is not None and len(judged["row"]):  # (an empty frame's text columns do not convert)
                yield pd.DataFrame(judged, columns=gx.JUDGED_COLUMNS)


def documents_to_checks(spark, paths: Iterable[str | Path], keep_documents: bool = False,
                        partitions: int | None = None, limits: Limits = DEFAULT):
    """(results DataFrame, judged rows DataFrame, errors found on the driver): distributed, nothing collected yet."""
    groups, ids, errors = pipeline.plan(paths)
    n = partitions or max(1, min(len(groups), spark.sparkContext.defaultParallelism * 4))
    # file names travel as JSON (surrogates of names that are not UTF-8 escaped, json's default)
    jobs = spark.createDataFrame([(i, json.dumps([str(Path(p).resolve()) for p in g]), doc)
                                  for i, (g, doc) in enumerate(zip(groups, ids))],
                                 "index long, files string, doc string").repartition(n)
    results = jobs.mapInPandas(_audit_partition(keep_documents, limits), RESULT_SCHEMA).cache()
    judged = results.select("judged").mapInPandas(_judged_frames, _judged_schema())
    return results, judged, errors


def collect_and_validate(paths: Iterable[str | Path], out_dir: str | Path | None = None,
                         spill_dir: str | None = None, spark=None, master: str | None = None,
                         keep_documents: bool = False, limits: Limits = DEFAULT
                         ) -> tuple[pipeline.Collected, gx.Validation]:
    """The Spark counterpart of parallel.collect + gx.validate (the same Collected, the same verdicts)."""
    t0 = time.perf_counter()
    paths = list(paths)
    spark = spark or session(master)
    results, judged, errors = documents_to_checks(spark, paths, keep_documents, limits=limits)
    folder, tmp = pipeline.spill_folder(spill_dir)
    got = pipeline.Gathered(folder)
    for row in results.select("index", "payload", "details", "document").orderBy("index").toLocalIterator():
        res = pickle.loads(row["payload"])
        for attr, column, kind in (("spill", "details", "rows"), ("document", "document", "doc")):
            if row[column]:  # the executor's spill file, written where the driver reads it
                dest = pipeline.spill_path(folder, res.index, kind)
                dest.write_bytes(row[column])
                setattr(res, attr, str(dest))
        got.add(res)
    run = got.finish(errors, time.perf_counter() - t0, tmp=tmp)
    if len(run.judged):  # the year-on-year rows, made on the driver
        judged = judged.unionByName(spark.createDataFrame(_typed(run.judged), _judged_schema()))
    judged = judged.cache()
    try:
        validation = gx.validate(judged, Path(out_dir) if out_dir else None, run_label=gx.run_name(paths))
    finally:
        judged.unpersist()
        results.unpersist()
    run.judged = None
    return run, validation
