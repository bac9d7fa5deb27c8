"""Documents -> their results (pipeline.DocResult) in a process pool, streamed.

The audit of a large corpus never holds its parsed Documents nor its check rows: each
worker runs one document through pipeline.document_to_result (read, extract, check,
spill) and sends back only what the run-wide stages need. The parent takes them in input
order as they arrive (pipeline.Gathered); a document that cannot be audited comes back as
its error and the run goes on. A worker process that dies or stops answering costs only
the document it was reading: the pool is replaced and that document named.

    collect(paths, workers=2, progress=True) -> pipeline.Collected
    ordered_map(fn, items, workers) -> fn(item) for each item, in order, in forked workers
"""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Iterable, Iterator

from auditor import pipeline
from auditor.model import IngestError, LimitError
from auditor.pipeline import DocResult
from auditor.report.console import progress_bar
from auditor.settings import DEFAULT, Limits, limit_to_text

GRACE_SECONDS = 30.0  # how long past its documents' wall time the parent waits for a worker before replacing it


def _limit_memory(mb: int) -> None:
    """A worker's address space capped (RLIMIT_AS): a document that wants more gets a MemoryError
    (its error entry), not the machine's memory."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = mb * 2 ** 20
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft == resource.RLIM_INFINITY or want < soft:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not on this platform
        pass


def _chunk(jobs: list[tuple], spill_dir: str, keep: bool, limits: Limits) -> list[DocResult]:
    return [pipeline.document_to_result(g, i, spill_dir, keep, doc, limits) for i, g, doc in jobs]


def iter_results(jobs: list[tuple[int, list, str | None]], spill_dir: str, workers: int = 1,
                 keep_documents: bool = False, chunksize: int = 1, limits: Limits = DEFAULT,
                 meanwhile=None) -> Iterator[DocResult]:
    """DocResults of (index, group of files, document id) jobs as they complete (any order).
    workers <= 1: in this process, one at a time; but with `meanwhile` (a function), in one worker
    process, this one calling meanwhile() once while the first documents are read there.

    A bounded number of chunks is in flight, so results never pile up. If a worker dies (a
    crash in a native library) or does not answer within its documents' wall time, the
    documents it held are run again one by one, alone, and a new pool takes over the rest."""
    jobs = [(i, [str(p) for p in g], doc) for i, g, doc in jobs]
    if not jobs or (meanwhile is None and (workers <= 1 or len(jobs) <= 1)):
        if meanwhile is not None:
            meanwhile()
        for i, g, doc in jobs:
            yield pipeline.document_to_result(g, i, spill_dir, keep_documents, doc, limits)
        return
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    chunks = [jobs[i:i + chunksize] for i in range(0, len(jobs), chunksize)]
    todo = list(reversed(chunks))
    window = max(2, workers * 4) if meanwhile is None else max(8, workers * 4)  # documents to read meanwhile
    patience = limits.doc_seconds * chunksize + GRACE_SECONDS if limits.doc_seconds else None
    while todo:
        suspects = []
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_limit_memory,
                                   initargs=(limits.doc_memory_mb,))
        running: dict = {}
        try:
            while todo or running:
                while todo and len(running) < window:
                    chunk = todo.pop()
                    running[pool.submit(_chunk, chunk, spill_dir, keep_documents, limits)] = [chunk, None]
                if meanwhile is not None:  # the pool forked and busy: this process does its own work now
                    work, meanwhile = meanwhile, None
                    work()
                done, _ = wait(running, timeout=None if patience is None else 1.0, return_when=FIRST_COMPLETED)
                if not done and _stuck(running, patience):
                    raise BrokenProcessPool("a worker stopped answering")
                for fut in done:
                    got = fut.result()  # raises BrokenProcessPool while the chunk is still `running`
                    del running[fut]
                    yield from got
        except BrokenProcessPool:
            # which document killed it is unknown: rerun those in flight one by one, alone
            suspects = sorted((job for chunk, _ in running.values() for job in chunk), key=lambda j: j[0])
            running.clear()
            _stop(pool)
        finally:
            pool.shutdown(wait=not suspects, cancel_futures=True)
        yield from _isolated(suspects, spill_dir, keep_documents, ctx, limits)


def _stuck(running: dict, patience: float | None) -> bool:
    """A chunk has been running longer than its documents' wall time allows (and the grace);
    each chunk's start is noted the first time it is seen running."""
    if patience is None:
        return False
    now = time.monotonic()
    for fut, held in running.items():
        if held[1] is None and fut.running():
            held[1] = now
    return any(held[1] is not None and now - held[1] > patience for held in running.values())


