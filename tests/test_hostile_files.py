"""Files built to exhaust a reader are refused by name, in bounded time and memory, and the batch goes on.

A 4.8 MB .docx whose document.xml inflates to 1.3 GB once ran past 60 s at 4.7 GB and
blocked every file after it. Such files, generated here by tests/make_fixtures.py (a
zip bomb and a "billion laughs" Word document, a PDF flate bomb, a 30000×30000 PNG, a
1 KB JPEG that says it is 60000×60000, a TIFF of 600 pages, an OFD zip bomb, entity bomb, one of
200000 pages and one whose scanned page says it is 60000×60000),
must each be refused with a reason that names the file and says what it is, within
30 s and with no worker process above 1.5 GB, while a good file of the same batch is
read. Whatever else goes wrong with one file (it takes too long, needs too much memory,
makes a library raise what no reader expects, or its worker process dies) is that
file's IngestError, and the files after it are read.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ingest.isolation import load_documents
from ingest.loader import IngestError, load_document
from ingest.model import Document
from tests.make_fixtures import (
    write_docx_of_a_later_zip_version,
    write_docx_zip_bomb,
    write_entity_bomb_docx,
    write_huge_png,
    write_jpeg_of_huge_size,
    write_pdf_flate_bomb,
    write_slow_pdf,
    write_tiff_of_many_pages,
)
from tests.make_ofd import (
    write_ofd_entity_bomb,
    write_ofd_of_a_huge_scan,
    write_ofd_of_many_pages,
    write_ofd_zip_bomb,
)

SECONDS = 30
MEMORY = 1.5 * 2**30
PLAN_TITLE = "2022年市商务局党的建设工作要点"
SLOW_OPERATORS = 600_000  # about 20 s to read to the end on the CI machine


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, str]:
    """Each hostile file, with the reason it must be refused for."""
    folder = tmp_path_factory.mktemp("hostile")
    return {
        write_docx_zip_bomb(folder): "Word文档解压后过大（约 1300 MB，疑似压缩炸弹），已拒绝",
        write_entity_bomb_docx(folder): "Word文档含有XML实体定义（疑似XML炸弹），已拒绝",
        write_pdf_flate_bomb(folder): "PDF中的压缩数据解压后过大（疑似压缩炸弹），已拒绝",
        write_huge_png(folder): "图片尺寸过大（30000×30000 像素，上限 4000 万像素），已拒绝",
        write_jpeg_of_huge_size(folder): "图片尺寸过大（60000×60000 像素，上限 4000 万像素），已拒绝",
        write_tiff_of_many_pages(folder): "图片页数过多（超过 500 页），已拒绝",
        write_ofd_zip_bomb(folder): "OFD文件解压后过大（约 1299 MB，疑似压缩炸弹），已拒绝",
        write_ofd_entity_bomb(folder): "OFD文件含有XML实体定义（疑似XML炸弹），已拒绝",
        write_ofd_of_many_pages(folder): "OFD文件页数过多（共 200000 页，上限 5000 页），已拒绝",
        write_ofd_of_a_huge_scan(folder): "图片尺寸过大（60000×60000 像素，上限 4000 万像素），已拒绝",
    }


def _worker_pids(parent: int | None = None) -> list[int]:
    """The ingest workers of a process (this one by default)."""
    parent = os.getpid() if parent is None else parent
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):  # it ended meanwhile
            continue
        if ppid == parent and b"ingest.isolation" in command:
            pids.append(int(entry.name))
    return pids


def _state(pid: int) -> str:
    """R running, S sleeping, Z ended but not yet reaped; "" when gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return ""


class _Peak:
    bytes = 0


@contextmanager
def peak_worker_memory() -> Iterator[_Peak]:
    """The highest resident memory a worker reached while the block ran (the kernel's high-water marks)."""
    peak = _Peak()
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(0.02):
            for pid in _worker_pids():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                if match := re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE):
                    peak.bytes = max(peak.bytes, int(match[1]) * 1024)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        yield peak
    finally:
        stop.set()
        poller.join()


def test_bombs_huge_images_and_ofd_bombs_are_refused_by_name_in_30_s_and_1_5_gb_and_the_good_file_is_read(
    hostile: dict[Path, str], plan_path: Path
) -> None:
    batch = [*hostile, plan_path]
    with peak_worker_memory() as peak:
        started = time.monotonic()
        results = list(load_documents(batch))
        elapsed = time.monotonic() - started
    print(f"\n{len(batch)} files: {elapsed:.1f} s, the workers' peak {peak.bytes / 2**20:.0f} MB")
    assert elapsed < SECONDS
    assert 0 < peak.bytes <= MEMORY
    assert [path for path, _ in results] == batch
    for path, outcome in results[:-1]:
        assert isinstance(outcome, IngestError), path.name
        assert str(outcome) == f"{path.name}：{hostile[path]}"
    document = results[-1][1]
    assert isinstance(document, Document) and document.title == PLAN_TITLE
    assert document == load_document(plan_path)  # the same document as read in this process


