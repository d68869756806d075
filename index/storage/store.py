"""SQLite storage of one index generation: documents with their outline, passages, dense units.

A generation is written once by the builder and then only read, so readers need no locking.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.analysis.enumerations import enumerations
from index.storage.reprints import Judged
from ingest.model import Document, DocumentMeta, Passage, Section

SCHEMA = """
CREATE TABLE documents (
    id TEXT PRIMARY KEY, ordinal INTEGER, source TEXT, content_hash TEXT, text TEXT,
    meta TEXT, outline TEXT, ingested_at TEXT, lineage TEXT, text_hash TEXT, format TEXT,
    ingest_version TEXT
);
CREATE TABLE passages (
    id TEXT PRIMARY KEY, document_id TEXT, ordinal INTEGER, text TEXT, start INTEGER, "end" INTEGER,
    heading_path TEXT, citation TEXT, section_key TEXT, part TEXT, page INTEGER, tokens TEXT
);
CREATE INDEX passages_by_document ON passages (document_id, ordinal);
CREATE TABLE units (row INTEGER PRIMARY KEY, passage_id TEXT, start INTEGER, "end" INTEGER);
-- Counted enumerations in each passage (index.analysis.enumerations), for the ranking's features.
CREATE TABLE enumerations (passage_id TEXT, size INTEGER, shared TEXT);
-- A passage that reprints the text of passages of more authoritative documents (rank 0 covers most).
CREATE TABLE reprints (passage_id TEXT, canonical_id TEXT, rank INTEGER, PRIMARY KEY (passage_id, rank));
-- What reprint detection looked at: each passage's authority and kept shingles (uint32), for the next build.
CREATE TABLE shingles (passage_id TEXT PRIMARY KEY, authority INTEGER, codes BLOB);
CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT);
"""
TABLES = ("documents", "passages", "units", "enumerations", "reprints", "shingles", "info")
# What a generation holds beyond its rows: "2" adds the term counts file and the enumerations table,
# which a generation is extended with (index.storage.build) rather than rebuilt; "3" finds enumerations
# of clauses too (始终坚定…；始终强化…) and a last item joined by 和, so older tables are found afresh;
# "4" adds window units of two adjacent sentences within articles (index.analysis.units).
LAYOUT = "4"
REPRINTS_VERSION = "1"  # of index.storage.reprints' rules: a generation judged by others is not built on


def _section_from_json(data: dict) -> Section:
    data = dict(data)
    data["children"] = tuple(_section_from_json(c) for c in data["children"])
    data["passage_ids"] = tuple(data["passage_ids"])
    return Section(**data)


def _passage_from_row(row: sqlite3.Row) -> Passage:
    part = json.loads(row["part"])
    return Passage(
        id=row["id"],
        document_id=row["document_id"],
        ordinal=row["ordinal"],
        text=row["text"],
        start=row["start"],
        end=row["end"],
        heading_path=tuple(json.loads(row["heading_path"])),
        citation=row["citation"],
        section_key=row["section_key"],
        part=tuple(part) if part else None,
        page=row["page"],
    )


def _judged_row(row: sqlite3.Row) -> tuple[str, int, np.ndarray]:
    return row["text"], row["authority"], np.frombuffer(row["codes"], np.uint32)


def meta_from_json(text: str) -> DocumentMeta:
    data = json.loads(text)
    return DocumentMeta(**{key: tuple(v) if isinstance(v, list) else v for key, v in data.items()})


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as the knowledge base keeps it: when it came in, and which versions are one document."""

    document: Document
    ingested_at: str
    lineage: str  # ID of the first version; all versions of one document share it


