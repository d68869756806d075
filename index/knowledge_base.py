"""The knowledge base as the API sees it: ingest files, remove documents, search the live generation."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from index.analysis.tokenize import lexicon_version, preload_dictionary
from index.backends import Backend, backend_from_env
from index.embedding.embedder import Embedder
from index.storage.build import IndexBuildError, Previous, build_generation
from index.storage.duplicates import KnownDuplicates
from index.storage.generations import DB_FILE
from index.storage.identity import Outcome, Placement, place, unchanged
from index.storage.store import LAYOUT, Store, StoredDocument, meta_from_json
from ingest.isolation import load_documents
from ingest.loader import IngestError, content_hash, expand_paths
from ingest.model import Document, DocumentMeta
from ingest.pipeline import ingest_version

if TYPE_CHECKING:
    from index.retrieval.search import Searcher

log = logging.getLogger("djkb")


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What became of one file: ingested | unchanged | resegmented | duplicate | version | failed."""

    path: str
    status: str
    document_id: str = ""
    title: str = ""
    passages: int = 0
    message: str = ""  # why it failed
    other_id: str = ""  # the document it duplicates (duplicate) or follows as a new version (version)
    other_title: str = ""
    other_source: str = ""
    notes: tuple[str, ...] = ()  # what a member should know of how it was read (OCR, pages left out)


__all__ = ["IndexBuildError", "IngestResult", "KnowledgeBase"]


class KnowledgeBase:
    def __init__(
        self, data_dir: Path, model_path: Path | None = None, backend: Backend | None = None
    ) -> None:
        """`backend`: where the index lives (default: as DJKB_BACKEND says, index.backends)."""
        self.data_dir = data_dir
        self.model_path = model_path
        self.backend = backend if backend is not None else backend_from_env(data_dir)
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
        if (loaded := self.loaded_searcher()) is not None:
            return loaded
        live = self.backend.live(self.data_dir)
        if live is None:
            return None
        from index.retrieval.search import Searcher  # ingest and remove never load the search code

        embedder = self.embedder
        with self._lock:
            if self._searcher is None or self._searcher.generation != live:
                self._searcher = Searcher(live, embedder, self.backend.source())
                log.info("loaded generation %s", live.name)
            return self._searcher

    def loaded_searcher(self) -> Searcher | None:
        """The searcher already loaded, if it is the live generation's (None: `searcher` loads it)."""
        current = self._searcher
        if current is None or current.generation != self.backend.live(self.data_dir):
            return None
        return current

    @property
    def empty(self) -> bool:
        return self.backend.live(self.data_dir) is None

    def find_documents(self, ref: str) -> list[tuple[str, str]]:
        """(ID, title) of the live documents whose ID, file name or title is `ref`, else of those whose
        title holds it. Reads the documents' rows alone: no search index is loaded for it."""
        with self._live_store() as store:
            documents = store.document_rows() if store else []
            rows = [(r["id"], r["source"], meta_from_json(r["meta"]).title) for r in documents]
        exact = [(doc_id, title) for doc_id, source, title in rows if ref in (doc_id, source, title)]
        return exact or [(doc_id, title) for doc_id, _, title in rows if ref in title]

    def document(self, doc_id: str) -> Document | None:
        """The live document `doc_id` with its outline, without its passages."""
        with self._live_store() as store:
            return store.document(doc_id, with_passages=False) if store else None

    @contextlib.contextmanager
    def _live_store(self) -> Iterator[Store | None]:
        """The live generation's database, None when nothing is ingested yet."""
        live = self.backend.live(self.data_dir)
        if live is None:
            yield None
            return
        store = Store(live / DB_FILE)
        try:
            yield store
        finally:
            store.close()

    def warm(self) -> None:
        """Load the model and the live index and run one query, so the first member does not wait."""
        live = self.searcher()
        if live is not None:
            live.search("党员", top_k=1)

    def _live_index(self) -> tuple[Previous | None, dict[str, int]]:
        """What the live generation holds (its documents without passages), for a writer to build on,
        and each document's number of passages (for the report)."""
        with self._live_store() as store:
            if store is None:
                return None, {}
            previous = Previous(
                store.path.parent,
                store.stored_documents(with_passages=False),
                store.info("lexicon"),
                store.info("model_id"),
                store.info("layout"),
            )
            return previous, {r["id"]: r["passages"] for r in store.document_rows()}

    def ingest(
        self, paths: Sequence[Path], *, show_progress: bool = False, password: str | None = None
    ) -> list[IngestResult]:
        """Ingest files and folders; one bad file is reported and never stops the others.

        Raises IndexBuildError when the new index cannot be built: the previous one stays live.
        """
        with self.backend.writing(self.data_dir):
            index, counts = self._live_index()
            stored = list(index.documents) if index is not None else []
            known = KnownDuplicates(self.data_dir)
            order = list(dict.fromkeys(expand_paths(paths)))
            results: dict[Path, IngestResult] = {}
            to_read: list[Path] = []
            for path in order:
                try:
                    digest = content_hash(path.read_bytes())
                except OSError as exc:
                    results[path] = _failed(IngestError(path, f"无法读取文件（{exc.strerror or exc}）"))
                    continue
                same = unchanged(path.name, digest, ingest_version(), stored)
                twin = None if same is not None else known.twin(path.name, digest, ingest_version(), stored)
                if same is not None:  # not even read again
                    results[path] = _result(path, Placement(Outcome.UNCHANGED, same), same.document, counts)
                elif twin is not None:  # a file found to repeat a stored document before
                    results[path] = _result(path, Placement(Outcome.DUPLICATE, twin), twin.document, counts)
                else:
                    to_read.append(path)
            changed = False
            if to_read:  # new text to embed and tokenise, most likely: both load while the files are read
                self.embedder.preload()
                preload_dictionary()
            reading = load_documents(to_read, password)
            bar = tqdm(
                reading,
                total=len(to_read),
                desc="读取",
                unit="个文件",
                disable=not show_progress or not to_read,
            )
            for path, loaded in bar:
                if isinstance(loaded, IngestError):
                    log.info("ingest failed: %s", loaded)
                    results[path] = _failed(loaded)
                    continue
                placement = place(loaded, stored)
                changed |= _keep(placement, loaded, stored)
                results[path] = _result(path, placement, loaded, counts)
                if placement.outcome is Outcome.DUPLICATE and placement.other is not None:
                    known.remember(
                        path.name, loaded.content_hash, loaded.ingest_version, placement.other.document.id
                    )
            # Unchanged files re-ingested after the dictionary grew (an upgrade) rebuild the index with
            # today's tokens, so start-up need not tokenise it afresh (embeddings come from the cache);
            # after the embedding model or its runtime changed, with vectors the queries' model makes;
            # after the layout changed, with what today's generations store (articles' window units).
            outdated = index is not None and (index.lexicon, index.model_id, index.layout) != (
                lexicon_version(),
                self.embedder.model_id,
                LAYOUT,
            )
            if changed or (stored and outdated):
                build_generation(
                    self.data_dir,
                    stored,
                    self.embedder,
                    show_progress=show_progress,
                    previous=index,
                    publish=self.backend.publish,
                )
            known.save()  # after the build: a duplicate's document is stored by now
        return [results[path] for path in order]

    def remove(self, doc_id: str) -> bool:
        with self.backend.writing(self.data_dir):
            index, _ = self._live_index()
            kept = [s for s in index.documents if s.document.id != doc_id] if index is not None else []
            if index is None or len(kept) == len(index.documents):
                return False
            build_generation(self.data_dir, kept, self.embedder, previous=index, publish=self.backend.publish)
            return True


