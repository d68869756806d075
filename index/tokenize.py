"""Chinese tokenisation for the lexical index: jieba with our dictionary of party-building terms.

Passages and queries go through the same `tokenize`, so a term like 三会一课 is one token on
both sides. Queries additionally lose intent words (哪些, 多久, 能不能 …) and gain the documents'
wording for colloquial forms (支委会 → 支部委员会) via `expand_query`.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import cache
from importlib import resources

import jieba

_DATA = resources.files("index") / "data"
# Tokens made only of punctuation, symbols or whitespace carry no meaning for BM25.
_NOISE = re.compile(r"^[\s\W_]+$")
_lock = threading.Lock()


def _data_lines(name: str) -> list[str]:
    text = (_DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def terms() -> tuple[str, ...]:
    return tuple(line.split()[0] for line in _data_lines("terms.txt"))


@cache
def stopwords() -> frozenset[str]:
    return frozenset(_data_lines("stopwords.txt"))


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in _data_lines("synonyms.tsv"):
        colloquial, wordings = line.split("\t")
        table[colloquial] = tuple(w for w in wordings.split("|") if w != colloquial)
    return table


@cache
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for term in terms():
        tokenizer.add_word(term, freq=max(tokenizer.suggest_freq(term), 50_000))
    for colloquial in synonyms():
        tokenizer.add_word(colloquial, freq=max(tokenizer.suggest_freq(colloquial), 20_000))
    return tokenizer


def tokenize(text: str) -> list[str]:
    """Words plus every dictionary sub-word inside them, lower-cased, noise removed.

    jieba's own search mode only adds 2- and 3-character sub-words, so 主题党日 would not be
    found inside 主题党日活动; we add dictionary sub-words of every length.
    """
    tokenizer = _tokenizer()
    with _lock:  # jieba's lazy structures are not thread-safe
        words = tokenizer.lcut(text)
    tokens: list[str] = []
    for word in words:
        if _NOISE.match(word):
            continue
        for size in range(2, len(word)):
            for i in range(len(word) - size + 1):
                if tokenizer.FREQ.get(word[i : i + size]):
                    tokens.append(word[i : i + size].lower())
        tokens.append(word.lower())
    return tokens


def query_tokens(query: str) -> list[str]:
    """Tokens of a query: intent words dropped, colloquial forms expanded to the documents' wording."""
    tokens = [t for t in tokenize(query) if t not in stopwords()]
    expanded = list(tokens)
    table = synonyms()
    for token in tokens:
        for wording in table.get(token, ()):
            expanded.extend(t for t in tokenize(wording) if t not in stopwords())
    return expanded