class Store:
    """Read access to a generation's SQLite file (one connection per thread is not needed: read-only)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        # Generations written by an earlier djkb lack the newer document columns.
        self._columns = {r["name"] for r in self._db.execute("PRAGMA table_info(documents)")}

    def close(self) -> None:
        self._db.close()

    def info(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM info WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def document_rows(self, doc_id: str | None = None) -> list[sqlite3.Row]:
        """Summary rows (with passage counts) of all documents, or of the one with `doc_id`."""
        where, args = ("WHERE d.id = ? ", (doc_id,)) if doc_id is not None else ("", ())
        lineage = "COALESCE(NULLIF(d.lineage, ''), d.id)" if "lineage" in self._columns else "d.id"
        file_format = "COALESCE(d.format, '')" if "format" in self._columns else "''"
        return self._db.execute(
            "SELECT d.id, d.source, d.meta, d.content_hash, d.ingested_at, COUNT(p.id) AS passages, "
            f"{lineage} AS lineage, {file_format} AS format "
            f"FROM documents d LEFT JOIN passages p ON p.document_id = d.id {where}"
            "GROUP BY d.id ORDER BY d.ordinal",
            args,
        ).fetchall()

    def document(self, doc_id: str, *, with_passages: bool = True) -> Document | None:
        row = self._db.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        return self._document(row, tuple(self.passages(doc_id)) if with_passages else ())

    def _optional(self, row: sqlite3.Row, column: str) -> str:
        return (row[column] or "") if column in self._columns else ""

    def _document(self, row: sqlite3.Row, passages: tuple[Passage, ...]) -> Document:
        # A column an older generation lacks keeps its default: then the next ingest reads the file again.
        extra = {
            k: value for k in ("text_hash", "format", "ingest_version") if (value := self._optional(row, k))
        }
        return Document(
            id=row["id"],
            source=row["source"],
            text=row["text"],
            meta=meta_from_json(row["meta"]),
            outline=tuple(_section_from_json(s) for s in json.loads(row["outline"])),
            passages=passages,
            content_hash=row["content_hash"],
            **extra,
        )

    def stored_documents(self, *, with_passages: bool = True) -> list[StoredDocument]:
        """Every document, in ingest order, as the next ingest builds on them; without their passages
        what a document is (identity, versions) is known, and adding one document reads no more."""
        passages: dict[str, list[Passage]] = defaultdict(list)
        for passage in self.passages() if with_passages else ():  # one query for all, not one per document
            passages[passage.document_id].append(passage)
        return [
            StoredDocument(
                self._document(row, tuple(passages[row["id"]])),
                row["ingested_at"] or "",
                self._optional(row, "lineage") or row["id"],
            )
            for row in self._db.execute("SELECT * FROM documents ORDER BY ordinal")
        ]

    def reprints(self) -> list[tuple[str, str]]:
        """(passage ID, canonical passage ID) pairs, best canonical first for each passage."""
        try:
            rows = self._db.execute("SELECT passage_id, canonical_id FROM reprints ORDER BY passage_id, rank")
        except sqlite3.OperationalError:  # a generation written before reprints were detected
            return []
        return [(r["passage_id"], r["canonical_id"]) for r in rows]

    def passage(self, passage_id: str) -> Passage | None:
        row = self._db.execute("SELECT * FROM passages WHERE id = ?", (passage_id,)).fetchone()
        return _passage_from_row(row) if row else None

    def passages(self, doc_id: str | None = None) -> list[Passage]:
        if doc_id is None:
            rows = self._db.execute(
                "SELECT p.* FROM passages p JOIN documents d ON d.id = p.document_id "
                "ORDER BY d.ordinal, p.ordinal"
            )
        else:
            rows = self._db.execute(
                "SELECT * FROM passages WHERE document_id = ? ORDER BY ordinal", (doc_id,)
            )
        return [_passage_from_row(r) for r in rows]

    def passage_tokens(self) -> list[tuple[str, list[str]]]:
        rows = self._db.execute(
            "SELECT p.id, p.tokens FROM passages p JOIN documents d ON d.id = p.document_id "
            "ORDER BY d.ordinal, p.ordinal"
        )
        return [(r["id"], r["tokens"].split(" ") if r["tokens"] else []) for r in rows]

    def tokens_by_text(self) -> dict[str, str]:
        """Each stored passage text's tokens, joined by spaces as stored: what a rebuild with the same
        lexicon need not compute again (nor split and join again)."""
        return dict(self._db.execute("SELECT text, tokens FROM passages").fetchall())

    def judged(self) -> Judged | None:
        """What this generation's reprint detection looked at and found; None when it kept no record of
        it (written by an earlier djkb, or under other rules): the next build then judges every passage."""
        if self.info("reprints") != REPRINTS_VERSION:
            return None
        rows = self._db.execute(
            "SELECT s.passage_id, s.authority, s.codes, p.text FROM shingles s "
            "JOIN passages p ON p.id = s.passage_id"
        )
        passages = {r["passage_id"]: _judged_row(r) for r in rows}
        found: dict[str, list[str]] = defaultdict(list)
        for pid, canonical in self.reprints():
            found[pid].append(canonical)
        return Judged(passages, {pid: tuple(sources) for pid, sources in found.items()})

    def texts(self) -> list[tuple[str, str, str]]:
        """(passage ID, document ID, text) of every passage, in document order."""
        return self._db.execute(
            "SELECT p.id, p.document_id, p.text FROM passages p JOIN documents d ON d.id = p.document_id "
            "ORDER BY d.ordinal, p.ordinal"
        ).fetchall()

    def unit_documents(self) -> list[str]:
        """Document ID of each dense-index row, in row order."""
        rows = self._db.execute(
            "SELECT p.document_id FROM units u JOIN passages p ON p.id = u.passage_id ORDER BY u.row"
        )
        return [r[0] for r in rows]

    def units(self) -> list[tuple[str, int, int]]:
        """(passage ID, start, end) of each dense-index row, in row order: the passages' sentences."""
        return self._db.execute('SELECT passage_id, start, "end" FROM units ORDER BY row').fetchall()

    def enumerations(self) -> list[tuple[str, int, str]] | None:
        """(passage ID, size, shared character) of each counted enumeration the build found; None for a
        generation written before they were stored, or found by older rules."""
        if self.info("layout") != LAYOUT:
            return None
        try:
            return self._db.execute("SELECT passage_id, size, shared FROM enumerations").fetchall()
        except sqlite3.OperationalError:
            return None

    def rows(self, table: str) -> list[dict]:
        """Every row of one of SCHEMA's tables as stored, in stored order (to copy a generation elsewhere)."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        return [dict(r) for r in self._db.execute(f"SELECT * FROM {table} ORDER BY rowid")]

    def unit_passages(self) -> list[str]:
        """Passage ID of each dense-index row, in row order."""
        return [r["passage_id"] for r in self._db.execute("SELECT passage_id FROM units ORDER BY row")]


def write_store(
    path: Path,
    documents: Sequence[StoredDocument],
    passage_tokens: Mapping[str, str],  # passage ID → its tokens joined by spaces
    units: Iterable[tuple[str, int, int]],
    reprints: Judged,
    info: dict[str, str],
) -> None:
    """Write a new generation's database."""
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        _insert_documents(db, documents, 0, passage_tokens)
        _insert_units(db, units, 0)
        _write_findings(db, reprints, info)
        db.commit()
    finally:
        db.close()


