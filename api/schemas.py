"""HTTP request and response bodies: the contract clients rely on."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from index.model import Hit
from ingest.model import Passage, Section

MAX_QUERY = 500
MAX_TOP_K = 50


class SearchRequest(BaseModel):
    query: str = Field(min_length=1, max_length=MAX_QUERY, description="检索内容")
    top_k: int = Field(10, ge=1, le=MAX_TOP_K)
    mode: Literal["hybrid", "lexical", "dense", "phrase"] = "hybrid"
    documents: list[str] | None = Field(None, description="只在这些文档中检索（文档 ID）")
    doc_types: list[str] | None = Field(None, description="只检索这些类型的文档，如 条例、章程")


class PassageOut(BaseModel):
    passage_id: str
    document_id: str
    document_title: str
    heading_path: list[str]
    citation: str
    text: str
    start: int
    end: int
    page: int | None = None

    @classmethod
    def of(cls, passage: Passage, document_title: str) -> PassageOut:
        return cls(
            passage_id=passage.id,
            document_id=passage.document_id,
            document_title=document_title,
            heading_path=list(passage.heading_path),
            citation=passage.citation,
            text=passage.text,
            start=passage.start,
            end=passage.end,
            page=passage.page,
        )


class SearchResult(PassageOut):
    doc_type: str
    score: float
    highlights: list[tuple[int, int]]

    @classmethod
    def of_hit(cls, hit: Hit) -> SearchResult:
        base = PassageOut.of(hit.passage, hit.document_title)
        return cls(
            **base.model_dump(),
            doc_type=hit.doc_type,
            score=round(hit.score, 6),
            highlights=list(hit.highlights),
        )


class SearchResponse(BaseModel):
    results: list[SearchResult]
    took_ms: float


class DocumentSummary(BaseModel):
    id: str
    title: str
    source: str
    doc_type: str
    revision_year: int | None
    passages: int
    ingested_at: str


class DocumentDetail(DocumentSummary):
    issuer: str
    issued_line: str
    dates: list[str]
    content_hash: str
    text: str


class OutlineNode(BaseModel):
    key: str
    kind: str
    label: str
    title: str
    heading: str
    start: int
    end: int
    passage_ids: list[str]
    children: list[OutlineNode]

    @classmethod
    def of(cls, section: Section) -> OutlineNode:
        return cls(
            key=section.key,
            kind=section.kind,
            label=section.label,
            title=section.title,
            heading=section.heading,
            start=section.start,
            end=section.end,
            passage_ids=list(section.passage_ids),
            children=[cls.of(c) for c in section.children],
        )


class OutlineResponse(BaseModel):
    document_id: str
    title: str
    outline: list[OutlineNode]


class Health(BaseModel):
    status: str
    documents: int
    passages: int


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody
