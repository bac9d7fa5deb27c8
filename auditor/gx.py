"""Check rows -> Great Expectations validation -> a status per row. The only module that talks to GX.

One file-backed context in the run's output folder, every suite under
expectations/suites/ loaded as data, ONE validation per suite over all documents'
judged rows at once (never one per document), only the columns the expectations
read; result format COMPLETE so each failing row is identified (check id, document,
row key), GX's own progress bars off; with two processes (validate's `processes`) half the suites
run in a forked copy of the run's process. Only the verdicts of rows that did not pass
are kept: a corpus of millions of rows stays a small dictionary.
"""
from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import os
import shutil
import signal
import sys
import types
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import pandas as pd

# the columns each failing row is identified by in GX's results: the row's key and document, the
# level a yes/no miss means and its cap. Check ids and sentences are not sent to GX (long strings
# cost GX far more memory than numbers): datadocs puts them back on the failing rows from their keys.
INDEX_COLUMNS = ["row", "doc", "level", "cap"]
KEY_STRIDE = 1 << 32  # a document's judged rows are keyed from its index × KEY_STRIDE (document_key)
DATASOURCE = "auditor"
ASSET = "checks"


@dataclass
class Validation:
    """What a run of the suites says. Only the rows that did not pass are listed (a run of
    millions of rows holds thousands of verdicts, not millions): every other judged row passed."""

    verdicts: dict               # row key -> (status 'warn' | 'fail', the expectation that decided it)
    results: list                # GX CheckpointResult run results (for Data Docs)
    context_root: Path | None    # the run folder holding gx/ (None: ephemeral)
    ids: list = field(default_factory=list)  # this run's results in GX's store (their Data Docs pages)
    ctx: object = None           # the context that validated them (the Data Docs are built with it)

    def labels(self, rows: list[dict]) -> dict[int, dict]:
        """{row key: {check_id, sentence}} of the check rows (checks.rows_to_records, keyed by
        judged_rows) that did not pass (for the Data Docs)."""
        verdicts = self.verdicts
        return {r["row"]: {"check_id": r["check_id"], "sentence": r["sentence"] or ""}
                for r in rows if r.get("row") in verdicts}

    def statuses(self, rows: list[dict]) -> tuple[list[str], list[str]]:
        """Status and deciding expectation for each check row (checks.rows_to_records), joined to
        the verdicts by the key judged_rows() gave it: rows without evidence (no key) are
        'unverified', judged rows 'pass' unless a verdict says otherwise."""
        status, rule = ["unverified"] * len(rows), [""] * len(rows)
        verdicts = self.verdicts
        for p, r in enumerate(rows):
            key = r.get("row")
            if key is not None:
                status[p], rule[p] = verdicts.get(key, ("pass", ""))
        return status, rule


def load_suites(suites_dir: Path | None = None) -> list[dict]:
    defer_imports()
    import expectations  # registers the custom expectations (and imports GX)

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


JUDGED_COLUMNS = ["row", "doc", "rule", "stated_lo", "stated_hi", "expected_lo", "expected_hi",
                  "step", "holds", "level", "cap"]
NUMERIC_COLUMNS = ["stated_lo", "stated_hi", "expected_lo", "expected_hi", "step"]
_CATEGORIES = ["doc", "rule", "level", "cap"]  # few distinct values each: stored once


def document_key(index: int) -> int:
    """The first row key of the document at `index` in the run (room for 2**32 rows each)."""
    return index * KEY_STRIDE


def judged_rows(rows: list[dict], first_key: int = 0) -> dict:
    """The check rows GX judges (those with evidence), only the columns it reads: plain arrays
    (one document's worth, made in a worker; concat_judged makes them one frame). Each judged
    row is given its key here (`row`, from `first_key` up), by which its verdict is joined back."""
    import numpy as np

    judged = [r for r in rows if r["has_evidence"]]
    for k, r in enumerate(judged, first_key):
        r["row"] = k
    data = {"row": np.arange(first_key, first_key + len(judged), dtype="int64")}
    for col in NUMERIC_COLUMNS:  # None -> NaN
        data[col] = np.array([r[col] for r in judged], dtype="float64")
    data["holds"] = np.array([r["holds"] is not False for r in judged], dtype=bool)
    for col in _CATEGORIES:
        default = "fail" if col == "level" else ""
        data[col] = [r[col] or default for r in judged]
    return data


