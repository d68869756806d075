"""One writer at a time across replicas: a lease held in the shared engine.

Milvus has no transactions and no compare-and-set, so the lease is taken as Fischer's mutual
exclusion takes a shared register, with time: a writer that finds the lease free (no holder, or a
holder whose lease ran out) writes its own name, waits longer than anyone takes between reading the
lease free and writing, and holds it only if its name is still the one there. While held, a thread
renews it; a writer that dies lets it run out, and the next one takes over after at most `ttl`.
Expiry compares wall clocks across machines: they must agree to well within `ttl` (NTP does).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from types import TracebackType

from pymilvus import MilvusClient, MilvusException

log = logging.getLogger("djkb")

KEY = "writer"


class WriterLease:
    def __init__(
        self,
        client: Callable[[], MilvusClient],
        collection: str,
        placeholder: dict,
        *,
        ttl: float = 60.0,
        settle: float = 1.0,
        poll: float = 0.5,
    ) -> None:
        self._client = client
        self._collection = collection
        self._placeholder = placeholder  # the fields the collection wants beside key and value
        self._ttl = ttl
        self._settle = settle  # far above the milliseconds between a read and a write
        self._poll = poll
        self.owner = uuid.uuid4().hex
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def __enter__(self) -> WriterLease:
        waited = False
        while True:
            holder = self._holder()
            if holder is None or holder["owner"] == self.owner or holder["until"] < time.time():
                self._write()
                time.sleep(self._settle)
                holder = self._holder()
                if holder is not None and holder["owner"] == self.owner:
                    break
            elif not waited:
                log.info("waiting for another replica's write to finish (lease %s)", holder["owner"][:8])
                waited = True
            time.sleep(self._poll)
        self._renewer = threading.Thread(target=self._renew, name="djkb-writer-lease", daemon=True)
        self._renewer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        try:
            if self.held():
                self._client().delete(self._collection, ids=[KEY])
        except MilvusException as exc:  # it runs out by itself
            log.warning("could not release the writer lease: %s", exc)

    def held(self) -> bool:
        """Whether this writer still holds the lease (checked again before a generation goes live)."""
        holder = self._holder()
        return holder is not None and holder["owner"] == self.owner and time.time() < holder["until"]

    def _holder(self) -> dict | None:
        rows = self._client().get(self._collection, ids=[KEY], output_fields=["value"])
        return json.loads(rows[0]["value"]) if rows else None

    def _write(self) -> None:
        value = json.dumps({"owner": self.owner, "until": time.time() + self._ttl})
        self._client().upsert(self._collection, [{"key": KEY, "value": value, **self._placeholder}])

    def _renew(self) -> None:
        while not self._stop.wait(self._ttl / 4):
            try:
                if not self.held():
                    log.error("the writer lease was lost: this write will not be published")
                    return
                self._write()
            except MilvusException as exc:  # tried again; past `until`, held() says it is lost
                log.warning("could not renew the writer lease: %s", exc)
