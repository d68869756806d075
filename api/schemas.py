"""HTTP request and response bodies: the contract clients rely on."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from index.model import Answer, Citation, Hit
from index.quiz.model import QuizItem, QuizSource
from index.retrieval.search import Issued
from index.study.model import Context, Digest
from ingest.model import Passage, Section

MAX_QUERY = 500
MAX_TOP_K = 50
MAX_FILTER = 100  # IDs or types in one filter: each is checked against every passage


def _integral(value: object) -> object:
    """JSON has one number type: 5.0 is the integer 5 (JSON Schema agrees); "5" and true are not."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# Request bodies are strict (0 is not false, "5" is not 5): they accept what their schema says.
Count = Annotated[int, BeforeValidator(_integral)]


ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


class IssuedFilter(BaseModel):
    """Who issued a document and when: a 公文's 发文机关 and 成文日期, a web page's publication date."""

    issuer: str = Field("", max_length=MAX_QUERY, description="只检索发文机关名称含此文字的文档")
    date_from: str = Field("", pattern=f"{ISO_DATE}|^$", description="成文或发布日期不早于（YYYY-MM-DD）")
    date_to: str = Field("", pattern=f"{ISO_DATE}|^$", description="成文或发布日期不晚于（YYYY-MM-DD）")

    def issued(self) -> Issued | None:
        return Issued.of(self.issuer, self.date_from, self.date_to)


class SearchRequest(IssuedFilter):
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
    doc_number: str = Field("", description="公文的发文字号，如 中组发〔2023〕5号")
    issuer: str = Field("", description="发文机关")
    written: str = Field("", description="公文的成文日期（ISO）")
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
            doc_number=hit.doc_number,
            issuer=hit.issuer,
            written=hit.written,
            score=round(hit.score, 6),
            highlights=list(hit.highlights),
            also=[ReferenceOut(**asdict(ref)) for ref in hit.also],
        )


class SearchResponse(BaseModel):
    results: list[SearchResult]
    took_ms: float


class AskRequest(IssuedFilter):
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
    doc_number: str = Field("", description="公文的发文字号")
    issuer: str = Field("", description="发文机关")
    written: str = Field("", description="公文的成文日期（ISO）")
    passages: int
    ingested_at: str


class DocumentDetail(DocumentSummary):
    signer: str = Field("", description="公文的签发人")
    addressee: str = Field("", description="公文的主送机关")
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
    notes: list[str] = Field(
        default_factory=list, description="读取说明：哪些页经OCR识别、哪些页因识别不清未收录"
    )


# --- study (学习会) ---

MAX_TITLE = 100
# Text that goes into a Word or Excel file: XML 1.0 has no place for control characters but tab and
# line breaks, so a request carrying them is refused up front rather than failing in the writer.
PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*$"
MAX_PACK = 200  # passages in one study pack
MAX_QUIZ = 100  # items generated at once
MAX_EXPORT = 500  # items exported at once


class ContextResponse(BaseModel):
    passage: PassageOut
    before: list[PassageOut] = Field(description="同一文档中前面的段落，按顺序")
    after: list[PassageOut] = Field(description="同一文档中后面的段落，按顺序")
    section_heading: str = Field(description="段落所在的章节标题")

    @classmethod
    def of(cls, context: Context) -> ContextResponse:
        title = context.excerpt.document_title
        return cls(
            passage=PassageOut.of(context.excerpt.passage, title),
            before=[PassageOut.of(p, title) for p in context.before],
            after=[PassageOut.of(p, title) for p in context.after],
            section_heading=context.section_heading,
        )


class DigestRequest(BaseModel):
    model_config = ConfigDict(strict=True)

    topic: str = Field(min_length=1, max_length=MAX_QUERY, description="专题，如 组织生活")
    documents: list[str] | None = Field(None, max_length=MAX_FILTER, description="只摘编这些文档（文档 ID）")
    doc_types: list[str] | None = Field(None, max_length=MAX_FILTER, description="只摘编这些类型的文档")
    max_passages: Count = Field(20, ge=1, le=100, description="最多摘编多少个段落")


