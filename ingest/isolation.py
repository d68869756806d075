"""Each file read in a worker process, with a memory and a time limit: one file can never hang or
exhaust the ingesting process, and a batch goes on past any file.

A zip bomb, an XML bomb or a pathological PDF that the readers' own checks miss (see
`ingest.docx`, `ingest.pdf`) then costs at most the limits, and is refused by name:

- memory: the worker's address space is capped while it reads a file (RLIMIT_AS,
  `DJKB_FILE_MEMORY_MB`, default 1536), so an allocation beyond it fails with MemoryError
  (more for a scan: the OCR engine's own; a worker that read one is replaced after it);
- time: 20 s plus 2 s per MB of the file, at most 300 s (`DJKB_FILE_TIMEOUT` replaces the
  20 s), and OCR_PAGE_SECONDS more from each scanned page the worker starts to read by OCR
  (seconds a page, which no file size foretells); past it the worker is killed and replaced;
- a worker that dies (a crash in a C library, the kernel's OOM killer) costs only its file;
- any exception, even one no reader expected, becomes an IngestError of its file.

Workers are fresh interpreters running this module (`python -m ingest.isolation`),
started on first use and kept for later batches. Not forked: the ingesting process
runs torch threads, which fork does not copy safely. Not multiprocessing's spawn or
forkserver either: their children re-import the parent's __main__, which for the
`djkb` command is the whole index package with numpy (a second per worker, and 480 MB
of the address space the memory limit counts). A worker reads requests on stdin and
answers on stdout, one pickled message each; it exits when its stdin closes, that is
when the ingesting process goes away, and an alarm ends it if the process went away
while it was reading a file.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import math
import multiprocessing.connection
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from ingest.loader import IngestError, load_document
from ingest.model import Document

log = logging.getLogger(__name__)
_Outcome = Document | IngestError

DEFAULT_MEMORY_MB = 1536
DEFAULT_TIMEOUT = 20.0  # seconds for any file, before the allowance for its size
SECONDS_PER_MB = 2.0
MAX_TIMEOUT = 300.0
OCR_PAGE_SECONDS = 60.0  # a scanned page took 5–12 s on two cores
# Address space the OCR engine's libraries and thread pools reserve and mostly never touch (about 750 MB
# of it at 150 MB resident; a page read peaks at 0.6–0.8 GB resident): granted on top of the cap.
OCR_ADDRESS_SPACE_MB = 1024

TOO_MUCH_MEMORY = "解析该文件所需内存超过 {mb} MB，已拒绝"
TIMED_OUT = "解析超时（超过 {seconds} 秒），已拒绝"
WORKER_DIED = "解析该文件时进程意外退出（{how}），已拒绝"
UNEXPECTED = "读取时出错：{kind}"

_STARTUP_TIMEOUT = 120.0  # importing the readers takes about a second; much longer on a loaded machine
_ALARM_GRACE = 10  # the worker's own deadline, after the parent's: it only matters if the parent is gone
_KEEP_IDLE = max(2, os.cpu_count() or 1)  # idle workers kept for the next batch
_READY = "ready"
_SCANNING = "scanning"  # what a worker says before each page it reads by OCR
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


@dataclass(frozen=True, slots=True)
class _Limits:
    memory_mb: float
    base_timeout: float

    @classmethod
    def from_env(cls) -> _Limits:
        """The limits as the environment sets them now: read per batch, so that a change applies at once."""
        return cls(
            float(os.environ.get("DJKB_FILE_MEMORY_MB") or DEFAULT_MEMORY_MB),
            float(os.environ.get("DJKB_FILE_TIMEOUT") or DEFAULT_TIMEOUT),
        )

    @property
    def memory_bytes(self) -> int:
        return int(self.memory_mb * 2**20)

    def timeout(self, path: Path) -> float:
        """Seconds allowed for the file: reading takes longer the bigger it is."""
        try:
            mb = path.stat().st_size / 2**20
        except OSError:
            mb = 0.0  # the worker will say what is wrong with it
        return round(min(self.base_timeout + SECONDS_PER_MB * mb, max(MAX_TIMEOUT, self.base_timeout)), 1)


def load_documents(
    paths: Sequence[Path], password: str | None = None, *, workers: int = 2
) -> Iterator[tuple[Path, Document | IngestError]]:
    """Each path with its document, or with the IngestError that refuses it, in the order given.

    Up to `workers` files are read at once, each in a worker process of its own (see
    the module's docstring). Results come as soon as they are ready in order, while
    the workers go on reading the following files.
    """
    paths = list(paths)
    if not paths:
        return
    limits = _Limits.from_env()
    wanted = max(1, min(workers, len(paths)))
    free = _take_workers(wanted)
    todo = deque(enumerate(paths))
    busy: dict[_Worker, _Task] = {}
    done: dict[int, _Outcome] = {}
    yielded = 0
    try:
        while yielded < len(paths):
            while todo and (free or len(busy) < wanted):  # a worker for each file, a new one for one lost
                index, path = todo.popleft()
                worker = free.pop() if free else _Worker.started()
                timeout = limits.timeout(path)
                if worker.send((str(path), password, limits.memory_bytes, math.ceil(timeout) + _ALARM_GRACE)):
                    busy[worker] = _Task(index, path, timeout, time.monotonic() + timeout)
                else:  # it died while idle: not this file's fault
                    worker.stop()
                    todo.appendleft((index, path))
            while yielded in done:
                yield paths[yielded], done.pop(yielded)
                yielded += 1
            if busy:
                free += _collect(busy, limits, done)
    finally:
        for worker in busy:  # the caller stopped early: their answers must not reach the next batch
            worker.stop()
        _give_back(free)


@dataclass(frozen=True, slots=True)
class _Task:
    index: int
    path: Path
    timeout: float
    deadline: float  # time.monotonic()
    scanned: bool = False  # pages of it were read by OCR


def _collect(busy: dict[_Worker, _Task], limits: _Limits, done: dict[int, _Outcome]) -> list[_Worker]:
    """Wait until a worker answers or a deadline passes, and record the outcomes in `done`.

    Returns the workers that finished a file and can take another; the others are stopped.
    """
    first_due = min(task.deadline for task in busy.values())
    ready = multiprocessing.connection.wait(list(busy), timeout=max(0.0, first_due - time.monotonic()))
    now = time.monotonic()
    reusable: list[_Worker] = []
    for worker, task in list(busy.items()):
        if worker in ready:
            reply = worker.receive()
            if reply == _SCANNING:  # the file is a scan: each page has time of its own
                deadline = max(task.deadline, now + OCR_PAGE_SECONDS)
                extended = task.timeout + deadline - task.deadline
                busy[worker] = replace(task, timeout=extended, deadline=deadline, scanned=True)
                continue
            del busy[worker]
            if reply is None:
                done[task.index] = IngestError(task.path, WORKER_DIED.format(how=worker.stop()))
                continue
            done[task.index] = _outcome(task.path, reply, limits)
            # A heap after MemoryError may stay large and fragmented, and the OCR engine's models keep the
            # address space granted for them: a fresh worker reads the next file within the usual cap.
            if reply[0] == "memory" or task.scanned:
                worker.stop()
            else:
                reusable.append(worker)
        elif task.deadline <= now:  # answers that arrived in time were read above, late or not
            del busy[worker]
            worker.stop()
            done[task.index] = IngestError(task.path, TIMED_OUT.format(seconds=f"{task.timeout:g}"))
    return reusable


def _outcome(path: Path, reply: tuple[str, object, str], limits: _Limits) -> _Outcome:
    kind, value, details = reply
    if kind == "document" and isinstance(value, Document):
        return value
    if kind == "refused":
        return IngestError(path, str(value))
    if kind == "memory":
        return IngestError(path, TOO_MUCH_MEMORY.format(mb=f"{limits.memory_mb:g}"))
    log.debug("reading %s raised %s:\n%s", path, value, details)
    return IngestError(path, UNEXPECTED.format(kind=value))


# --- the pool -------------------------------------------------------------------------------

_idle: list[_Worker] = []
_pool_lock = threading.Lock()  # batches may run at once in several threads (uploads to the server)


def _take_workers(count: int) -> list[_Worker]:
    """`count` workers, idle ones first; new ones are started together, so they start in parallel."""
    with _pool_lock:
        taken = [worker for worker in _idle[:count] if worker.alive()]
        for worker in _idle[:count]:
            if worker not in taken:
                worker.stop()
        del _idle[:count]
    starting = [_Worker() for _ in range(count - len(taken))]
    for worker in starting:
        worker.wait_ready()
    return taken + starting


def _give_back(workers: list[_Worker]) -> None:
    with _pool_lock:
        _idle.extend(workers)
        surplus = _idle[_KEEP_IDLE:]
        del _idle[_KEEP_IDLE:]
    for worker in surplus:
        worker.stop()


@atexit.register
def _stop_idle() -> None:
    with _pool_lock:
        workers = list(_idle)
        _idle.clear()
    for worker in workers:
        worker.stop()


class _Worker:
    """One worker process, seen from the ingesting process."""

    def __init__(self) -> None:
        search_path = os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": search_path}  # found from anywhere, installed or not
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ingest.isolation"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        self._requests: BinaryIO = self.process.stdin  # type: ignore[assignment]
        self._replies: BinaryIO = self.process.stdout  # type: ignore[assignment]

    @classmethod
    def started(cls) -> _Worker:
        worker = cls()
        worker.wait_ready()
        return worker

    def wait_ready(self) -> None:
        """Wait for the worker to have imported the readers, so that its first file's clock starts fair."""
        if not multiprocessing.connection.wait([self], timeout=_STARTUP_TIMEOUT) or self.receive() != _READY:
            how = self.stop()
            raise RuntimeError(f"the ingest worker did not start ({how}); see its error output above")

    def fileno(self) -> int:  # for multiprocessing.connection.wait
        return self._replies.fileno()

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, request: tuple[object, ...]) -> bool:
        try:
            pickle.dump(request, self._requests, protocol=pickle.HIGHEST_PROTOCOL)
            self._requests.flush()
        except OSError:  # BrokenPipeError: it has died
            return False
        return True

    def receive(self) -> object | None:
        """The worker's answer, None if it died instead of answering."""
        try:
            return pickle.load(self._replies)
        except (EOFError, OSError, pickle.UnpicklingError):
            return None

    def stop(self) -> str:
        """End the worker; how it ended, in Chinese: "信号 SIGKILL", "退出码 1"."""
        if self.process.poll() is None:
            self.process.kill()
        code = self.process.wait()
        for pipe in (self._requests, self._replies):
            with contextlib.suppress(OSError):  # a broken pipe has nothing left to flush
                pipe.close()
        if code < 0:
            try:
                return f"信号 {signal.Signals(-code).name}"
            except ValueError:
                return f"信号 {-code}"
        return f"退出码 {code}"


