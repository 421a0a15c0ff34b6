"""Text analysis for every language at once: one script-aware tokenizer.

Measured on the relevance set in tests/test_search_relevance.py (see README,
"Search"): a stock analyser treats "실크로드의" as one word and cannot lemmatise
«фестивали»; this one does per script:

- Latin (and other alphabets): accents folded, lower case, English Snowball stem;
- Cyrillic: ё→е, pymorphy3 lemma; for words the dictionary does not know (names such
  as «Навруз») the Snowball stem as well, at the same position;
- Hangul and Han: overlapping character bigrams (a lone syllable stays a unigram), so
  particles and compounds do not hide a word (실크로드의 → 실크 크로 로드 드의).

The analyser is pickled into the index: this module must keep its import path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import pymorphy3
import Stemmer
from whoosh.analysis import Token, Tokenizer

HANGUL = "\uac00-\ud7a3"
HAN = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: A Hangul run, a Han/kana run, or a word of any other alphabet (digits included).
WORD = re.compile(rf"[{HANGUL}]+|[{HAN}]+|[^\W_{HANGUL}{HAN}]+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
BIGRAM_SCRIPT = re.compile(rf"[{HANGUL}{HAN}]")

_STOP_EN = "a an and are as at be by for from in into is it its of on or that the this to was"
_STOP_EN += " were with"
_STOP_RU = "и в во не на с со по к о об от из за для а но что как это у до"
STOP = frozenset(f"{_STOP_EN} {_STOP_RU}".split(" "))

#: Without PyStemmer's own cache of 10,000 words each (`maxCacheSize` 0): every stem
#: asked for is kept by this module's caches already, and the stemmers' copies of the
#: same words (~2.5 MiB at 50,000 records) went to a larger serving word cache instead.
_english = Stemmer.Stemmer("english", 0)
_russian = Stemmer.Stemmer("russian", 0)
_morph = None


def _morph_analyzer():
    global _morph
    if _morph is None:
        _morph = pymorphy3.MorphAnalyzer(lang="ru")
    return _morph


def load_dictionaries() -> None:
    """Load the dictionaries now rather than on the first Russian word (kb/warm.py)."""
    _morph_analyzer()


def fold(word: str) -> str:
    """Lower case without accents or modifier letters: "Navroʻz" → "navroz", "São" → "sao"."""
    word = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in word if unicodedata.category(ch) not in ("Mn", "Lm"))


#: Ways to treat Russian words (the default was chosen on the relevance set: README).
RUSSIAN_MODES = ("lemma+stem", "lemma", "stem", "plain")


@lru_cache(maxsize=200_000)
def word_terms(word: str, russian: str = "lemma+stem", english: bool = True) -> tuple[str, ...]:
    """The index terms of one non-bigram word (already matched by WORD), stop words → ().

    `russian`: "lemma+stem" (lemma; and the Snowball stem too when the dictionary does
    not know the word), "lemma", "stem" or "plain"; `english`: Snowball-stem ASCII words.
    """
    lower = word.lower()
    if CYRILLIC.search(lower):
        lower = lower.replace("ё", "е")
        if lower in STOP or len(lower) < 2 or russian == "plain":
            return () if lower in STOP or len(lower) < 2 else (lower,)
        if russian == "stem":
            return (_russian.stemWord(lower),)
        morph = _morph_analyzer()
        lemma = morph.parse(lower)[0].normal_form.replace("ё", "е")
        if russian == "lemma" or morph.word_is_known(lower):
            return (lemma,)
        stem = _russian.stemWord(lower)
        return (lemma,) if stem == lemma else (lemma, stem)
    folded = fold(lower)
    if folded in STOP or (len(folded) < 2 and not folded.isdigit()):
        return ()
    if english and folded.isascii():
        return (_english.stemWord(folded),)
    return (folded,)


#: `word_terms` without its cache, for callers that keep the result themselves.
_word_terms = word_terms.__wrapped__


def spell_words(text: str) -> list[str]:
    """Words as written (folded, unstemmed) for "did you mean": alphabetic, 3+ letters."""
    out = []
    cache = _SPELL
    for word in WORD.findall(text):
        folded = cache.get(word)
        if folded is None:
            if len(cache) >= _words_kept:
                _keep_first(cache, _words_kept)
            keep = not BIGRAM_SCRIPT.match(word) and len(word) >= 3 and word.isalpha()
            folded = cache[word] = fold(word).replace("ё", "е") if keep else ""
        if folded:
            out.append(folded)
    return out


#: Per analyser configuration, words already analysed (see `ScriptTokenizer.units`):
#: words follow Zipf's law, so most lookups hit. When it reaches `_words_kept`, only the
#: words met first are kept (`_keep_first`).
_UNITS: dict[tuple, dict[str, tuple]] = {}
#: Words kept while serving: queries and the snippets of their hits (~250 bytes each,
#: a word's terms shared with the other words that have the same: `_SHAPES`).
#: bench/search.py's 1,000 queries at 50,000 records meet 30,600 words; a Russian word
#: analysed again costs ~30-200 microseconds (pymorphy3's guess for a word it does not
#: know is the dearest), an English one ~5.
SERVING_WORDS = 32_000
#: When a word cache is full, the share of it that stays: the words put in first, which
#: under Zipf's law are mostly the frequent ones (the first texts analysed hold them),
#: so that they are not analysed again at once. Emptying it whole instead analysed 1.8
#: times as many words as an unbounded cache in bench/search.py's queries; keeping the
#: first three quarters, 1.26 times at the same bound (the bench's lookups replayed).
KEEP_SHARE = 0.75
#: Words kept while building an index (`indexing`): a corpus's vocabulary repays it.
INDEXING_WORDS = 200_000
_words_kept = SERVING_WORDS
#: Words already folded for the spelling vocabulary ("" for words it leaves out).
_SPELL: dict[str, str] = {}
#: Each Hangul/Han bigram's one-term position, shared by every word that has it (a few
#: thousand bigrams make up most words: ~130 bytes a bigram of each word kept otherwise).
#: Made again from the words kept when the word cache is cut.
_GRAMS: dict[str, tuple[str]] = {}
#: A word's one position, `(terms,)`, shared by every other word with the same terms
#: (a lemma's forms, a stem's words: 30,000 terms of 20,000 words were 17,000 distinct).
#: Made again from the words kept when the word cache is cut.
_SHAPES: dict[tuple[str, ...], tuple[tuple[str, ...]]] = {}


def _keep_first(cache: dict, bound: int) -> None:
    """Cut `cache` (in place) to the first `KEEP_SHARE` of `bound` entries put in.

    Dictionaries that other threads add to are only read through `dict.copy()`, one C
    call that runs no Python code while it reads; everything iterated is a private copy.
    (`list(cache.items())` was not enough: each item's tuple may start the collector,
    whose finalizers run Python code, where another thread may run and add a word,
    failing the iteration.) So a thread reading or adding meanwhile sees either state:
    at worst a word is analysed twice, or a shape is not shared."""
    kept = list(cache.copy().items())[: int(bound * KEEP_SHARE)]
    cache.clear()
    cache.update(kept)
    caches = list(_UNITS.copy().values())
    if any(cache is units for units in caches):
        _GRAMS.clear()
        _SHAPES.clear()
        for units in caches:
            for word, found in units.copy().items():
                if BIGRAM_SCRIPT.match(word):
                    for group in found:
                        _GRAMS.setdefault(group[0], group)
                elif found:
                    _SHAPES.setdefault(found[0], found)


@contextmanager
def indexing() -> Iterator[None]:
    """Keep up to INDEXING_WORDS analysed words while an index is built (the writer
    processes forked meanwhile keep as many); serving's smaller bound holds again after,
    and what this process kept beyond it is let go (but for the words met first)."""
    global _words_kept
    before = _words_kept
    _words_kept = max(before, INDEXING_WORDS)
    try:
        yield
    finally:
        _words_kept = before
        for cache in (*_UNITS.values(), _SPELL):
            if len(cache) > before:
                _keep_first(cache, before)


class Sections(str):
    """Text made of weighted sections: `Sections([(boost, text), …])`.

    A str (Whoosh takes a list as tokens already made), carrying its sections.
    """

    sections: list[tuple[float, str]]

    def __new__(cls, sections: list[tuple[float, str]]):
        obj = super().__new__(cls, "\n".join(text for _, text in sections))
        obj.sections = sections
        return obj

    def __reduce__(self):  # writer processes receive documents pickled
        return (Sections, (self.sections,))


class ScriptTokenizer(Tokenizer):
    """The whole analyser in one pass (Whoosh's filter chains cost a generator per stage).

    Index values may be `Sections`: each token carries its
    section's boost into the posting weight (so a name outweighs a body in one field),
    and sections are kept apart by a gap of positions so a phrase never spans two.
    """

    SECTION_GAP = 8

    def __init__(self, russian: str = "lemma+stem", korean: str = "bigram", english: bool = True):
        self.russian, self.korean, self.english = russian, korean, english

    def options(self) -> tuple:
        """What distinguishes one configuration from another."""
        return (self.russian, self.korean, self.english)

    def __eq__(self, other):
        return type(other) is type(self) and other.options() == self.options()

    def __hash__(self):
        return hash(self.options())

    def __setstate__(self, state):  # indexes pickled before the options existed
        self.__dict__.update({"russian": "lemma+stem", "korean": "bigram", "english": True})
        self.__dict__.update(state)

    def terms(self, word: str) -> tuple[str, ...]:
        """The index terms of one word that is not Hangul or Han."""
        return word_terms(word, self.russian, self.english)

    def grams(self, word: str) -> list[str]:
        """A Hangul or Han run as index terms: overlapping bigrams, or the whole run."""
        if self.korean != "bigram" or len(word) == 1:
            return [word]
        return [word[i : i + 2] for i in range(len(word) - 1)]

    def unit_cache(self) -> dict[str, tuple]:
        """The words this configuration has analysed: word → `units(word)`."""
        return _UNITS.setdefault(self.options(), {})

    def units(self, word: str) -> tuple[tuple[str, ...], ...]:
        """The terms of a word (matched by WORD) at each position it takes: () for a stop
        word, one position for most words, one per bigram for Hangul and Han."""
        cache = _UNITS.setdefault(self.options(), {})
        found = cache.get(word)
        if found is None:
            if len(cache) >= _words_kept:
                _keep_first(cache, _words_kept)
            if BIGRAM_SCRIPT.match(word):
                grams = _GRAMS
                found = tuple(
                    grams.get(gram) or grams.setdefault(gram, (gram,)) for gram in self.grams(word)
                )
            else:
                # Not through `word_terms`' own cache: this one keeps the result, and a
                # second entry per word of every snippet text was a quarter of the
                # serving process's growth (bench/search.py, 50,000 records).
                terms = _word_terms(word, self.russian, self.english)
                if terms:
                    found = _SHAPES.get(terms)
                    if found is None:
                        # A term that is the word itself is the key's string, not a copy.
                        terms = tuple(word if term == word else term for term in terms)
                        found = _SHAPES[terms] = (terms,)
                else:
                    found = ()
            cache[word] = found
        return found

    def postings(self, value) -> tuple[dict[str, list[int]], dict[str, float]]:
        """Each term's positions and summed weight in `value`, as `__call__`'s tokens
        give them (Whoosh's Positions format) but in one pass, with no Token objects:
        the indexing path (see `kb.search.schema.WeightedText`)."""
        sections = getattr(value, "sections", None) or [(1.0, value)]
        positions: dict[str, list[int]] = {}
        weights: dict[str, float] = {}
        cache = _UNITS.setdefault(self.options(), {})
        units = self.units
        pos = 0
        for boost, text in sections:
            for word in WORD.findall(text):
                groups = cache.get(word)
                if groups is None:
                    groups = units(word)
                for group in groups:
                    for term in group:
                        found = positions.get(term)
                        if found is None:
                            positions[term] = [pos]
                            weights[term] = boost
                        else:
                            found.append(pos)
                            weights[term] += boost
                    pos += 1
            pos += self.SECTION_GAP
        return positions, weights

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        sections = getattr(value, "sections", None) or [(1.0, value)]
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for boost, text in sections:
            token.boost = boost
            for match in WORD.finditer(text):
                word = match.group()
                start = match.start()
                if BIGRAM_SCRIPT.match(word):
                    grams = self.grams(word)
                    for i, gram in enumerate(grams):
                        token.text = gram
                        token.stopped = False
                        if positions:
                            token.pos = pos
                        if chars:
                            token.startchar = start_char + start + i
                            token.endchar = token.startchar + len(gram)
                        if keeporiginal:
                            token.original = gram
                        pos += 1
                        yield token
                    continue
                terms = self.terms(word)
                if not terms:
                    continue
                for term in terms:
                    token.text = term
                    token.stopped = False
                    if positions:
                        token.pos = pos
                    if chars:
                        token.startchar = start_char + start
                        token.endchar = start_char + match.end()
                    if keeporiginal:
                        token.original = word
                    yield token
                pos += 1
            pos += self.SECTION_GAP
