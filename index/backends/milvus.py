"""The Milvus backend: a knowledge base's whole state in one Milvus engine that replicas share.

Collections (names prefixed, default "djkb_"):

    documents  each document as the generation that added it stored it (its rows of the documents,
               passages, units and enumerations tables) as JSON in parts; key "<gen>/<doc id>/<part>"
    passages   each passage's jieba tokens as the build made them, with Milvus's BM25 over them
    units      each sentence unit's vector (exact search, inner product = cosine)
    findings   what one generation holds and found across documents (its manifest of documents with
               their order, reprints, shingles, info), as JSON in parts; key "<gen>/<what>/<part>"
    state      the live generation (key "live")

The first-stage candidates come from the engine: BM25 over `passages`, nearest vectors in `units`.
Everything else (features, fusion, answers) reads a copy of the live generation's rows that each
replica keeps in its data folder: made from the engine when it finds a generation it has not seen,
and never the only copy of anything, so a replica's folder can be deleted at any time.

Publishing generation n writes the rows of the documents it adds, tagged n, and n's findings, then
replaces the state row in one upsert, then deletes what no longer belongs to the live generation.
Readers only look at rows tagged ≤ the live generation and at the documents of its manifest, so a
writer killed at any moment leaves the previous state whole; what it left (tagged above live) is
deleted by the next writer. Writers take turns: in one data folder by its lock, across replicas by
a lease in the engine (index.backends.lease), checked once more before the state row is replaced.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import shutil
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from pymilvus import DataType, Function, FunctionType, MilvusClient, MilvusException

from index.backends.lease import WriterLease
from index.retrieval.dense import write_dense
from index.retrieval.sources import CandidateSource, Rows
from index.storage.build import write_term_counts
from index.storage.generations import (
    DB_FILE,
    DENSE_FILE,
    LEXICAL_FILE,
    generations_dir,
    prune,
    writer_lock,
)
from index.storage.store import TABLES, Store, write_rows

log = logging.getLogger("djkb")

PART_BYTES = 65_535  # the most a VARCHAR holds
KEY_LENGTH = 512
REPEAT = 10  # Milvus weighs a query's terms by how often they occur: a weight of 0.3 is said 3 times in 10
BATCH = 1000  # rows per insert, keys per delete
_DUMMY = "v"  # Milvus wants a vector field in every collection; the bookkeeping ones get a 2-d zero vector
_PER_DOCUMENT = ("passages", "units", "enumerations")  # a document's rows in these tables, by passage
COLLECTIONS = ("documents", "passages", "units", "findings", "state")
# pymilvus pings the server every 10 s, idle or not; a gRPC server that keeps its defaults (milvus-lite's)
# answers pings more often than every 5 minutes with no calls between by closing the connection.
_GRPC = {"grpc.keepalive_time_ms": 300_000, "grpc.keepalive_permit_without_calls": False}


def _parts(text: str) -> list[str]:
    """`text` cut into pieces a VARCHAR holds (UTF-8 bytes, not characters, count)."""
    parts, start = [], 0
    while start < len(text) or not parts:
        end = min(len(text), start + PART_BYTES // 3)
        parts.append(text[start:end])
        start = end
    return parts


class MilvusBackend:
    name = "milvus"

    def __init__(self, uri: str, prefix: str = "djkb", token: str = "", *, lease_ttl: float = 60.0) -> None:
        """`lease_ttl`: seconds after which a writer that died no longer holds up the others."""
        self.uri = uri
        self.prefix = prefix
        self._token = token
        self._client: MilvusClient | None = None
        # Two locks, as a copy asks for the client: one client, and one copy made at a time, per process.
        self._connecting = threading.Lock()
        self._copying = threading.Lock()
        # Each generation's folder name → the number its rows are tagged with: the engine counts its
        # generations itself, as the replicas' clocks that name the folders need not agree.
        self._tags: dict[str, int] = {}
        self._lease: WriterLease | None = None
        self._lease_ttl = lease_ttl

    @property
    def client(self) -> MilvusClient:
        with self._connecting:
            if self._client is None:
                if "://" not in self.uri:  # a milvus-lite folder: served from this process
                    Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
                client = MilvusClient(uri=self.uri, token=self._token, grpc_options=_GRPC)
                for what in COLLECTIONS:  # collections are searchable once loaded, and start released
                    if client.has_collection(self._collection(what)):
                        client.load_collection(self._collection(what))
                self._client = client
            return self._client

    def _collection(self, what: str) -> str:
        return f"{self.prefix}_{what}"

    # --- reading ---

    def live(self, data_dir: Path) -> Path | None:
        state = self._state()
        if state is None:
            return None
        folder = generations_dir(data_dir) / state["generation"]
        self._tags[folder.name] = int(state["gen"])
        if not (folder / DB_FILE).exists():
            with self._copying:
                if not (folder / DB_FILE).exists():
                    self._copy(folder, state)
                    prune(data_dir, folder, crashed=False)
        return folder

    def _state(self) -> dict[str, Any] | None:
        if not self.client.has_collection(self._collection("state")):
            return None
        rows = self.client.get(self._collection("state"), ids=["live"], output_fields=["value"])
        return json.loads(rows[0]["value"]) if rows else None

    def _copy(self, folder: Path, state: dict[str, Any]) -> None:
        """Write the live generation's rows and files into `folder`, from the engine."""
        gen = int(state["gen"])
        findings = self._findings(gen)
        manifest: dict[str, list] = findings["manifest"]  # doc ID → [rows' generation, fingerprint, ordinal]
        keys = {f"{entry[0]}/{doc_id}": doc_id for doc_id, entry in manifest.items()}
        payloads = {keys[key]: json.loads(text) for key, text in self._joined("documents", gen, keys).items()}
        missing = set(manifest) - set(payloads)
        if missing:
            raise RuntimeError(f"generation {state['generation']} lacks {len(missing)} documents in Milvus")
        order = sorted(manifest, key=lambda doc_id: manifest[doc_id][2])
        vectors = self._vectors(gen, keys)
        tables: dict[str, list[dict]] = {t: [] for t in TABLES}
        unit_vectors = []
        for doc_id in order:
            payload = payloads[doc_id]
            tables["documents"].append(payload["document"] | {"ordinal": manifest[doc_id][2]})
            tables["passages"] += payload["passages"]
            tables["enumerations"] += payload["enumerations"]
            for i, unit in enumerate(payload["units"]):
                tables["units"].append({"row": len(tables["units"]), **unit})
                unit_vectors.append(vectors[f"{manifest[doc_id][0]}/{doc_id}"][i])
        tables["reprints"] = findings["reprints"]
        tables["shingles"] = [row | {"codes": base64.b64decode(row["codes"])} for row in findings["shingles"]]
        tables["info"] = findings["info"]
        building = folder.with_name(f"{folder.name}.copy-{uuid.uuid4().hex[:6]}")
        building.mkdir(parents=True)
        try:
            write_rows(building / DB_FILE, tables)
            store = Store(building / DB_FILE)
            try:
                documents = store.stored_documents()
            finally:
                store.close()
            tokens = {p["id"]: p["tokens"] for p in tables["passages"]}
            write_term_counts(building / LEXICAL_FILE, documents, tokens)
            dim = int(state["dim"])
            stacked = np.array(unit_vectors, dtype=np.float32).reshape(-1, dim)
            write_dense(building / DENSE_FILE, stacked, dim)
            os.rename(building, folder)
        except OSError:
            if not (folder / DB_FILE).exists():
                raise
        finally:
            shutil.rmtree(building, ignore_errors=True)  # another process's copy came first
        log.info("copied generation %s from Milvus (%d documents)", folder.name, len(order))

    def tag(self, generation: Path) -> int:
        """The number a generation's rows are tagged with (of one `live` returned)."""
        return self._tags[generation.name]

    def document_keys(self, gen: int) -> dict[str, str]:
        """Document ID → the key its rows have in the engine, for the documents of generation `gen`."""
        return {doc_id: f"{entry[0]}/{doc_id}" for doc_id, entry in self._findings(gen)["manifest"].items()}

    def _findings(self, gen: int) -> dict[str, Any]:
        found = self._joined("findings", gen, None, exact=True)
        return {key.split("/", 1)[1]: json.loads(text) for key, text in found.items()}

    def _joined(
        self, what: str, gen: int, keys: Mapping[str, str] | None, *, exact: bool = False
    ) -> dict[str, str]:
        """The JSON of each key's parts joined: rows tagged ≤ `gen` (exactly `gen`), of `keys` only."""
        parts: dict[str, dict[int, str]] = defaultdict(dict)
        expr = f"gen == {gen}" if exact else f"gen <= {gen}"
        for row in self._scan(what, expr, ["key", "data"]):
            owner, _, part = row["key"].rpartition("/")
            if keys is None or owner in keys:
                parts[owner][int(part)] = row["data"]
        return {owner: "".join(p[i] for i in sorted(p)) for owner, p in parts.items()}

    def _vectors(self, gen: int, keys: Mapping[str, str]) -> dict[str, dict[int, list[float]]]:
        found: dict[str, dict[int, list[float]]] = defaultdict(dict)
        for row in self._scan("units", f"gen <= {gen}", ["doc_key", "unit", "vector"]):
            if row["doc_key"] in keys:
                found[row["doc_key"]][int(row["unit"])] = row["vector"]
        return found

    def _scan(self, what: str, expr: str, fields: list[str]) -> Iterator[dict]:
        iterator = self.client.query_iterator(
            self._collection(what), batch_size=BATCH, filter=expr, output_fields=fields
        )
        try:
            while batch := iterator.next():
                yield from batch
        finally:
            iterator.close()

    def source(self) -> Callable[[Rows], CandidateSource]:
        return lambda rows: MilvusSource(self, rows)

    # --- writing ---

    @contextmanager
    def writing(self, data_dir: Path) -> Iterator[None]:
        with writer_lock(data_dir):
            if "://" not in self.uri:  # a milvus-lite file: one process, whose writers the lock orders
                yield
                return
            self._ensure_state()
            placeholder = {_DUMMY: [0.0, 0.0]}
            lease = WriterLease(
                lambda: self.client, self._collection("state"), placeholder, ttl=self._lease_ttl
            )
            with lease:
                self._lease = lease
                try:
                    yield
                finally:
                    self._lease = None

    def publish(self, data_dir: Path, generation: Path) -> None:
        store = Store(generation / DB_FILE)
        try:
            tables = {t: store.rows(t) for t in TABLES}
        finally:
            store.close()
        index = faiss.read_index(str(generation / DENSE_FILE))
        vectors = index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d), np.float32)
        self._ensure(index.d)
        state = self._state()
        live = int(state["gen"]) if state else -1
        self._forget(f"gen > {live}")  # a writer killed before it published
        held = self._findings(live)["manifest"] if state else {}
        gen = live + 1
        manifest: dict[str, list] = {}
        added = 0
        for ordinal, (doc_id, payload) in enumerate(_payloads(tables).items()):
            units = payload.pop("unit_rows")
            fingerprint = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
            entry = held.get(doc_id)
            if entry is not None and entry[1] == fingerprint:
                manifest[doc_id] = [entry[0], fingerprint, ordinal]
                continue
            self._add(gen, doc_id, payload, vectors[units])
            manifest[doc_id] = [gen, fingerprint, ordinal]
            added += 1
        findings = {
            "manifest": manifest,
            "reprints": tables["reprints"],
            "shingles": [r | {"codes": base64.b64encode(r["codes"]).decode()} for r in tables["shingles"]],
            "info": tables["info"],
        }
        self._insert(
            "findings",
            [
                {"key": f"{gen}/{what}/{i}", "gen": gen, "data": part, _DUMMY: [0.0, 0.0]}
                for what, value in findings.items()
                for i, part in enumerate(_parts(json.dumps(value, ensure_ascii=False)))
            ],
        )
        # Rows just inserted sit in growing segments, searched without their index (on milvus-lite
        # 20 times slower, 500 ms a question on the library) until flushed into sealed ones.
        for what in ("passages", "units"):
            self.client.flush(self._collection(what))
        value = {"generation": generation.name, "gen": gen, "dim": index.d}
        if self._lease is not None and not self._lease.held():
            raise RuntimeError("写入权限已过期并由另一副本接手，本次写入未发布")
        self._tags[generation.name] = gen
        self.client.upsert(
            self._collection("state"), [{"key": "live", "value": json.dumps(value), _DUMMY: [0.0, 0.0]}]
        )
        # What the new generation no longer refers to; the previous generation's findings stay for a
        # replica copying it at this moment (it finds the state changed and copies the new one next).
        kept = {f"{entry[0]}/{doc_id}" for doc_id, entry in manifest.items()}
        stored = {row["doc_key"] for row in self._scan("documents", f"gen <= {gen}", ["doc_key"])}
        self._forget_documents(stored - kept)
        self.client.delete(self._collection("findings"), filter=f"gen < {live}")
        log.info("published %s to Milvus: %d documents, %d written", generation.name, len(manifest), added)
        prune(data_dir, generation)

    def _add(self, gen: int, doc_id: str, payload: dict, vectors: np.ndarray) -> None:
        doc_key = f"{gen}/{doc_id}"
        text = json.dumps(payload, ensure_ascii=False)
        self._insert(
            "documents",
            [
                {"key": f"{doc_key}/{i}", "gen": gen, "doc_key": doc_key, "data": part, _DUMMY: [0.0, 0.0]}
                for i, part in enumerate(_parts(text))
            ],
        )
        self._insert(
            "passages",
            [
                {
                    "key": f"{gen}/{p['id']}",
                    "gen": gen,
                    "doc_key": doc_key,
                    "document_id": doc_id,
                    "passage_id": p["id"],
                    "tokens": p["tokens"],
                }
                for p in payload["passages"]
            ],
        )
        self._insert(
            "units",
            [
                {
                    "key": f"{doc_key}/{i}",
                    "gen": gen,
                    "doc_key": doc_key,
                    "document_id": doc_id,
                    "unit": i,
                    "passage_id": unit["passage_id"],
                    "vector": vector.tolist(),
                }
                for i, (unit, vector) in enumerate(zip(payload["units"], vectors, strict=True))
            ],
        )

    def _insert(self, what: str, rows: list[dict]) -> None:
        for start in range(0, len(rows), BATCH):
            self.client.insert(self._collection(what), rows[start : start + BATCH])

    def _forget(self, expr: str) -> None:
        for what in ("documents", "passages", "units", "findings"):
            self.client.delete(self._collection(what), filter=expr)

    def _forget_documents(self, doc_keys: set[str]) -> None:
        keys = sorted(doc_keys)
        for start in range(0, len(keys), BATCH):
            expr = f"doc_key in {json.dumps(keys[start : start + BATCH], ensure_ascii=False)}"
            for what in ("documents", "passages", "units"):
                self.client.delete(self._collection(what), filter=expr)

    def _ensure(self, dim: int) -> None:
        """The collections, created on first use (unit vectors of `dim` dimensions)."""
        client = self.client
        self._ensure_state()
        if not client.has_collection(self._collection("passages")):
            self._create_passages()
        for what, make in (
            ("documents", lambda: self._bookkeeping(with_doc_key=True)),
            ("findings", lambda: self._bookkeeping(with_doc_key=False)),
            ("units", lambda: self._units_schema(dim)),
        ):
            name = self._collection(what)
            if not client.has_collection(name):
                schema, index = make()
                client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")

    def _ensure_state(self) -> None:
        name = self._collection("state")
        if not self.client.has_collection(name):
            schema, index = self._state_schema()
            try:
                self.client.create_collection(
                    name, schema=schema, index_params=index, consistency_level="Strong"
                )
            except MilvusException:
                if not self.client.has_collection(name):  # not another replica's at the same moment
                    raise

    def _create_passages(self) -> None:
        """The passages' collection. djkb's tokens (jieba with its dictionary, as every other signal
        sees the text) are stored separated by spaces, for the analyzer only to split them again:
        Milvus's whitespace tokenizer does; milvus-lite has none, and its standard one (runs of word
        characters) splits them the same way, as djkb's tokens are runs of word characters."""
        rpc_log = logging.getLogger("pymilvus.decorators")  # logs the expected refusal with a traceback
        for splitter in ("whitespace", "standard"):
            schema, index = self._passages_schema(splitter)
            rpc_log.disabled = splitter == "whitespace"
            try:
                self.client.create_collection(
                    self._collection("passages"),
                    schema=schema,
                    index_params=index,
                    consistency_level="Strong",
                )
                return
            except MilvusException as exc:
                if splitter == "standard":
                    raise
                log.info("Milvus has no whitespace tokenizer (%s): the standard one splits the tokens", exc)
            finally:
                rpc_log.disabled = False

    def _bookkeeping(self, *, with_doc_key: bool) -> tuple:
        schema = MilvusClient.create_schema(auto_id=False)
        schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=KEY_LENGTH)
        schema.add_field("gen", DataType.INT64)
        if with_doc_key:
            schema.add_field("doc_key", DataType.VARCHAR, max_length=KEY_LENGTH)
        schema.add_field("data", DataType.VARCHAR, max_length=PART_BYTES)
        return self._with_dummy(schema)

    def _state_schema(self) -> tuple:
        schema = MilvusClient.create_schema(auto_id=False)
        schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=64)
        schema.add_field("value", DataType.VARCHAR, max_length=4096)
        return self._with_dummy(schema)

    def _with_dummy(self, schema: Any) -> tuple:
        schema.add_field(_DUMMY, DataType.FLOAT_VECTOR, dim=2)
        index = self.client.prepare_index_params()
        index.add_index(field_name=_DUMMY, index_type="FLAT", metric_type="L2")
        return schema, index

    @staticmethod
    def _searched_schema() -> Any:
        """The fields of a searched collection's rows: whose, of which generation, under what key."""
        schema = MilvusClient.create_schema(auto_id=False)
        schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=KEY_LENGTH)
        schema.add_field("gen", DataType.INT64)
        schema.add_field("doc_key", DataType.VARCHAR, max_length=KEY_LENGTH)
        schema.add_field("document_id", DataType.VARCHAR, max_length=KEY_LENGTH)
        return schema

    def _passages_schema(self, splitter: str) -> tuple:
        schema = self._searched_schema()
        schema.add_field("passage_id", DataType.VARCHAR, max_length=KEY_LENGTH)
        schema.add_field(
            "tokens",
            DataType.VARCHAR,
            max_length=PART_BYTES,
            enable_analyzer=True,
            analyzer_params={"tokenizer": splitter},
        )
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(
            Function(
                name="bm25",
                function_type=FunctionType.BM25,
                input_field_names=["tokens"],
                output_field_names=["sparse"],
            )
        )
        index = self.client.prepare_index_params()
        # BM25's k1 and b as djkb's own lexical index has them (index.retrieval.bm25).
        index.add_index(
            field_name="sparse",
            index_type="SPARSE_INVERTED_INDEX",
            metric_type="BM25",
            params={"bm25_k1": 1.2, "bm25_b": 0.75},
        )
        return schema, index

    def _units_schema(self, dim: int) -> tuple:
        schema = self._searched_schema()
        schema.add_field("unit", DataType.INT64)
        schema.add_field("passage_id", DataType.VARCHAR, max_length=KEY_LENGTH)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
        index = self.client.prepare_index_params()
        # Exact search, as the files backend's FAISS index below COMPRESS_ABOVE units.
        index.add_index(field_name="vector", index_type="FLAT", metric_type="IP")
        return schema, index