def _stop(pool: ProcessPoolExecutor) -> None:
    """End a pool's worker processes now (a stuck or broken pool)."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.kill()
        except Exception:  # noqa: BLE001 - already gone
            pass


def _isolated(jobs, spill_dir: str, keep_documents: bool, ctx, limits: Limits) -> Iterator[DocResult]:
    """Documents each in a one-process pool: a crash or a hang now names its document, and costs only it."""
    pool = None
    patience = limits.doc_seconds + GRACE_SECONDS if limits.doc_seconds else None
    try:
        for job in jobs:
            if pool is None:
                pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_limit_memory,
                                           initargs=(limits.doc_memory_mb,))
            t0 = time.monotonic()
            try:
                yield from pool.submit(_chunk, [job], spill_dir, keep_documents, limits).result(timeout=patience)
                continue
            except BrokenProcessPool:
                error = IngestError(job[1][0], "the worker reading it crashed (a fault in a native library?)")
            except TimeoutError:
                error = LimitError(job[1][0], "stopped, the worker replaced: " + limit_to_text(
                    "doc_seconds", f"{time.monotonic() - t0:.0f}", limits))
            _stop(pool)
            pool.shutdown(wait=False, cancel_futures=True)
            pool = None
            yield DocResult(job[0], error=error)
    finally:
        if pool is not None:
            pool.shutdown()


def chunk_size(n: int, workers: int) -> int:
    """Documents per task: small chunks balance the workers; bigger ones (up to 8) for thousands of small documents."""
    return max(1, min(8, n // (max(workers, 1) * 16)))


_HELD: list = []  # the function ordered_map's forked workers call (inherited at the fork, never pickled)


def _hold(fn) -> None:
    _HELD[:] = [fn]


def _call_held(item):
    return _HELD[0](item)


def ordered_map(fn, items: list, workers: int = 1, chunksize: int = 1) -> Iterator:
    """fn(item) for every item, in input order; in `workers` forked processes when asked.

    The processes are forked from this one with `fn`, so `fn` may be a closure over what this
    process already holds (a run's metadata, its verdicts) without it being sent; only the
    items and the results travel. Without fork (or with one worker) it runs here."""
    if workers <= 1 or len(items) <= 1 or "fork" not in mp.get_all_start_methods():
        yield from map(fn, items)
        return
    # What this process holds at the fork (a run's metadata and validation: millions of objects at
    # thousands of documents) lives at least as long as the workers: out of the cyclic collector's
    # generations, no full collection here or in a worker walks it again and again (in a worker
    # each walk also copies the pages it touches). Given back to the collector after the pool,
    # unless something froze what it held before (nlp.pipeline freezes for the process's life).
    thawed = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"),
                                 initializer=_hold, initargs=(fn,)) as pool:
            yield from pool.map(_call_held, items, chunksize=chunksize)
    finally:
        if thawed:
            gc.unfreeze()


def cores() -> int:
    """The processors this process may run on (its affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity on this system
        return max(1, os.cpu_count() or 1)


def mapper(workers: int = 1):
    """map(fn, items) in input order over `workers` forked processes (what report.output takes)."""
    def run(fn, items):
        return ordered_map(fn, items, workers, chunk_size(len(items), workers))
    return run


def collect(paths: Iterable[str | Path], workers: int = 1, progress: bool = False,
            spill_dir: str | Path | None = None, keep_documents: bool = False,
            chunksize: int | None = None, limits: Limits = DEFAULT, meanwhile=None) -> pipeline.Collected:
    """Read every document of `paths` in `workers` processes and gather the compact results.

    Per-document details go to `spill_dir` (default: a temporary folder living as long as the
    result); `keep_documents`: the parsed Documents too, for the HTML pages. `meanwhile()`: work
    for this process while the documents are read (the run's GX set-up): then even one worker
    is a process of its own (iter_results); what it raises stops the run."""
    t0 = time.perf_counter()
    groups, ids, errors = pipeline.plan(paths)
    workers = max(1, min(workers, len(groups)))  # a worker more than documents only warms up
    folder, tmp = pipeline.spill_folder(spill_dir)
    if chunksize is None:
        chunksize = chunk_size(len(groups), workers)
    bar = progress_bar(len(groups), progress)
    got = pipeline.Gathered(folder)
    n_err = len(errors)  # errors so far: unreadable paths first
    waiting: dict[int, DocResult] = {}  # finished ahead of an earlier document (a few at most)
    next_index = 0
    jobs = [(i, g, doc) for i, (g, doc) in enumerate(zip(groups, ids))]
    for arrived in iter_results(jobs, folder, workers, keep_documents, chunksize, limits, meanwhile):
        if arrived.error is not None:
            n_err += 1
        if bar is not None:
            bar.update(1)
            bar.set_postfix(errors=n_err, refresh=False)
        waiting[arrived.index] = arrived
        while next_index in waiting:  # take results in input order, as soon as they can be
            got.add(waiting.pop(next_index))
            next_index += 1
    if bar is not None:
        bar.close()
    return got.finish(errors, time.perf_counter() - t0, tmp=tmp)

