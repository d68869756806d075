from __future__ import annotations

from fastapi import APIRouter

from api.deps import LiveSearcher, MaybeSearcher
from api.errors import ApiError, documented
from api.schemas import DocumentDetail, DocumentSummary, OutlineNode, OutlineResponse, PassageOut
from index.retrieval.search import Searcher
from ingest.model import Document

router = APIRouter(tags=["documents"])


def _summary(live: Searcher, row) -> DocumentSummary:
    meta = live.metas[row["id"]]
    return DocumentSummary(
        id=row["id"],
        title=meta.title,
        source=row["source"],
        doc_type=meta.doc_type,
        revision_year=meta.revision_year,
        current=row["id"] not in live.superseded,
        published=meta.published,
        doc_number=meta.doc_number,
        issuer=meta.issuer,
        written=meta.written,
        passages=row["passages"],
        ingested_at=row["ingested_at"],
    )


def _document(live: Searcher, doc_id: str, *, with_passages: bool = False) -> Document:
    doc = live.store.document(doc_id, with_passages=with_passages)
    if doc is None:
        raise ApiError(404, f"未找到文档：{doc_id}")
    return doc


@router.get("/documents", response_model=list[DocumentSummary], summary="已导入的文档")
def list_documents(live: MaybeSearcher) -> list[DocumentSummary]:
    return [] if live is None else [_summary(live, r) for r in live.store.document_rows()]


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentDetail,
    summary="文档元数据与全文",
    responses=documented(404),
)
def get_document(doc_id: str, live: LiveSearcher) -> DocumentDetail:
    doc = _document(live, doc_id)
    (row,) = live.store.document_rows(doc_id)
    return DocumentDetail(
        **_summary(live, row).model_dump(),
        signer=doc.meta.signer,
        addressee=doc.meta.addressee,
        issued_line=doc.meta.issued_line,
        dates=list(doc.meta.dates),
        content_hash=doc.content_hash,
        text=doc.text,
    )


@router.get(
    "/documents/{doc_id}/outline",
    response_model=OutlineResponse,
    summary="文档提纲",
    responses=documented(404),
)
def get_outline(doc_id: str, live: LiveSearcher) -> OutlineResponse:
    doc = _document(live, doc_id)
    return OutlineResponse(
        document_id=doc.id, title=doc.title, outline=[OutlineNode.of(s) for s in doc.outline]
    )


@router.get(
    "/documents/{doc_id}/passages",
    response_model=list[PassageOut],
    summary="文档的全部段落（按顺序）",
    responses=documented(404),
)
def get_passages(doc_id: str, live: LiveSearcher) -> list[PassageOut]:
    doc = _document(live, doc_id, with_passages=True)
    return [PassageOut.of(p, doc.title) for p in doc.passages]


@router.get(
    "/passages/{passage_id}", response_model=PassageOut, summary="单个段落", responses=documented(404)
)
def get_passage(passage_id: str, live: LiveSearcher) -> PassageOut:
    passage = live.store.passage(passage_id)
    if passage is None:
        raise ApiError(404, f"未找到段落：{passage_id}")
    return PassageOut.of(passage, live.titles[passage.document_id])