def concat_judged(parts: list) -> pd.DataFrame:
    """Many documents' judged rows (judged_rows' arrays, or frames of JUDGED_COLUMNS) as one compact
    frame, repeated strings as categories."""
    import numpy as np

    parts = [p for p in parts if len(p["row"])]
    if not parts:
        parts = [judged_rows([])]
    data = {col: np.concatenate([np.asarray(p[col]) for p in parts]) for col in JUDGED_COLUMNS
            if col not in _CATEGORIES}
    n = len(data["row"])
    for col in _CATEGORIES:  # one code per row, each distinct string once (a few dozen in a whole run)
        index: dict = {}
        codes = np.fromiter((index.setdefault(v, len(index)) for p in parts for v in p[col]), dtype="int32", count=n)
        data[col] = pd.Categorical.from_codes(codes, categories=pd.Index(list(index)))
    return pd.DataFrame(data, columns=JUDGED_COLUMNS)


def judged_frame(rows: list[dict], first_key: int = 0) -> pd.DataFrame:
    """judged_rows as one frame (a single document, a test)."""
    return concat_judged([judged_rows(rows, first_key)])


def run_name(paths) -> str:
    """A run's name in the Data Docs: the folder of its inputs ('corpus'; several joined by '+')."""
    names = [(p if p.is_dir() else p.parent).resolve().name or "/" for p in map(Path, paths)]
    return "+".join(dict.fromkeys(names)) or "audit"


def _drop_other_runs(gx_root: Path, name: str) -> None:
    """A run into a folder that held another corpus's runs: those results and their Data Docs pages
    go, so the folder's index lists the runs of what it now holds (a rerun of the same corpus adds
    to its own history)."""
    for store in (gx_root / "uncommitted" / "validations", gx_root / "uncommitted" / "data_docs" / "local_site" / "validations"):
        for suite in store.glob("*") if store.is_dir() else ():
            for run in suite.iterdir() if suite.is_dir() else ():
                if run.is_dir() and run.name != name:
                    shutil.rmtree(run, ignore_errors=True)


@dataclass
class Prepared:
    """GX made ready for a run before its rows exist: imported, the context built, every suite loaded
    and one checkpoint per suite made (prepare()). validate() runs them on the rows."""

    ctx: object
    checkpoints: list            # one per suite, named as its validation definition (audit_<suite>)
    root: Path | None
    spark: bool

    @property
    def weights(self) -> list[int]:
        """Each suite's number of expectations: what its validation costs, roughly."""
        return [len(c.validation_definitions[0].suite.expectations) for c in self.checkpoints]


def prepare(out_dir: Path | None = None, suites_dir: Path | None = None, spark: bool = False) -> Prepared:
    """Import GX, build the run's context (file-backed in `out_dir`, else ephemeral), load every suite
    and make the one checkpoint: GX's fixed cost, paid while the documents are read (api.audit hands
    this to parallel.collect as the work to do meanwhile).

    The cycle collector is paused meanwhile (GX's import and context make ~150,000 objects and
    little garbage: the collector walked them again and again, ~0.3 s of a one-document run). The
    first time in a process, what the import made is then frozen out of the collector's generations:
    modules live as long as the process, and no later full collection (the validation, the reports)
    walks them again. Later calls freeze nothing: a run's context is garbage after the run."""
    first = "great_expectations" not in sys.modules
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _prepare(out_dir, suites_dir, spark)
    finally:
        if first:
            gc.freeze()
        if collecting:
            gc.enable()


def _prepare(out_dir: Path | None, suites_dir: Path | None, spark: bool) -> Prepared:
    _quiet()
    specs = load_suites(suites_dir)
    root = Path(out_dir) if out_dir else None
    import great_expectations as gx

    ctx = _context(root)
    source = ctx.data_sources.add_or_update_spark(DATASOURCE) if spark else \
        ctx.data_sources.add_or_update_pandas(DATASOURCE)
    batch_def = source.add_dataframe_asset(ASSET).add_batch_definition_whole_dataframe("all_rows")
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": INDEX_COLUMNS,
                     "partial_unexpected_count": 50, "include_unexpected_rows": False}
    _delete(ctx.checkpoints, "audit")  # the one checkpoint of all suites that earlier versions made
    checkpoints = []
    for spec in specs:
        suite = _suite(ctx, spec)
        name = f"audit_{spec['name']}"
        _delete(ctx.validation_definitions, name)
        vdef = ctx.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch_def, suite=suite))
        _delete(ctx.checkpoints, name)
        checkpoints.append(ctx.checkpoints.add(gx.Checkpoint(name=name, validation_definitions=[vdef],
                                                             actions=[], result_format=result_format)))
    return Prepared(ctx, checkpoints, root, spark)