def write_rows(path: Path, tables: Mapping[str, Sequence[Mapping]]) -> None:
    """Write a generation's database from rows as `Store.rows` gives them (a copy of one kept elsewhere)."""
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        for table, rows in tables.items():
            if table not in TABLES:
                raise ValueError(f"unknown table {table!r}")
            if rows:  # one table's rows share their columns
                names = list(rows[0])
                columns = ", ".join(f'"{name}"' for name in names)  # "end" is an SQL keyword
                db.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(names))})",
                    [[row[name] for name in names] for row in rows],
                )
        db.commit()
    finally:
        db.close()


def extend_store(
    path: Path,
    removed: Collection[str],
    added: Sequence[StoredDocument],
    passage_tokens: Mapping[str, str],
    units: Iterable[tuple[str, int, int]],
    reprints: Judged,
    info: dict[str, str],
) -> None:
    """Change a copy of the previous generation's database into the next one's: the `removed` documents
    out with their passages and units (the units after them closing up, as the dense index's rows do),
    the `added` ones appended after the rest, reprints and info as found now."""
    db = sqlite3.connect(path)
    try:
        db.execute("CREATE TEMP TABLE gone (id TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO gone VALUES (?)", [(doc_id,) for doc_id in removed])
        db.executescript(
            """
            CREATE TEMP TABLE kept AS SELECT u.passage_id, u.start, u."end" FROM units u
                JOIN passages p ON p.id = u.passage_id WHERE p.document_id NOT IN gone ORDER BY u.row;
            DELETE FROM units;
            INSERT INTO units SELECT rowid - 1, passage_id, start, "end" FROM kept ORDER BY rowid;
            DELETE FROM enumerations WHERE passage_id IN (SELECT id FROM passages WHERE document_id IN gone);
            DELETE FROM passages WHERE document_id IN gone;
            DELETE FROM documents WHERE id IN gone;
            """
        )
        (ordinal,) = db.execute("SELECT COALESCE(MAX(ordinal), -1) + 1 FROM documents").fetchone()
        (row,) = db.execute("SELECT COUNT(*) FROM units").fetchone()
        _insert_documents(db, added, ordinal, passage_tokens)
        _insert_units(db, units, row)
        db.execute("DELETE FROM reprints")
        db.execute("DELETE FROM shingles")
        db.execute("DELETE FROM info")
        _write_findings(db, reprints, info)
        db.commit()
    finally:
        db.close()


