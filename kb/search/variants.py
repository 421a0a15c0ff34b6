"""A query word's other spellings: the same name in another script or romanisation,
and, when the word finds little, the names within a small edit distance of it.

For each word the reader typed, besides the word itself (`kb.search.query`):

- its sound key (and, in Hangul, its jamo) is looked up among the records' names
  (the `names` field, `kb.search.romanise`): «Данодже» finds "Danoje", "Uighur"
  finds "Uyghur", "kokboru" finds "Kok boru", at `ALIAS` of a literal match's weight;
  a word found in few records is also run together with the word before or after it
  (`joined_alternatives`): "Nong-ak" finds "Nongak";
- when the word and its key together are in fewer than `FEW` records, the names'
  keys and jamo within `max_edits` of it are added too, at most `FUZZY` of a literal
  match's weight and less the more edits they take, so an exact match always ranks
  first: 노브루즈 finds 노루즈 (two letters apart), "Gyorogly" "Gorogly".

Names come first because that is what members misspell and what other scripts spell
differently. A word that is in no record at all is also read as its `correction`, the
nearest word of the texts (one letter apart, two from `TWO_OFF` letters; in Hangul,
one letter of one syllable, so 웨비너 is read as 웨비나 and 축재 as 축제), at `FIXED`
of a literal match's weight; "did you mean" offers the nearest word too.
"""

from __future__ import annotations

import sys
import unicodedata
import weakref

from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh import query as wq

from kb.search import adapter
from kb.search.analysis import BIGRAM_SCRIPT, fold
from kb.search.query import cover_grams, word_variants
from kb.search.romanise import EXACT, HANGUL_RUN, RUN, jamo, joined, key

NAMES = "names"
#: Weight of a name matched through its key or jamo, against the literal word's.
ALIAS = 0.8
#: Weight of a name matched within an edit distance (before the distance's discount).
FUZZY = 0.5
#: A word found in fewer records than this is also matched approximately.
FEW = 3
#: Candidates taken per word (the closest), so a short word cannot pull in hundreds.
LIMIT = 12
#: Weight of a word found in no record read as its nearest word of the texts.
FIXED = 0.5
#: Letters from which a word found in no record may be read as a word two letters off.
TWO_OFF = 8


def max_edits(length: int) -> int:
    """Edits allowed for a key or jamo string of `length` letters."""
    if length < 4:
        return 0
    if length < 6:
        return 1
    return 2 if length < 10 else 3


class Vocabulary:
    """The `names` terms (keys and jamo) of every segment, read once per segment and
    kept with its arrays as two tuples (Latin keys, Hangul jamo) of interned strings:
    no merged copy per searcher (every commit makes a searcher), no list filtered per
    word, and a term in several segments is one string. Segments of deleted documents
    only are read too (`Context.every_leaf`), as they always were."""

    def __init__(self, ctx):
        self.ctx = ctx

    @staticmethod
    def _of(reader, arrays) -> tuple[tuple[str, ...], tuple[str, ...]]:
        words = getattr(arrays, "names_vocabulary", None)
        if words is None:
            # Words' keys and jamo only: run-together and whole-name terms are one
            # per record (most of the vocabulary) and are only ever looked up.
            latin, hangul = [], []
            for raw in reader.lexicon(NAMES):
                text = raw.decode("utf-8")
                if text[0] not in (RUN, EXACT):
                    (latin if text.isascii() else hangul).append(sys.intern(text))
            words = arrays.names_vocabulary = (tuple(latin), tuple(hangul))
        return words

    def terms(self) -> list[str]:
        """Every segment's terms, once each (for tests and tools; `near` reads the
        segments' own tuples)."""
        found: dict[str, None] = {}
        for reader, _, arrays, _ in self.ctx.every_leaf:
            for words in self._of(reader, arrays):
                found.update(dict.fromkeys(words))
        return list(found)

    def near(self, text: str, limit: int = LIMIT) -> list[tuple[str, int]]:
        """(term, edits) of the names' terms within `max_edits` of `text`, closest first
        (two letters swapped count as one edit, the commonest slip: "Nadaam")."""
        most = max_edits(len(text))
        if not most:
            return []
        hangul = not text.isascii()
        best: dict[str, int] = {}
        for reader, _, arrays, _ in self.ctx.every_leaf:
            choices = self._of(reader, arrays)[hangul]
            for term, d, _ in process.extract(
                text, choices, scorer=OSA.distance, score_cutoff=most, limit=limit + 1
            ):
                if term != text:
                    best[term] = min(int(d), best.get(term, most))
        return sorted(best.items(), key=lambda td: (td[1], td[0]))[:limit]