def _payloads(tables: Mapping[str, list[dict]]) -> dict[str, dict]:
    """Each document's rows (in document order), with `unit_rows`: its units' rows in the dense index."""
    document_of = {p["id"]: p["document_id"] for p in tables["passages"]}
    payloads = {
        d["id"]: {
            "document": {k: v for k, v in d.items() if k != "ordinal"},
            **{t: [] for t in _PER_DOCUMENT},
        }
        for d in sorted(tables["documents"], key=lambda d: d["ordinal"])
    }
    rows: dict[str, list[int]] = defaultdict(list)
    for p in tables["passages"]:
        payloads[p["document_id"]]["passages"].append(p)
    for unit in sorted(tables["units"], key=lambda u: u["row"]):
        doc_id = document_of[unit["passage_id"]]
        payloads[doc_id]["units"].append({k: v for k, v in unit.items() if k != "row"})
        rows[doc_id].append(unit["row"])
    for enumeration in tables["enumerations"]:
        payloads[document_of[enumeration["passage_id"]]]["enumerations"].append(enumeration)
    for doc_id, payload in payloads.items():
        payload["unit_rows"] = rows[doc_id]
    return payloads


class MilvusSource:
    """A searcher's first-stage candidates from the engine, reported by the searcher's rows."""

    def __init__(self, backend: MilvusBackend, rows: Rows) -> None:
        self._backend = backend
        self._gen = backend.tag(rows.generation)
        keys = backend.document_keys(self._gen)  # rows of a document's other versions are not its
        self._row = {
            (keys[doc_id], pid): i
            for i, (pid, doc_id) in enumerate(zip(rows.passage_ids, rows.document_ids, strict=True))
        }
        document_of = dict(zip(rows.passage_ids, rows.document_ids, strict=True))
        self._unit_row: dict[tuple[str, int], int] = {}
        seen: dict[str, int] = defaultdict(int)  # units by their place in their document, as stored
        for row, (pid, _, _) in enumerate(rows.units):
            doc_id = document_of[pid]
            self._unit_row[(keys[doc_id], seen[doc_id])] = row
            seen[doc_id] += 1
        self._documents = np.array(rows.document_ids, dtype=object)
        self._all = set(rows.document_ids)
        self._n = len(rows.passage_ids)

    def _filter(self, allowed: np.ndarray) -> str:
        expr = f"gen <= {self._gen}"
        if allowed.all():
            return expr
        inside = set(self._documents[allowed].tolist())
        outside = self._all - inside
        if len(inside) <= len(outside):
            return f"{expr} and document_id in {json.dumps(sorted(inside), ensure_ascii=False)}"
        return f"{expr} and document_id not in {json.dumps(sorted(outside), ensure_ascii=False)}"

    def lexical(self, terms: Mapping[str, float], allowed: np.ndarray, k: int) -> np.ndarray:
        scores = np.zeros(self._n, dtype=np.float32)
        said = " ".join(term for term, weight in terms.items() for _ in range(max(1, round(weight * REPEAT))))
        if not said or not allowed.any():
            return scores
        found = self._backend.client.search(
            self._backend._collection("passages"),
            data=[said],
            anns_field="sparse",
            limit=k,
            filter=self._filter(allowed),
            output_fields=["doc_key", "passage_id"],
            search_params={"metric_type": "BM25"},
        )
        for hit in found[0]:
            row = self._row.get((hit["entity"]["doc_key"], hit["entity"]["passage_id"]))
            if row is not None:  # not a document this searcher's generation holds
                scores[row] = abs(hit["distance"]) / REPEAT  # milvus-lite reports −score
        return scores

    def nearest(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        found = self._backend.client.search(
            self._backend._collection("units"),
            data=[np.asarray(vector, dtype=np.float32).tolist()],
            anns_field="vector",
            limit=k,
            filter=f"gen <= {self._gen}",
            output_fields=["doc_key", "unit"],
            search_params={"metric_type": "IP"},
        )
        rows, sims = [], []
        for hit in found[0]:
            row = self._unit_row.get((hit["entity"]["doc_key"], int(hit["entity"]["unit"])))
            if row is not None:
                rows.append(row)
                sims.append(hit["distance"])
        return np.array(rows, dtype=np.int64), np.array(sims, dtype=np.float32)

    def close(self) -> None:
        pass
