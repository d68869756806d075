"""HTTP request and response bodies: the contract clients rely on."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from index.model import Answer, Citation, Hit
from ingest.model import Passage, Section

MAX_QUERY = 500
MAX_TOP_K = 50
MAX_FILTER = 100  # IDs or types in one filter: each is checked against every passage


def _integral(value: object) -> object:
    """JSON has one number type: 5.0 is the integer 5 (JSON Schema agrees); "5" and true are not."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# Request bodies are strict (0 is not false, "5" is not 5): they accept what their schema says.
Count = Annotated[int, BeforeValidator(_integral)]


class SearchRequest(BaseModel):
    model_config = ConfigDict(strict=True)

    query: str = Field(min_length=1, max_length=MAX_QUERY, description="检索内容")
    top_k: Count = Field(10, ge=1, le=MAX_TOP_K)
    mode: Literal["hybrid", "lexical", "dense", "phrase"] = "hybrid"
    documents: list[str] | None = Field(
        None, max_length=MAX_FILTER, description="只在这些文档中检索（文档 ID）"
    )
    doc_types: list[str] | None = Field(
        None, max_length=MAX_FILTER, description="只检索这些类型的文档，如 条例、章程"
    )
    include_superseded: bool = Field(False, description="也检索已被新版本取代的旧版文档")


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


class ReferenceOut(BaseModel):
    passage_id: str
    document_id: str
    document_title: str
    citation: str


class SearchResult(PassageOut):
    doc_type: str
    revision_year: int | None = Field(description="文档版本（修订年份）")
    current: bool = Field(description="是否为该文档的现行版本")
    published: str = Field("", description="网页注明的发布日期（ISO），没有时为空")
    score: float
    highlights: list[tuple[int, int]]
    also: list[ReferenceOut] = Field(
        default_factory=list, description="另见：其他文档中相同的文字（如转载条例原文的学习网页）"
    )

    @classmethod
    def of_hit(cls, hit: Hit) -> SearchResult:
        base = PassageOut.of(hit.passage, hit.document_title)
        return cls(
            **base.model_dump(),
            doc_type=hit.doc_type,
            revision_year=hit.revision_year,
            current=hit.current,
            published=hit.published,
            score=round(hit.score, 6),
            highlights=list(hit.highlights),
            also=[ReferenceOut(**asdict(ref)) for ref in hit.also],
        )


class SearchResponse(BaseModel):
    results: list[SearchResult]
    took_ms: float


class AskRequest(BaseModel):
    model_config = ConfigDict(strict=True)

    question: str = Field(min_length=1, max_length=MAX_QUERY, description="问题")
    top_k: Count = Field(5, ge=1, le=MAX_TOP_K, description="从多少个检索段落中摘取答案")
    documents: list[str] | None = Field(
        None, max_length=MAX_FILTER, description="只在这些文档中找答案（文档 ID）"
    )


class CitationOut(BaseModel):
    n: int = Field(description="答案中的引用编号 [n]")
    passage_id: str
    document_id: str
    document_title: str
    citation: str
    quote: str = Field(description="原文逐字摘录，等于该段落 text[start:end]")
    start: int = Field(description="摘录在段落 text 中的起始位置")
    end: int

    @classmethod
    def of(cls, citation: Citation) -> CitationOut:
        return cls(
            n=citation.n,
            passage_id=citation.passage.id,
            document_id=citation.passage.document_id,
            document_title=citation.document_title,
            citation=citation.passage.citation,
            quote=citation.quote,
            start=citation.start,
            end=citation.end,
        )


class AskResponse(BaseModel):
    answered: bool = Field(description="false：知识库中没有依据，answer 如实说明，citations 为空")
    answer: str = Field(description="只由原文摘录组成，每段后注 [n]")
    citations: list[CitationOut]
    passages: list[SearchResult] = Field(description="检索到的段落，未作答时供参考")
    took_ms: float

    @classmethod
    def of(cls, answer: Answer, took_ms: float) -> AskResponse:
        return cls(
            answered=answer.answered,
            answer=answer.text,
            citations=[CitationOut.of(c) for c in answer.citations],
            passages=[SearchResult.of_hit(h) for h in answer.hits],
            took_ms=round(took_ms, 2),
        )


class DocumentSummary(BaseModel):
    id: str
    title: str
    source: str
    doc_type: str
    revision_year: int | None
    current: bool = Field(True, description="是否为该文档的现行版本（同一文档的各版本中最新者）")
    published: str = Field("", description="网页注明的发布日期（ISO），没有时为空")
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


class UploadResult(BaseModel):
    document_id: str = Field(description="导入后的文档 ID；重复时为已有文档的 ID")
    title: str
    passages: int
    status: Literal["ingested", "version", "resegmented", "unchanged", "duplicate"] = Field(
        description="ingested 新增；version 同一文档的新版本（旧版保留）；resegmented 重新切分；"
        "unchanged 已导入过；duplicate 与已有文档内容相同，未重复存储"
    )
    filename: str
    other_document_id: str = Field("", description="duplicate：内容相同的已有文档；version：被取代的旧版")