def forms(word: str, variants: list[str]) -> list[str]:
    """The strings a word is looked for as among names: keys, and jamo for Hangul."""
    out: dict[str, None] = {}
    for v in variants:
        if HANGUL_RUN.fullmatch(v):
            out[jamo(v)] = None
        k = key(v)
        if len(k) >= 3:
            out[k] = None
            out[RUN + k] = None  # "kokboru" is "Kok boru" run together
    return list(out)


_counts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def literal_count(searcher, word: str, ana) -> int:
    """At most how many records hold `word` itself (as the text query looks for it);
    remembered per searcher (a query asks it of each word several times)."""
    cache = _counts.get(searcher)
    if cache is None:
        cache = _counts[searcher] = {}
    found = cache.get(word)
    if found is None:
        if len(cache) > 5000:
            cache.clear()
        found = cache[word] = _literal_count(searcher, word, ana)
    return found


def _literal_count(searcher, word: str, ana) -> int:
    if BIGRAM_SCRIPT.match(word):
        best = 0
        for variant in word_variants(word):
            grams = cover_grams(variant)
            if len(grams) == 1 and len(grams[0]) == 1:
                return FEW  # one syllable: a prefix of many words
            best = max(best, min(searcher.doc_frequency("text", g) for g in grams))
        return best
    return max((searcher.doc_frequency("text", t) for t in ana.terms(word)), default=0)


def alternatives(ctx, word: str, variants: list[str], literal_count: int) -> list[wq.Query]:
    """Queries on names for one word (`variants`: the word and, in Hangul, the word
    without its particle); `literal_count`: records the word itself is in, at most."""
    searcher = ctx.searcher
    if NAMES not in searcher.schema:
        return []  # an index built before names were (kb search reindex)
    out: list[wq.Query] = []
    count = literal_count
    looked = forms(word, variants)
    for text in looked:
        df = ctx.doc_frequency(NAMES, text)  # remembered per searcher
        if df:
            out.append(wq.Term(NAMES, text, boost=ALIAS))
            count += df
    if count < FEW:
        vocabulary = Vocabulary(ctx)
        seen = set(looked)
        for text in (t for t in looked if t[0] != RUN):
            most = max_edits(len(text))
            for term, edits in vocabulary.near(text):
                if term not in seen:
                    seen.add(term)
                    out.append(wq.Term(NAMES, term, boost=FUZZY * (1 - edits / (most + 1))))
    # The best of them counts, not their sum: a record with many near names is not
    # lifted above one with the word itself.
    return [wq.DisjunctionMax(out)] if len(out) > 1 else out


def joined_alternatives(ctx, words: list[str], i: int) -> list[wq.Query]:
    """Queries on names for word `i` of `words` run together with its neighbour ("Nong
    ak" is the name "Nongak"): the key of each pair it is in, as a name word's key or a
    name's parts run together, at `ALIAS`."""
    if NAMES not in ctx.searcher.schema:
        return []
    out = []
    for j in (i - 1, i):
        if j >= 0 and j + 1 < len(words):
            run = joined(words[j : j + 2])
            for text in (run, RUN + run):
                if len(run) >= 4 and ctx.doc_frequency(NAMES, text):
                    out.append(wq.Term(NAMES, text, boost=ALIAS))
    return out


def suggestion(ctx, word: str) -> str | None:
    """For a Hangul word that matches nothing, the nearest Hangul name word, if any."""
    if NAMES not in ctx.searcher.schema or not BIGRAM_SCRIPT.match(word):
        return None
    near = Vocabulary(ctx).near(jamo(word), limit=1)
    return unicodedata.normalize("NFC", near[0][0]) if near else None


