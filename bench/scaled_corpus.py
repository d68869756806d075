"""A deterministic corpus N times the size of core, for the scaling benchmarks.

    .venv/bin/python -m bench.scaled_corpus OUT --factor 10

Core itself plus synthetic regulations (章 / 条, the layout of the real ones) whose articles are
sentences drawn from the library's documents (core and the saved pages), so their words and lengths
are those of real party texts and a query finds as many candidates as in a library that size. Each
sentence is made unique by the place it is set in (「青河县各级党组织……」): the embedding cache
cannot hide the cost of a single one, and no two synthetic documents are copies of each other.
The same factor and seed always write the same files.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from bench.knowledge_bases import sources
from index.analysis.units import sentence_spans
from ingest.loader import IngestError, expand_paths, load_document
from ingest.sentences import split_sentences

# Place names are two of these characters and a suffix: 3,600 × 5 places, each sentence one of them.
NAME_CHARS = (
    "青河山川东西南北安平宁远新华阳明清源长丰泰和永兴嘉定松柏桃李金石玉溪云龙凤鹤"
    "春秋江湖海岭峰田林泉湾桥城乡德仁义礼信忠孝文武"
)
SUFFIXES = ("县", "区", "市", "镇", "乡")
TOPICS = (
    "党支部标准化规范化建设",
    "党员教育管理",
    "发展党员工作",
    "基层组织建设",
    "纪律建设",
    "作风建设",
    "理论学习中心组学习",
    "主题党日活动",
    "党费收缴使用管理",
    "民主评议党员",
)
KINDS = ("实施办法", "工作细则", "实施细则", "管理办法", "工作规则")
CHAPTERS = ("总则", "组织设置", "工作职责", "组织生活", "教育管理", "监督检查", "保障措施", "附则")
ARTICLES_PER_CHAPTER = (4, 9)
SENTENCES_PER_ARTICLE = (1, 5)


def chinese(n: int) -> str:
    """1..999 in Chinese numerals, as articles are numbered (第一百二十三条)."""
    digits = "零一二三四五六七八九"
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    text = f"{digits[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (digits[ones] if ones else "")


def core_units() -> int:
    """Sentence units of core (as the index embeds them, articles' windows apart), the unit the factor
    multiplies."""
    documents = [load_document(path) for path in expand_paths(sources("core"))]
    return sum(len(sentence_spans(p.text)) for document in documents for p in document.passages)


def pool_of(paths: list[Path]) -> list[str]:
    """Every sentence of the documents under `paths` long enough to stand alone, in file order."""
    found: list[str] = []
    for path in expand_paths(paths):
        try:
            document = load_document(path)
        except IngestError:
            continue
        for passage in document.passages:
            for start, end in split_sentences(passage.text):
                sentence = passage.text[start:end].strip()
                if 12 <= len(sentence) <= 200 and not sentence.startswith("第"):
                    found.append(sentence)
    return found


def write_scaled(out: Path, factor: int, seed: int = 0) -> int:
    """Write the synthetic documents making core `factor` times larger into `out`; their count."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pool = pool_of(sources("library"))
    places = [a + b + s for a in NAME_CHARS for b in NAME_CHARS if a != b for s in SUFFIXES]
    rng.shuffle(places)
    target, written, count, used = (factor - 1) * core_units(), 0, 0, 0
    seen: set[str] = set()
    while written < target:
        place = places[count % len(places)]
        title = f"中共{place}委员会{TOPICS[count % len(TOPICS)]}{KINDS[count // len(TOPICS) % len(KINDS)]}"
        lines, article = [title, ""], 0
        for number, heading in enumerate(CHAPTERS, 1):
            lines.append(f"第{chinese(number)}章　{heading}")
            for _ in range(rng.randint(*ARTICLES_PER_CHAPTER)):
                article += 1
                sentences: list[str] = []
                wanted = rng.randint(*SENTENCES_PER_ARTICLE)
                while len(sentences) < wanted:
                    sentence = places[used % len(places)] + rng.choice(pool)
                    used += 1
                    if sentence not in seen:
                        seen.add(sentence)
                        sentences.append(sentence)
                lines.append(f"第{chinese(article)}条　" + "".join(sentences))
                written += len(sentences)
        (out / f"{count:05d}-{title}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{write_scaled(args.out, args.factor, args.seed)} documents written to {args.out}")


if __name__ == "__main__":
    main()