def test_a_smaller_zip_bomb_is_refused_for_its_compression_ratio(tmp_path: Path) -> None:
    bomb = write_docx_zip_bomb(tmp_path, "小压缩炸弹.docx", unpacked=40 * 2**20)
    [(_, outcome)] = load_documents([bomb])
    assert isinstance(outcome, IngestError)
    assert re.fullmatch(
        r"Word文档中的 word/document\.xml 压缩比异常（约 \d+ 倍，疑似压缩炸弹），已拒绝", outcome.reason
    )


def test_a_file_that_takes_too_long_is_refused_and_the_next_file_is_read(
    tmp_path: Path, plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DJKB_FILE_TIMEOUT", "0.5")  # plus 2 s per MB: this PDF of a few KB gets 0.5 s
    slow = write_slow_pdf(tmp_path, operators=SLOW_OPERATORS)  # a valid PDF, one page of 600000 text pieces
    started = time.monotonic()
    results = dict(load_documents([slow, plan_path], workers=1))
    elapsed = time.monotonic() - started
    assert str(results[slow]) == f"{slow.name}：解析超时（超过 0.5 秒），已拒绝"
    assert isinstance(results[plan_path], Document)
    assert elapsed < 10  # the PDF's worker was stopped at its deadline, not waited for


def test_a_file_that_needs_more_memory_than_allowed_is_refused_and_the_next_file_is_read(
    tmp_path: Path, plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DJKB_FILE_MEMORY_MB", "400")
    huge = tmp_path / "巨大的文本.txt"
    with huge.open("wb") as file:
        file.truncate(600 * 2**20)  # a sparse file: 600 MB to read, no disk space taken
    results = dict(load_documents([huge, plan_path]))
    assert str(results[huge]) == f"{huge.name}：解析该文件所需内存超过 400 MB，已拒绝"
    assert isinstance(results[plan_path], Document)


def test_an_error_no_reader_expects_stays_with_its_file_and_its_traceback_goes_to_the_debug_log(
    tmp_path: Path, plan_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    odd = write_docx_of_a_later_zip_version(tmp_path)  # zipfile raises NotImplementedError for it
    caplog.set_level(logging.DEBUG, logger="ingest.isolation")
    results = dict(load_documents([odd, plan_path]))
    assert str(results[odd]) == f"{odd.name}：读取时出错：NotImplementedError"
    assert isinstance(results[plan_path], Document)
    assert "Traceback" in caplog.text and "zip file version 9.5" in caplog.text


def _kill_the_busy_worker() -> None:
    """SIGKILL, as the kernel's OOM killer sends it, to the first worker seen reading a file."""
    deadline = time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        for pid in _worker_pids():
            if _state(pid) == "R":  # idle workers sleep in a read
                os.kill(pid, signal.SIGKILL)
                return
        time.sleep(0.01)


def test_a_worker_that_dies_costs_only_its_file(tmp_path: Path, plan_path: Path) -> None:
    slow = write_slow_pdf(tmp_path, operators=SLOW_OPERATORS)
    list(load_documents([plan_path], workers=1))  # a worker is idle and ready: the next batch starts none
    killer = threading.Thread(target=_kill_the_busy_worker, daemon=True)
    killer.start()
    results = dict(load_documents([slow, plan_path], workers=1))
    killer.join()
    assert str(results[slow]) == f"{slow.name}：解析该文件时进程意外退出（信号 SIGKILL），已拒绝"
    assert isinstance(results[plan_path], Document)


def test_workers_are_kept_for_the_next_batch(plan_path: Path) -> None:
    list(load_documents([plan_path]))
    workers = set(_worker_pids())
    started = time.monotonic()
    list(load_documents([plan_path]))
    assert set(_worker_pids()) == workers
    assert time.monotonic() - started < 2  # no interpreter to start and no readers to import


def test_workers_end_when_the_ingesting_process_goes_away(plan_path: Path) -> None:
    script = (
        "import sys, time; from pathlib import Path; from ingest.isolation import load_documents; "
        "list(load_documents([Path(sys.argv[1])])); print('read', flush=True); time.sleep(60)"
    )
    ingesting = subprocess.Popen(
        [sys.executable, "-c", script, str(plan_path)], stdout=subprocess.PIPE, text=True
    )
    assert ingesting.stdout is not None and ingesting.stdout.readline() == "read\n"
    workers = _worker_pids(ingesting.pid)
    assert workers
    ingesting.kill()  # no exit handler runs
    ingesting.wait()
    deadline = time.monotonic() + 10
    while any(_state(pid) not in ("", "Z") for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(_state(pid) in ("", "Z") for pid in workers)
