"""engine=ray: the pipeline on Ray Data, `map_batches` over an actor pool of `workers` pipeline
replicas (each loads the models once and reads its own files); results come back streamed and
in input order, as LocalEngine gives them, so both write the same rows."""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import threading
import time
import warnings
from collections.abc import Iterator

from framing.core.errors import InputError
from framing.pipeline.analyze import InferConfig
from framing.pipeline.article import Document
from framing.pipeline.ingest import IngestError, read_input
from framing.pipeline.stream import content_key

log = logging.getLogger(__name__)
# a replica's read warnings (bad UTF-8...) are said again here, as the local engine's reader
# says them: the replica's own log stays in Ray's log files on a normal run
_ingest_log = logging.getLogger("framing.pipeline.ingest")
COLUMNS = ("path", "key", "status", "message", "doc", "rows", "seconds", "end")
NO_RAY = "engine=ray needs Ray: pip install 'ray[data]'"


class Replica:
    """One pipeline replica (a Ray actor): reads the files of a batch, skips those written
    before (`done`), analyses the others together; one result record per file, in order."""

    def __init__(self, cfg: InferConfig, done: frozenset[str], threads: int) -> None:
        from framing.pipeline.analyze import Pipeline

        # torch takes its thread count from here when the pipeline imports it (not before: a
        # torch-free pipeline stays so), and the ONNX sessions made from torch's the same
        os.environ["OMP_NUM_THREADS"] = str(threads)
        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(threads)
        self.done = done
        # A bad setting (a model folder that is not a run...) goes back as the answer to every
        # batch: Ray reports an actor that fails to start, or a batch that raises, as text only
        self.failed: str | None = None
        try:
            self.pipeline = Pipeline(cfg)
        except InputError as e:
            self.failed = str(e)

    def __call__(self, batch: dict) -> dict[str, list]:
        """`batch["paths"]`: rows of one group of articles each (analysed together)."""
        out: dict[str, list] = {c: [] for c in COLUMNS}
        for group in batch["paths"]:
            for c, values in self.analyze([str(p) for p in group]).items():
                out[c] += values
        return out

    def analyze(self, paths: list[str]) -> dict[str, list]:
        out: dict[str, list] = {c: [] for c in COLUMNS}
        todo: list[tuple[int, Document]] = []
        for k, path in enumerate(paths):
            rec = dict.fromkeys(COLUMNS) | {"path": path, "seconds": 0.0, "end": False}
            doc = read_input(path) if self.failed is None else None
            if doc is None:
                rec |= {"status": "failed", "message": self.failed}
            elif isinstance(doc, IngestError):
                rec |= {"status": "error", "message": str(doc)}
            else:
                rec["key"] = content_key(doc)
                if rec["key"] in self.done:
                    rec["status"] = "skip"
                else:
                    rec["doc"] = json.dumps([doc.id, doc.text, doc.meta], ensure_ascii=False)
                    todo.append((k, doc))
            for c in COLUMNS:
                out[c].append(rec[c])
        if todo:
            t0 = time.perf_counter()
            results = self.pipeline.analyze_many([doc for _, doc in todo])
            each = (time.perf_counter() - t0) / len(todo)
            for (k, doc), res in zip(todo, results):
                out["seconds"][k] = each
                if isinstance(res, InputError):
                    out["status"][k] = "error"
                    out["message"][k] = f"{doc.meta.get('path', doc.id)}: {res}"
                else:
                    out["status"][k] = "done"
                    out["rows"][k] = json.dumps(res, ensure_ascii=False)
        out["end"][-1] = True
        return out


