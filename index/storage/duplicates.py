"""Files known to repeat a stored document, so that ingesting them again need not read them to tell.

A duplicate is not stored, so nothing in the index remembers its file; without this, every re-ingest
of a folder reads its duplicates again (a saved page twice downloaded). The record is a cache beside
the index, keyed by file name, bytes and ingest code: a remembered document that is no longer stored
sends the file to be read again, and a lost or damaged record only costs that reading.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from index.storage.store import StoredDocument

log = logging.getLogger("djkb")


class KnownDuplicates:
    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / "cache" / "duplicates.json"
        self._twins: dict[str, str] = {}
        self._changed = False
        try:
            found = json.loads(self._path.read_text(encoding="utf-8"))
            if isinstance(found, dict):
                self._twins = {k: v for k, v in found.items() if isinstance(v, str)}
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable %s: %s", self._path, exc)

    @staticmethod
    def _key(name: str, content_hash: str, ingest_version: str) -> str:
        return f"{name}\0{content_hash}\0{ingest_version}"

    def twin(
        self, name: str, content_hash: str, ingest_version: str, stored: Iterable[StoredDocument]
    ) -> StoredDocument | None:
        """The stored document this very file was found to repeat, if it is still stored."""
        doc_id = self._twins.get(self._key(name, content_hash, ingest_version))
        return next((s for s in stored if s.document.id == doc_id), None) if doc_id else None

    def remember(self, name: str, content_hash: str, ingest_version: str, doc_id: str) -> None:
        key = self._key(name, content_hash, ingest_version)
        if self._twins.get(key) != doc_id:
            self._twins[key] = doc_id
            self._changed = True

    def save(self) -> None:
        if not self._changed:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        partial = self._path.with_suffix(".tmp")
        partial.write_text(json.dumps(self._twins, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, self._path)  # readers see the old record or the new, never half of one
        self._changed = False
