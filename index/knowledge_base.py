"""The knowledge base as the API sees it: ingest files, remove documents, search the live generation."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.build import build_generation
from index.embedder import Embedder
from index.generations import DB_FILE, current_generation, writer_lock
from index.search import Searcher
from index.store import Store
from ingest.loader import IngestError, expand_paths, load_document
from ingest.model import Document

log = logging.getLogger("djkb")


@dataclass(frozen=True, slots=True)
class IngestResult:
    path: str
    status: str  # ingested | unchanged | replaced | failed
    document_id: str = ""
    title: str = ""
    passages: int = 0
    message: str = ""


class KnowledgeBase:
    def __init__(self, data_dir: Path, model_path: Path | None = None) -> None:
        self.data_dir = data_dir
        self.model_path = model_path
        self._embedder: Embedder | None = None
        self._searcher: Searcher | None = None
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = Embedder.load(self.model_path)
            return self._embedder

    def searcher(self) -> Searcher | None:
        """The live generation, reloaded when a writer has published a new one."""
        live = current_generation(self.data_dir)
        if live is None:
            return None
        current = self._searcher
        if current is not None and current.generation == live:
            return current
        embedder = self.embedder
        with self._lock:
            if self._searcher is None or self._searcher.generation != live:
                self._searcher = Searcher(live, embedder)
                log.info("loaded generation %s", live.name)
            return self._searcher

    def warm(self) -> None:
        """Load the model and the live index and run one query, so the first member does not wait."""
        live = self.searcher()
        if live is not None:
            live.search("党员", top_k=1)

    def _stored_documents(self) -> list[tuple[Document, str]]:
        live = current_generation(self.data_dir)
        if live is None:
            return []
        store = Store(live / DB_FILE)
        try:
            return [(doc, store.ingested_at(doc.id) or "") for doc in store.documents()]
        finally:
            store.close()

    def ingest(
        self, paths: Sequence[Path], *, show_progress: bool = False, password: str | None = None
    ) -> list[IngestResult]:
        """Ingest files and folders; one bad file is reported and never stops the others."""
        results: list[IngestResult] = []
        with writer_lock(self.data_dir):
            documents = dict((doc.id, (doc, at)) for doc, at in self._stored_documents())
            changed = False
            now = time.strftime("%Y-%m-%dT%H:%M:%S")
            for path in expand_paths(paths):
                try:
                    doc = load_document(path, password=password)
                except IngestError as exc:
                    log.info("ingest failed: %s", exc)
                    results.append(IngestResult(str(path), "failed", message=str(exc)))
                    continue
                old = documents.get(doc.id)
                if old is not None and old[0].content_hash == doc.content_hash:
                    status = "unchanged"
                else:
                    status = "replaced" if old is not None else "ingested"
                    documents[doc.id] = (doc, now)
                    changed = True
                results.append(IngestResult(str(path), status, doc.id, doc.title, len(doc.passages)))
            if changed:
                build_generation(
                    self.data_dir, list(documents.values()), self.embedder, show_progress=show_progress
                )
        return results

    def remove(self, doc_id: str) -> bool:
        with writer_lock(self.data_dir):
            documents = self._stored_documents()
            kept = [(doc, at) for doc, at in documents if doc.id != doc_id]
            if len(kept) == len(documents):
                return False
            build_generation(self.data_dir, kept, self.embedder)
            return True