def validate(data, out_dir: Path | None = None, suites_dir: Path | None = None,
             run_label: str | None = None, prepared: Prepared | None = None, processes: int = 1) -> Validation:
    """Run every suite once over all judged rows (judged_rows / concat_judged: JUDGED_COLUMNS).

    `data` is a pandas DataFrame, or a Spark DataFrame with the same columns (auditor.spark),
    validated through GX's Spark datasource with the same suites and expectations. `run_label`:
    the run's name (run_name(paths)), with the time its id in the Data Docs. `prepared`: what
    prepare(out_dir, suites_dir) made for this run (else it is made here). `processes` 2 or more:
    the suites are split in two halves by their number of expectations, one half validated in a
    forked copy of this process (split_suites); each suite is still validated once, over all rows.
    """
    root = Path(out_dir) if out_dir else None
    spark = not isinstance(data, pd.DataFrame)
    if prepared is not None and (prepared.root != root or prepared.spark != spark):
        raise ValueError("gx.validate: prepared for another output folder or engine")
    if (data.isEmpty() if spark else data.empty):
        return Validation({}, [], root)
    prepared = prepared or prepare(root, suites_dir, spark)
    from great_expectations.core.run_identifier import RunIdentifier

    if root is not None and run_label:
        _drop_other_runs(Path(prepared.ctx.root_directory), run_label)
    run_id = RunIdentifier(run_name=run_label, run_time=dt.datetime.now(dt.timezone.utc))

    def run(suites: list[int]) -> dict:
        """{suite index: its checkpoint's run results}"""
        return {i: prepared.checkpoints[i].run(batch_parameters={"dataframe": data}, run_id=run_id).run_results
                for i in suites}

    n = len(prepared.checkpoints)
    here, there = split_suites(prepared.weights) if processes > 1 and not spark else (list(range(n)), [])
    waiting = in_fork(run, there)
    try:
        results = run(here)
    except BaseException:
        if waiting is not None:
            waiting(stop=True)
        raise
    got = waiting() if waiting is not None else None
    results.update(got if got is not None else run(there))
    ran = {k: v for i in range(n) for k, v in results[i].items()}  # the suites' own order, wherever they ran
    runs = list(ran.values())
    return Validation(_verdicts(runs), runs, root, list(ran), prepared.ctx if root is not None else None)


def split_suites(weights: list[int]) -> tuple[list[int], list[int]]:
    """Suite indexes in two halves of about equal weight (the heaviest first, each to the lighter half):
    (this process's, the forked one's)."""
    halves, load = ([], []), [0, 0]
    for i in sorted(range(len(weights)), key=lambda i: -weights[i]):
        side = 0 if load[0] <= load[1] else 1
        halves[side].append(i)
        load[side] += weights[i]
    return sorted(halves[0]), sorted(halves[1])