class DigestGroupOut(BaseModel):
    document_id: str
    document_title: str
    doc_type: str
    passages: list[PassageOut] = Field(description="该文档中论及专题的段落，按文中顺序")


class DigestResponse(BaseModel):
    topic: str
    groups: list[DigestGroupOut] = Field(description="按文档分组：党章、条例在前，工作要点其次，网页在后")

    @classmethod
    def of(cls, digest: Digest) -> DigestResponse:
        return cls(
            topic=digest.topic,
            groups=[
                DigestGroupOut(
                    document_id=g.document_id,
                    document_title=g.document_title,
                    doc_type=g.doc_type,
                    passages=[PassageOut.of(e.passage, e.document_title) for e in g.excerpts],
                )
                for g in digest.groups
            ],
        )


class _StudyExport(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")  # passages or a topic, never both

    format: Literal["docx", "markdown"] = "docx"
    title: str | None = Field(None, max_length=MAX_TITLE, pattern=PRINTABLE, description="材料标题")


class PassagesExport(_StudyExport):
    passage_ids: list[str] = Field(
        min_length=1, max_length=MAX_PACK, description="学习材料的段落 ID，按学习顺序"
    )


class TopicExport(_StudyExport):
    topic: str = Field(min_length=1, max_length=MAX_QUERY, description="按专题摘编")


# --- quiz (知识竞赛) ---

QuizKind = Literal["cloze", "choice", "judge"]


class QuizRequest(BaseModel):
    model_config = ConfigDict(strict=True)

    topic: str = Field(min_length=1, max_length=MAX_QUERY, description="出题专题，如 发展党员")
    kinds: list[QuizKind] = Field(
        default_factory=lambda: ["cloze", "choice", "judge"],
        min_length=1,
        max_length=3,
        description="题型：cloze 填空、choice 单选、judge 判断",
    )
    n: Count = Field(20, ge=1, le=MAX_QUIZ, description="题目数量")
    seed: Count | None = Field(None, description="随机种子：相同种子出相同的题")
    documents: list[str] | None = Field(
        None, max_length=MAX_FILTER, description="只从这些文档出题（文档 ID）"
    )
    exclude: list[str] = Field(
        default_factory=list, max_length=MAX_EXPORT, description="不再出的题目 ID（换一题时传入已有题目）"
    )


class QuizSourceOut(BaseModel):
    passage_id: str
    document_title: str
    citation: str
    quote: str = Field(description="原文逐字摘录，等于该段落 text[start:end]")
    start: int
    end: int


class QuizItemOut(BaseModel):
    id: str
    kind: QuizKind
    question: str = Field(min_length=1, max_length=5000, pattern=PRINTABLE)
    options: list[Annotated[str, Field(min_length=1, max_length=500, pattern=PRINTABLE)]] = Field(
        default_factory=list, max_length=4, description="单选题的四个选项"
    )
    answer: str | bool = Field(description="填空：所填原文；单选：正确选项；判断：true / false")
    explanation: str = Field(max_length=5000, pattern=PRINTABLE)
    source: QuizSourceOut

    @classmethod
    def of(cls, item: QuizItem) -> QuizItemOut:
        return cls(
            id=item.id,
            kind=item.kind,  # type: ignore[arg-type]
            question=item.question,
            options=list(item.options),
            answer=item.answer,
            explanation=item.explanation,
            source=QuizSourceOut(**asdict(item.source)),
        )

    def item(self) -> QuizItem:
        return QuizItem(
            self.id,
            self.kind,
            self.question,
            self.answer,
            self.explanation,
            QuizSource(**self.source.model_dump()),
            tuple(self.options),
        )


class QuizResponse(BaseModel):
    items: list[QuizItemOut]


class QuizExportRequest(BaseModel):
    model_config = ConfigDict(strict=True)

    items: list[QuizItemOut] = Field(min_length=1, max_length=MAX_EXPORT)
    format: Literal["xlsx", "docx", "csv"] = "xlsx"
    title: str | None = Field(None, max_length=MAX_TITLE, pattern=PRINTABLE, description="试卷标题")