def _insert_documents(
    db: sqlite3.Connection, documents: Sequence[StoredDocument], first: int, passage_tokens: Mapping[str, str]
) -> None:
    for ordinal, stored in enumerate(documents, start=first):
        doc = stored.document
        db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.id,
                ordinal,
                doc.source,
                doc.content_hash,
                doc.text,
                json.dumps(asdict(doc.meta), ensure_ascii=False),
                json.dumps([asdict(s) for s in doc.outline], ensure_ascii=False),
                stored.ingested_at,
                stored.lineage,
                doc.text_hash,
                doc.format,
                doc.ingest_version,
            ),
        )
        db.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.id,
                    p.document_id,
                    p.ordinal,
                    p.text,
                    p.start,
                    p.end,
                    json.dumps(p.heading_path, ensure_ascii=False),
                    p.citation,
                    p.section_key,
                    json.dumps(p.part),
                    p.page,
                    passage_tokens[p.id],
                )
                for p in doc.passages
            ],
        )
        db.executemany(
            "INSERT INTO enumerations VALUES (?, ?, ?)",
            [(p.id, size, shared) for p in doc.passages for size, shared in sorted(enumerations(p.text))],
        )


def _insert_units(db: sqlite3.Connection, units: Iterable[tuple[str, int, int]], first: int) -> None:
    db.executemany(
        'INSERT INTO units (row, passage_id, start, "end") VALUES (?, ?, ?, ?)',
        [(row, pid, start, end) for row, (pid, start, end) in enumerate(units, start=first)],
    )


def _write_findings(db: sqlite3.Connection, reprints: Judged, info: dict[str, str]) -> None:
    """The reprints found, what their detection looked at (for the next build), and the info rows."""
    db.executemany(
        "INSERT INTO reprints VALUES (?, ?, ?)",
        [
            (pid, canonical, rank)
            for pid, found in reprints.found.items()
            for rank, canonical in enumerate(found)
        ],
    )
    db.executemany(
        "INSERT INTO shingles VALUES (?, ?, ?)",
        [(pid, rank, codes.tobytes()) for pid, (_, rank, codes) in reprints.passages.items()],
    )
    db.executemany(
        "INSERT INTO info VALUES (?, ?)", [*info.items(), ("reprints", REPRINTS_VERSION), ("layout", LAYOUT)]
    )