def in_fork(fn, *args):
    """fn(*args) started in a forked copy of this process, at once: returns a function that waits for it
    and gives its result (pickled back through a pipe), or None when the copy failed; in_fork itself
    returns None when nothing was forked (no fork on this system, a thread running, nothing to do).
    Either way the caller then runs fn itself, so nothing is lost. The copy ends with os._exit: none
    of this process's exit handlers (temporary folders, the spill) run twice."""
    import pickle
    import threading

    if not args[0] or not hasattr(os, "fork"):
        return None
    _no_tqdm_monitor()
    if threading.active_count() > 1:
        return None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out:
                pickle.dump(fn(*args), out, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(write)

    def result(stop: bool = False):
        """The copy's result (None: it failed); `stop`: the caller gives up on it (the copy is ended)."""
        if stop:
            os.kill(pid, signal.SIGKILL)
        with os.fdopen(read, "rb") as fh:
            data = fh.read()
        _, status = os.waitpid(pid, 0)
        if stop:
            return None
        if status != 0 or not data:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 - a result that does not load is a copy that failed
            return None
    return result


def _no_tqdm_monitor() -> None:
    """tqdm's monitor thread ended and never started again. tqdm starts it for any bar, a disabled one
    too (GX makes one in every validation; auditor's progress bars are others), and it outlives them:
    a thread that a fork must not copy. It only adjusts how often a slow bar redraws."""
    import threading

    std, monitors = sys.modules.get("tqdm.std"), sys.modules.get("tqdm._monitor")
    if std is None or monitors is None:
        return
    std.tqdm.monitor_interval = 0  # read by every bar class (GX's tqdm.auto is a subclass)
    for thread in threading.enumerate():
        if isinstance(thread, monitors.TMonitor):
            thread.exit()
            if getattr(thread.tqdm_cls, "monitor", None) is thread:  # set on the class of the bar that started it
                thread.tqdm_cls.monitor = None


@contextmanager
def pyspark_hidden():
    """While active, `import pyspark` fails (unless pyspark is already imported): GX imported
    meanwhile takes Spark as absent and skips importing it (~0.15-0.3 s). Only for a process that
    will not use Spark (the CLI with the local engine): GX's choice lasts as long as the process."""
    if "pyspark" in sys.modules:
        yield
        return
    sys.modules["pyspark"] = None  # the import system's mark for "cannot be imported"
    try:
        yield
    finally:
        if sys.modules.get("pyspark", 0) is None:
            del sys.modules["pyspark"]


# What GX imports at its own import for parts the audit never runs: the KL-divergence expectation's
# charts (altair) and the distribution tests of its statistical expectations and metrics (scipy.stats),
# about half of `import great_expectations` (3.4 s -> 1.8 s measured, pyspark hidden).
DEFERRED_IMPORTS = ("scipy.stats", "altair")


class DeferredModule(types.ModuleType):
    """Stands in sys.modules for a module not imported yet: the first attribute read imports the real
    one, which then takes its place (this object copies its namespace, for those that hold it)."""

    def __getattr__(self, attr):
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        real = import_module(name)
        self.__dict__.update(real.__dict__)
        return getattr(real, attr)


def defer_imports(names=DEFERRED_IMPORTS) -> None:
    """Each of `names` not imported yet stands in sys.modules as a DeferredModule: whatever imports it
    (GX) imports nothing until it reads one of its attributes."""
    for name in names:
        if name in sys.modules:
            continue
        try:
            spec = find_spec(name)  # imports its parent package (scipy: light), not the module
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            continue  # not installed: GX's own import says so, as without this
        module = DeferredModule(name)
        module.__spec__ = spec
        sys.modules[name] = module


def _delete(store, name: str) -> None:
    try:
        store.delete(name)
    except Exception:  # noqa: BLE001 - not there yet
        pass


RANK = {"pass": 0, "warn": 1, "fail": 2}


def _verdicts(runs: list) -> dict:
    """Failing rows of each expectation -> {row key: (status, expectation)}: the expectation's level
    (warn at 0 steps, fail at 1 step, or the row's own level for yes/no checks), the worst one
    kept; a capped row (a miss worth a look that proves nothing) stays a warn."""
    out: dict[int, tuple[str, str]] = {}
    for run in runs:
        for r in run.results:
            if r.success:
                continue
            cfg = r.expectation_config
            level = (cfg.meta or {}).get("level", "fail")
            for hit in r.result.get("unexpected_index_list") or []:
                new = (hit.get("level") or "fail") if level == "row" else level
                if new == "fail" and hit.get("cap") == "warn":
                    new = "warn"
                key = int(hit["row"])
                if RANK[new] > RANK[out.get(key, ("pass", ""))[0]]:
                    out[key] = (new, cfg.type)
    return out


def build_data_docs(validation: Validation) -> Path | None:
    """Build the Data Docs site once for the run: this run's pages and the index (the pages of
    earlier runs of the same corpus are already there: rendering them again made every run slower
    than the last); returns the index page."""
    if validation.context_root is None:
        return None
    ctx = validation.ctx or _context(validation.context_root)  # the run's own: reading its files again cost 0.04-0.06 s
    ctx.build_data_docs(resource_identifiers=validation.ids or None)
    index = Path(ctx.root_directory) / "uncommitted" / "data_docs" / "local_site" / "index.html"
    return index if index.exists() else None
