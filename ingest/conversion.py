"""Word 97–2003 (.doc), WPS Writer (.wps), OpenDocument (.odt) and RTF files, converted to .docx by
LibreOffice headless and then read as a .docx is (`ingest.docx`), headings and tables included.

Their formats are decades of binary and markup history that LibreOffice's filters read better than
any Python library. Each conversion runs `soffice` in a folder of its own with a profile of its own,
so conversions in parallel workers do not share LibreOffice's lock or settings. It inherits the
worker's memory limit (`ingest.isolation`), is killed with its process group within the worker's
first 20 s, and has a CPU-time limit of its own, which also ends it should the worker be killed
first and leave it behind. An OpenDocument file is a zip of XML parts and is checked for bombs
before LibreOffice unpacks it.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ingest.archive import check_archive
from ingest.docx import docx_source
from ingest.model import SourceText
from ingest.text import is_readable

NO_CONVERTER = (
    "读取 .{format} 文件需要 LibreOffice，本机未安装（请运行 make install，或安装 libreoffice-writer-nogui）"
)
FAILED = "无法转换该 .{format} 文件（LibreOffice 未能读取：文件可能已损坏或已加密）"
TIMED_OUT = "转换该 .{format} 文件超时（超过 {seconds} 秒），已拒绝"

# A 100-page .doc converts in 3–5 s, LibreOffice's start alone taking about 2; within the worker's
# 20 s for any file, so that a slow file is refused with this module's reason.
CONVERT_SECONDS = 18
_CPU_SECONDS = 30
_EXECUTABLES = ("soffice", "libreoffice")
_SUFFIX = {"doc": ".doc", "wps": ".doc", "odt": ".odt", "rtf": ".rtf"}  # LibreOffice reads .wps as .doc
_OUTPUT_FILTER = "docx:MS Word 2007 XML"


def converted_source(data: bytes, file_format: str) -> SourceText:
    """The text of a .doc/.wps/.odt/.rtf file (`file_format` without the dot), converted to .docx.

    Raises ValueError with a Chinese reason when LibreOffice is missing or cannot read the file.
    """
    if file_format == "odt":
        check_archive(data, "OpenDocument文档")
    source = docx_source(_to_docx(data, file_format), file_format)
    if not is_readable(source.text):  # LibreOffice imports a file no filter accepts as raw text
        raise ValueError(FAILED.format(format=file_format))
    return source


def _to_docx(data: bytes, file_format: str) -> bytes:
    executable = next(filter(None, map(shutil.which, _EXECUTABLES)), None)
    if executable is None:
        raise ValueError(NO_CONVERTER.format(format=file_format))
    with tempfile.TemporaryDirectory(prefix="djkb-convert-") as folder:
        source = Path(folder, "source" + _SUFFIX[file_format])
        source.write_bytes(data)
        command = [
            executable,
            f"-env:UserInstallation={Path(folder, 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            _OUTPUT_FILTER,
            "--outdir",
            str(Path(folder, "out")),
            str(source),
        ]
        _run(command, file_format)
        converted = Path(folder, "out", "source.docx")
        if not converted.is_file():  # LibreOffice reports an unreadable input on stderr but exits 0
            raise ValueError(FAILED.format(format=file_format))
        return converted.read_bytes()


def _run(command: list[str], file_format: str) -> None:
    """Run LibreOffice in a process group of its own: `soffice` is a script that starts soffice.bin,
    and a timeout must end both."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    resource.prlimit(process.pid, resource.RLIMIT_CPU, (_CPU_SECONDS, _CPU_SECONDS))  # before it forks
    try:
        process.wait(timeout=CONVERT_SECONDS)
    except subprocess.TimeoutExpired:
        raise ValueError(TIMED_OUT.format(format=file_format, seconds=CONVERT_SECONDS)) from None
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