class RayEngine:
    """LocalEngine's contract on Ray: `run` yields (path, result, key, seconds) per input in
    order; `batch_done` says the last one yielded ended a batch. Connects to the cluster at
    RAY_ADDRESS, else starts a local instance on this machine's cores; `close` shuts down what
    it started."""

    def __init__(self, cfg: InferConfig) -> None:
        self.cfg = cfg
        self.batch_done = False
        self._started = False
        self._verbose = logging.getLogger().isEnabledFor(logging.INFO)
        self._address = os.environ.get("RAY_ADDRESS")  # a cluster's head, or None: this machine
        self._connect()

    def _connect(self) -> None:
        try:
            import ray
        except ImportError:
            raise InputError(NO_RAY) from None
        if ray.is_initialized():
            return
        quiet = {
            "ignore_reinit_error": True,
            "log_to_driver": self._verbose,
            "logging_level": logging.INFO if self._verbose else logging.ERROR,
        }
        address = self._address
        try:
            if address:
                _reachable(address)  # Ray itself retries an address that answers not for minutes
                ray.init(**quiet)  # reads RAY_ADDRESS
            else:  # "local": never join a cluster someone started with `ray start` here
                ray.init(address="local", num_cpus=_cores(), include_dashboard=False, **quiet)
        except Exception as e:  # Ray raises ConnectionError, RuntimeError, ValueError...
            why = " ".join(str(e).split()) or type(e).__name__
            if address:
                raise InputError(
                    f"engine=ray: cannot connect to the Ray cluster at RAY_ADDRESS={address} "
                    f"({why}); check that it runs (ray status) or unset RAY_ADDRESS to run "
                    "on this machine"
                ) from None
            raise InputError(
                f"engine=ray: cannot start a local Ray instance ({why}); set RAY_ADDRESS to a "
                "running cluster or use engine=local"
            ) from None
        self._started = True

    def close(self) -> None:
        """Shut Ray down if this engine started it."""
        if self._started:
            import ray

            ray.shutdown()
            self._started = False

    def run(self, inputs: list, done: set[str]) -> Iterator[tuple]:
        """Listed files go through Ray; IngestErrors (folders that could not be listed) are
        yielded here, in their place. An article whose key `done` gained since the start (the
        same article twice in this run) is skipped, as the local engine skips it."""
        self._connect()
        paths = [x for x in inputs if not isinstance(x, IngestError)]
        results = self._results(paths, frozenset(done)) if paths else iter(())
        try:
            for k, item in enumerate(inputs):
                last = k == len(inputs) - 1
                if isinstance(item, IngestError):
                    self.batch_done = last
                    yield item.path, str(item), None, 0.0
                    continue
                rec = next(results)
                self.batch_done = bool(rec["end"]) or last
                yield self._item(rec, done)
            next(results, None)  # Ray's iterator ends (and cleans up) before Ray shuts down
        finally:
            results.close()
            _join_iterator_threads()
            self.close()

    def _item(self, rec: dict, done: set[str]) -> tuple:
        path, key, status = rec["path"], rec["key"], rec["status"]
        if status == "failed":
            raise InputError(rec["message"])
        if status == "skip" or (status == "done" and key in done):
            return path, None, key, 0.0
        doc = None
        if rec["doc"] is not None:
            doc_id, text, meta = json.loads(rec["doc"])
            for w in meta.get("warnings", ()):
                _ingest_log.warning("%s: %s", meta.get("path", path), w)
            doc = Document(id=doc_id, text=text, meta=meta)
        if status == "error":
            return path, rec["message"], key, float(rec["seconds"])
        return path, (doc, json.loads(rec["rows"])), key, float(rec["seconds"])

    def _results(self, paths: list[str], done: frozenset[str]) -> Iterator[dict]:
        """One record per path, in order, streamed from the replicas (never all held)."""
        import ray
        from ray.data import ActorPoolStrategy, DataContext

        ctx = DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        if not self._verbose:  # Ray Data logs to its own console handler, not through "ray"
            for h in logging.getLogger("ray.data").handlers:
                if isinstance(h, logging.StreamHandler):
                    h.setLevel(logging.CRITICAL)  # its errors come back as exceptions
        # A row is a group of consecutive articles analysed together, as the local engine groups
        # them (int8 models give slightly other numbers in other company); a row's results come
        # back as soon as it is analysed
        size = self.cfg.articles_per_batch
        groups = [{"paths": paths[i : i + size]} for i in range(0, len(paths), size)]
        workers = min(self.cfg.workers, len(groups))  # no replica that would get no work
        cpus = ray.cluster_resources().get("CPU", 1.0)
        biggest = max(
            (n["Resources"].get("CPU", 0.0) for n in ray.nodes() if n.get("Alive")),
            default=cpus,
        )
        share = min(cpus / workers, biggest or 1.0)  # CPUs a replica reserves (one node's)
        threads = max(1, int(share))
        log.info(
            "engine=ray: %d replicas on %g CPUs (%d torch threads each), %d articles a batch",
            *(workers, cpus, threads, size),
        )
        ds = ray.data.from_items(groups, override_num_blocks=len(groups))
        # A local replica that dies is not restarted (a rerun resumes): with Ray Data's default
        # restarts, Ray logs an error line on every run. On a cluster they outlive a lost node,
        # so they stay there. Ray 2.60 deprecates these arguments here and names no successor.
        restarts = {} if self._address else {"max_restarts": 0, "max_task_retries": 0}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ds = ds.map_batches(
                Replica,
                batch_size=1,
                compute=ActorPoolStrategy(size=workers),
                fn_constructor_args=(self.cfg, done, threads),
                num_cpus=share,
                **restarts,
            )
        yield from ds.iter_rows()


def _join_iterator_threads(timeout: float = 10.0) -> None:
    """Wait for the threads that fetch Ray Data's blocks to finish the one in hand: an
    iteration stopped early (an error) only tells them to stop, and shutting Ray down under
    one of them ends the process with a fatal error. (Ray 2.60 names them so.)"""
    deadline = time.monotonic() + timeout
    for t in threading.enumerate():
        if t.name == "iter_threaded" and t is not threading.current_thread():
            t.join(max(0.0, deadline - time.monotonic()))


def _reachable(address: str, timeout: float = 10.0) -> None:
    """OSError unless `address` (host:port, optionally ray://) takes a TCP connection."""
    host, _, port = address.split("://", 1)[-1].rstrip("/").rpartition(":")
    if host and port.isdigit():  # not "auto" (the cluster `ray start` made here)
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()


def _cores() -> int:
    """The CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