def _failed(error: IngestError) -> IngestResult:
    return IngestResult(str(error.path), "failed", message=str(error))


def _keep(placement: Placement, document: Document, stored: list[StoredDocument]) -> bool:
    """Store `document` as `placement` says, in `stored`; whether the knowledge base changed."""
    now = datetime.now().isoformat(timespec="microseconds")  # orders versions ingested in one batch
    other = placement.other
    match placement.outcome:
        case Outcome.NEW:
            stored.append(StoredDocument(document, now, document.id))
        case Outcome.VERSION if other is not None:
            stored.append(StoredDocument(document, now, other.lineage))
        case Outcome.RESEGMENTED if other is not None:
            stored[stored.index(other)] = replace(other, document=document)
        case _:
            return False
    return True


def _result(path: Path, placement: Placement, document: Document, counts: Mapping[str, int]) -> IngestResult:
    """The report of one file: the document it is now, and the one it repeats or follows. A stored
    document is held without its passages: `counts` has their number."""
    other = placement.other.document if placement.other is not None else None
    if placement.outcome is Outcome.DUPLICATE and other is not None:
        document = other  # the file is that document
    related = other if placement.outcome in (Outcome.DUPLICATE, Outcome.VERSION) else None
    return IngestResult(
        str(path),
        placement.outcome.value,
        document.id,
        document.title,
        len(document.passages) or counts.get(document.id, 0),
        other_id=related.id if related else "",
        other_title=related.title if related else "",
        other_source=related.source if related else "",
        notes=reading_notes(document.meta),
    )


def reading_notes(meta: DocumentMeta) -> tuple[str, ...]:
    """How a scanned document was read: which pages by OCR, which OCR could not read (left out)."""
    notes = []
    if meta.ocr_pages:
        notes.append(f"{_pages(meta.ocr_pages)}为扫描件，经OCR识别，引用前请核对原件")
    if meta.unread_pages:
        notes.append(f"{_pages(meta.unread_pages)}识别置信度过低，未收录")
    return tuple(notes)


def _pages(pages: Sequence[int]) -> str:
    if len(pages) <= 5:
        return f"第{'、'.join(map(str, pages))}页"
    return f"第{pages[0]}–{pages[-1]}页中的{len(pages)}页"