# --- inside a worker ----------------------------------------------------------------------


def _serve() -> None:
    """The worker's loop: read a file per request until the ingesting process closes stdin."""
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(2, 1)  # what a library prints goes to stderr, not into the answers
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the ingesting process, which stops us
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    with contextlib.suppress(EOFError, BrokenPipeError):  # the ingesting process has gone
        _reply(replies, _READY)
        while True:
            path, password, memory, alarm = pickle.load(requests)
            _reply(replies, _read(Path(path), password, memory, alarm, replies))


def _reply(replies: BinaryIO, message: object) -> None:
    pickle.dump(message, replies, protocol=pickle.HIGHEST_PROTOCOL)
    replies.flush()


def _read(
    path: Path, password: str | None, memory: int, alarm: int, replies: BinaryIO
) -> tuple[str, object, str]:
    """The answer for one file: ("document", Document, ""), ("refused", reason, ""),
    ("memory", "", "") or ("error", exception type, traceback)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _within(memory, hard)
    document: Document | None = None
    error: Exception | None = None
    scanned = False

    def scanning() -> None:
        """Before each page read by OCR: the ingesting process extends the file's time, and so does the
        alarm; the first one widens the address space by what the OCR engine reserves."""
        nonlocal scanned
        _reply(replies, _SCANNING)
        signal.alarm(math.ceil(OCR_PAGE_SECONDS) + _ALARM_GRACE)
        if not scanned:
            scanned = True
            wider = cap + OCR_ADDRESS_SPACE_MB * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (_within(wider, hard), hard))

    signal.alarm(alarm)  # SIGALRM's default action ends the process
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        document = load_document(path, password, scanning)
    except Exception as exc:  # whatever a reader raises stays with its file
        error = exc
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))  # answering may need memory too
        signal.alarm(0)
    if isinstance(error, IngestError):
        return "refused", error.reason, ""
    if isinstance(error, MemoryError):
        return "memory", "", ""
    if error is not None:
        return "error", type(error).__name__, "".join(traceback.format_exception(error))
    return "document", document, ""


def _within(limit: int, hard: int) -> int:
    return limit if hard == resource.RLIM_INFINITY else min(limit, hard)


if __name__ == "__main__":
    _serve()
