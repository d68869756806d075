"""Which stored document, if any, a newly read file is: the rule that no file is ever lost.

In order:
1. The same file (same name, same bytes) read by the same ingest code: unchanged, nothing to do.
   Read by other ingest code: re-segmented, it takes the stored document's place.
2. The same text as a stored document (whatever the file is called, whatever page furniture
   around it): a duplicate of that document; it is reported and not stored twice.
3. A new version of a stored document, which stays stored but is no longer current, when
   - the file has the same name and the same title as it (the file was edited), or
   - it has the same title and states another revision year (发展党员工作细则 2014 and 2026).
4. Otherwise a document of its own, even when its title is the same as another's: two
   weekly pages both titled 每周一学 are two documents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from index.storage.store import StoredDocument
from ingest.model import Document


class Outcome(Enum):
    NEW = "ingested"
    UNCHANGED = "unchanged"
    RESEGMENTED = "resegmented"
    DUPLICATE = "duplicate"
    VERSION = "version"


@dataclass(frozen=True, slots=True)
class Placement:
    outcome: Outcome
    other: StoredDocument | None = None  # the one it repeats, replaces or supersedes


def same_file(name: str, content_hash: str, stored: Iterable[StoredDocument]) -> StoredDocument | None:
    """The stored document read from this very file (same name, same bytes), if any."""
    return next(
        (s for s in stored if s.document.source == name and s.document.content_hash == content_hash), None
    )


def unchanged(
    name: str, content_hash: str, ingest_version: str, stored: Iterable[StoredDocument]
) -> StoredDocument | None:
    """The stored document read from this very file by this very ingest code: nothing to do for it."""
    same = same_file(name, content_hash, stored)
    return same if same is not None and same.document.ingest_version == ingest_version else None


def place(document: Document, stored: Iterable[StoredDocument]) -> Placement:
    """Where `document`, just read, goes among the `stored` ones (see the module's rule)."""
    stored = list(stored)
    same = same_file(document.source, document.content_hash, stored)
    if same is not None:
        kept = unchanged(document.source, document.content_hash, document.ingest_version, [same])
        return Placement(Outcome.UNCHANGED if kept else Outcome.RESEGMENTED, same)
    twin = next((s for s in stored if s.document.text_hash == document.text_hash), None)
    if twin is not None:
        same_name = twin.document.source == document.source
        return Placement(Outcome.UNCHANGED if same_name else Outcome.DUPLICATE, twin)
    meta = document.meta
    for s in reversed(stored):  # the latest version of a lineage is the one it follows
        other = s.document
        if other.title != document.title:
            continue
        edited = other.source == document.source
        revised = meta.revision_year is not None and meta.revision_year != other.meta.revision_year
        if edited or revised:
            return Placement(Outcome.VERSION, s)
    return Placement(Outcome.NEW)
