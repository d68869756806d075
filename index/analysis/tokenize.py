"""Chinese tokenisation for the lexical index: jieba with our dictionary of party-building terms.

Passages and queries go through the same `tokenize`, so a term like 三会一课 is one token on
both sides. Queries additionally lose intent words (哪些, 多久, 能不能 …) and gain the documents'
wording for colloquial forms (支委会 → 支部委员会) via `expand_query`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import re
import threading
from functools import cache
from importlib import resources

import jieba

from index.cache_dir import default_cache_dir
from index.staged_file import staged

_DATA = resources.files("index.analysis") / "data"
# Tokens made only of punctuation, symbols or whitespace carry no meaning for BM25.
_NOISE = re.compile(r"^[\s\W_]+$")
_lock = threading.Lock()


def _data_lines(name: str) -> list[str]:
    text = (_DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def lexicon_version() -> str:
    """Fingerprint of everything that decides tokens; stored tokens from another version are stale."""
    digest = hashlib.sha1(jieba.__version__.encode())
    for name in ("terms.txt", "stopwords.txt", "synonyms.tsv"):
        digest.update((_DATA / name).read_bytes())
    return digest.hexdigest()[:12]


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
    """jieba with our words added. Its prefix table (all it keeps) is cached whole, by lexicon: read
    with one marshal.loads it takes 0.3 s, where jieba's own cache, read by marshal.load from the
    open file, takes 1.3 s, and the words would be added again."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    table = default_cache_dir() / "jieba" / f"{lexicon_version()}.marshal"
    try:
        tokenizer.FREQ, tokenizer.total = marshal.loads(table.read_bytes())
        tokenizer.initialized = True
        return tokenizer
    except (OSError, EOFError, ValueError, TypeError):  # none yet, or unreadable: build it again
        pass
    tokenizer.initialize()
    for term in terms():
        tokenizer.add_word(term, freq=max(tokenizer.suggest_freq(term), 50_000))
    for colloquial in synonyms():
        tokenizer.add_word(colloquial, freq=max(tokenizer.suggest_freq(colloquial), 20_000))
    with contextlib.suppress(OSError):  # a read-only home still tokenises, only slower to start
        table.parent.mkdir(parents=True, exist_ok=True)
        with staged(table) as staging:
            staging.write_bytes(marshal.dumps((tokenizer.FREQ, tokenizer.total)))
    return tokenizer


def preload_dictionary() -> None:
    """Load the dictionary (a second or more) on a thread: an ingest does it while its files are read."""

    def load() -> None:
        with _lock:
            _tokenizer()

    threading.Thread(target=load, name="djkb-jieba", daemon=True).start()


SUBWORD_WEIGHT = 0.5  # a sub-word (党员 inside 预备党员) is weaker evidence than the word itself
EXPANSION_WEIGHT = 0.6  # the documents' wording for a colloquial form, added to the query
CHAR_WEIGHT = 0.3  # a one-character word (会, 走) is mostly grammar, rarely the topic


def _words(text: str) -> list[str]:
    with _lock:  # jieba's lazy structures are not thread-safe
        words = _tokenizer().lcut(text)
    return [w.lower() for w in words if not _NOISE.match(w)]


def _subwords(word: str) -> list[str]:
    """Dictionary words inside `word`, of every length (jieba's search mode stops at three characters,
    so 主题党日 would not be found inside 主题党日活动)."""
    freq = _tokenizer().FREQ
    return [
        word[i : i + size]
        for size in range(2, len(word))
        for i in range(len(word) - size + 1)
        if freq.get(word[i : i + size])
    ]


def tokenize(text: str) -> list[str]:
    """Index tokens: every word plus every dictionary sub-word inside it, lower-cased, noise removed."""
    return [token for word in _words(text) for token in (*_subwords(word), word)]


def query_terms(query: str) -> dict[str, float]:
    """Weighted query terms: intent words dropped, sub-words and expansions weaker than the words typed."""
    weights: dict[str, float] = {}

    def add(term: str, weight: float) -> None:
        if term not in stopwords():
            weights[term] = max(weights.get(term, 0.0), weight)

    table = synonyms()
    for word in _words(query):
        add(word, 1.0 if len(word) > 1 else CHAR_WEIGHT)
        for sub in _subwords(word):
            add(sub, SUBWORD_WEIGHT)
        for wording in table.get(word, ()):
            for expanded in _words(wording):
                add(expanded, EXPANSION_WEIGHT)
    return weights


def key_terms(query: str) -> list[str]:
    """The words a member typed that carry the topic (for coverage and highlighting)."""
    return [w for w in dict.fromkeys(_words(query)) if w not in stopwords() and len(w) > 1]


_RUNS = re.compile(r"[\u4e00-\u9fff0-9a-z]+")


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs within runs of CJK, digits and letters: they match a word's variants
    (泄露 / 泄露出去, 婚外 / 婚外情) where the word segmentation differs."""
    return [run[i : i + 2] for run in _RUNS.findall(text.lower()) for i in range(len(run) - 1)]


# Characters that join words rather than name anything (指的是, 党员的).
_FUNCTION_CHARS = re.compile(r"[的是了吗呢吧啊么和与及或在把被给对]")


def content_bigrams(text: str) -> list[str]:
    """`bigrams` without the pairs across a function character (三会一课指的是: 课指, not 指的 or 的是):
    such a pair is no evidence of what a text speaks of."""
    return bigrams(_FUNCTION_CHARS.sub(" ", text))
