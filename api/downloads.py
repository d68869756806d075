"""File responses: a download with its Chinese file name intact (RFC 6266 filename*)."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import Response

MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "markdown": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
SUFFIX = {"docx": "docx", "xlsx": "xlsx", "markdown": "md", "csv": "csv"}


def download(body: bytes, fmt: str, name: str, fallback: str) -> Response:
    """`body` as an attachment named `name`.suffix; `fallback` (ASCII) for clients without filename*."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip("_") or fallback
    suffix = SUFFIX[fmt]
    disposition = (
        f"attachment; filename=\"{fallback}.{suffix}\"; filename*=UTF-8''{quote(f'{safe}.{suffix}')}"
    )
    return Response(body, media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})