_corrections: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_near_words: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: Hangul syllables (가 to 힣) and their letters: 19 initial consonants, 21 vowels,
#: 28 finals (0: none), a syllable's code being (initial * 21 + vowel) * 28 + final.
_FIRST, _LAST = 0xAC00, 0xD7A3
_INITIALS, _VOWELS, _FINALS = 19, 21, 28


def _one_letter_off(syllable: str) -> list[str]:
    """The Hangul syllables one letter (initial, vowel or final) away from `syllable`."""
    code = ord(syllable) - _FIRST
    initial, rest = divmod(code, _VOWELS * _FINALS)
    vowel, final = divmod(rest, _FINALS)
    out = []
    for i in range(_INITIALS):
        if i != initial:
            out.append((i * _VOWELS + vowel) * _FINALS + final)
    for v in range(_VOWELS):
        if v != vowel:
            out.append((initial * _VOWELS + v) * _FINALS + final)
    for f in range(_FINALS):
        if f != final:
            out.append((initial * _VOWELS + vowel) * _FINALS + f)
    return [chr(_FIRST + c) for c in out]


def _hangul_fix(searcher, word: str) -> str | None:
    """The Hangul word one letter from `word` whose every bigram is in the texts (the
    most frequent such word), or None: only syllables in every missing bigram change."""
    if len(word) < 2 or not all(_FIRST <= ord(c) <= _LAST for c in word):
        return None
    df = searcher.doc_frequency
    grams = [word[i : i + 2] for i in range(len(word) - 1)]
    missing = [i for i, g in enumerate(grams) if not df("text", g)]
    if not missing:
        return None
    places = set(range(missing[0], missing[0] + 2))
    for i in missing[1:]:
        places &= {i, i + 1}
    best, best_df = None, 0
    for p in sorted(places):
        for syllable in _one_letter_off(word[p]):
            fixed = word[:p] + syllable + word[p + 1 :]
            found = float("inf")
            for i in range(max(p - 1, 0), min(p + 1, len(word) - 1)):
                found = min(found, df("text", fixed[i : i + 2]))
                if found <= best_df:
                    break  # most candidates stop at their first bigram
            if found > best_df and all(df("text", g) for g in cover_grams(fixed)):
                best, best_df = fixed, found
    return best


def closest(searcher, word: str, longer: int = 5) -> str | None:
    """The word of the texts' vocabulary nearest to `word` (ties: the most frequent):
    one letter off, or two for a word of `longer` letters or more."""
    for maxdist in (1, 2) if len(word) >= longer else (1,):
        found = _within(searcher, word, maxdist)
        if found:
            return max(found, key=lambda t: searcher.doc_frequency("spell", t))
    return None


def _within(searcher, word: str, maxdist: int) -> list[str]:
    """The spelling vocabulary's words `maxdist` edits from `word` (sorted; remembered
    per searcher: "did you mean" and the correction ask the same)."""
    cache = _near_words.get(searcher)
    if cache is None:
        cache = _near_words[searcher] = {}
    found = cache.get((word, maxdist))
    if found is None:
        if len(cache) > 1000:
            cache.clear()
        found = cache[word, maxdist] = sorted(
            adapter.terms_within(searcher, "spell", word, maxdist, prefix=1) - {word}
        )
    return found


def correction(searcher, word: str) -> str | None:
    """For a word found in no record, the nearest word the texts have (see the module's
    docstring), or None; remembered per searcher."""
    cache = _corrections.get(searcher)
    if cache is None:
        cache = _corrections[searcher] = {}
    if word not in cache:
        if len(cache) > 1000:
            cache.clear()
        if BIGRAM_SCRIPT.match(word):
            fixed = None
            for variant in word_variants(word):  # the word, then without its particle
                fixed = _hangul_fix(searcher, variant)
                if fixed:
                    break
            cache[word] = fixed
        elif len(word) >= 3:
            # Two letters off only in long words: "baking" is not "bring".
            cache[word] = closest(searcher, fold(word).replace("ё", "е"), longer=TWO_OFF)
        else:
            cache[word] = None
    return cache[word]
