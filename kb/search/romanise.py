"""Names in any script, brought to one: romanised, reduced to a sound key, or as jamo.

Members type a name as they know it: «Данодже» for Danoje, 노루즈 for Nowruz,
"Uighur" for Uyghur, "kokboru" for "Kok boru". The index keeps, for every name and
alternate name of a record (the `names` field, see `kb.search.schema`):

- its **key** (`key`): the name romanised (Hangul by the Revised Romanization with
  korean-romanizer, Cyrillic and every other script by anyascii), then reduced so
  that the usual spellings of one sound in English, Russian (BGN) and Korean
  romanisation meet: дж/dzh/zh/z/j → j, kh/gh/q → h/g/k, sh → s, ch/ts → c,
  w/v → b, f → p, l → r (as Korean writes them), y → i, Korean's inserted ㅡ (eu)
  dropped, an h after a consonant dropped, doubled letters single; Russian ё and ю
  after a consonant as o and u (Turkic ö and ü: «Гёроглы» is Görogly). «Данодже» and
  "Danoje" both give "danoje"; "Uighur" and "Uyghur" "uigur"; «Шашмаком» and
  "Shashmaqom" "sasmakom"; 노브루즈 and "Novruz" "nobruj";
- the key of each part of a name run together, marked "+" ("Kok boru, traditional
  horse game" has the parts "Kok boru" and "traditional horse game"), so "kokboru"
  finds it;
- each whole name and each part as an **exact** term ("=" and its key), so a record
  named exactly what the reader typed can be put first (`kb.search.intent`);
- for Hangul words, the word as **jamo** (`jamo`: syllables decomposed), so edit
  distances count letters, not syllables: 노브루즈 is two letters from 노루즈; and a
  part of several Hangul words as their jamo run together (콕 보루 → 콕보루, which
  쿡보루 is one letter from);
- the words of its cities and sites (`place_terms`: keys and jamo only, no exact
  or run-together terms), so "Ulan Bator" finds the festival held in «Улан-Батор»
  and 사마르칸드 the one in Samarkand.

Queries are reduced the same way (see `kb.search.variants`), so the matching is by
equality first and by a small edit distance where that finds too little.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii
from korean_romanizer.romanizer import Romanizer

from kb.search.analysis import HANGUL, WORD, fold

HANGUL_RUN = re.compile(f"[{HANGUL}]+")
#: Spellings of one sound across romanisations, applied in order (longest first).
_SOUNDS = [
    ("dzh", "j"),
    ("tch", "c"),
    ("dj", "j"),
    ("zh", "j"),
    ("z", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("sh", "s"),
    ("ch", "c"),
    ("ts", "c"),
    ("q", "k"),
    # Korean writes v as ㅂ (b), f as ㅍ (p) and l and r alike (ㄹ): 노브루즈 is Novruz.
    ("w", "b"),
    ("v", "b"),
    ("f", "p"),
    ("l", "r"),
    ("y", "i"),
    ("x", "ks"),
    ("eu", ""),
]
_H_AFTER_CONSONANT = re.compile(r"(?<=[bcdfgjklmnprstv])h")
_DOUBLE = re.compile(r"(.)\1+")
_NOT_LATIN = re.compile(r"[^a-z0-9]")
#: Where a name breaks into parts: "Kok boru, traditional horse game", "Aitysh/Aitys".
_NAME_PARTS = re.compile(r"[,;:/()\[\]—–·|]|\s-\s")


@lru_cache(maxsize=100_000)
def romanise(text: str) -> str:
    """`text` in Latin letters, lower case: Hangul by the Revised Romanization, other
    scripts by anyascii (Russian as BGN/PCGN writes it)."""
    text = HANGUL_RUN.sub(lambda m: " " + Romanizer(m.group()).romanize() + " ", text)
    return " ".join(anyascii(fold(text)).lower().split())


#: Russian ё and ю after a consonant, in names from Turkic languages, write ö and ü:
#: «Гёроглы» is Görogly, «Кёк-бёрю» Kök-börü, «кюй» kuy.
_ROUNDED = re.compile(r"(?<=[бвгджзклмнпрстфхцчшщ])[ёю]")


@lru_cache(maxsize=200_000)
def key(word: str) -> str:
    """A word's sound key (see the module's docstring); "" when nothing is left."""
    word = _ROUNDED.sub(lambda m: "о" if m.group() == "ё" else "у", word.lower())
    out = _NOT_LATIN.sub("", romanise(word))
    if not out or out.isdigit():
        return ""
    for written, sound in _SOUNDS:
        out = out.replace(written, sound)
    out = _H_AFTER_CONSONANT.sub("", out)
    return _DOUBLE.sub(r"\1", out)


def jamo(word: str) -> str:
    """A Hangul word as its letters (conjoining jamo); `unicodedata` recomposes them."""
    return unicodedata.normalize("NFD", word)


#: Marks the key of a name's words run together ("+kokboru"), and of a whole name or part
#: ("=kokboru"): one per record, so they are looked up, never searched for near matches.
RUN, EXACT = "+", "="


def joined(words: list[str]) -> str:
    """The key of words run together: their keys joined (each word's key is cached, so
    a name of unseen words costs one romanisation per new word, not per name)."""
    return "".join(key(w) for w in words)


def exact_term(words: list[str]) -> str:
    """The term that marks a whole name (or a whole part of one) made of `words`: "="
    and their keys run together; "" for none."""
    run = joined(words)
    return EXACT + run if run else ""


def name_terms(names: list[str]) -> list[str]:
    """The `names` field's terms for a record's names: each word's key (and jamo, for
    Hangul), and the key of each part of several words run together. A term comes
    once per name that has it, so a key that most of a record's names share (its
    English, Russian and alternate names) weighs more than one that a single name has.
    """
    terms: list[str] = []
    for name in names:
        found: dict[str, None] = {exact_term(WORD.findall(name)): None}
        for part in _NAME_PARTS.split(name):
            words = WORD.findall(part)
            keys = [key(w) for w in words]
            found.update(dict.fromkeys(keys))
            if len(words) > 1:
                found[RUN + "".join(keys)] = None
            if keys:
                found[EXACT + "".join(keys)] = None
            hangul = [w for w in words if HANGUL_RUN.fullmatch(w)]
            found.update(dict.fromkeys(jamo(w) for w in hangul))
            if len(hangul) > 1:  # 콕보루 and 쿡보루 are near "콕 보루"
                found[jamo("".join(hangul))] = None
        for empty in ("", RUN, EXACT):
            found.pop(empty, None)
        terms += found
    return terms


def place_terms(places: list[str]) -> list[str]:
    """The `names` field's terms for a record's cities and sites: each word's key (and
    jamo, for Hangul), once per place name that has it."""
    terms: list[str] = []
    for place in places:
        words = WORD.findall(place)
        found = dict.fromkeys(key(w) for w in words)
        found.update(dict.fromkeys(jamo(w) for w in words if HANGUL_RUN.fullmatch(w)))
        found.pop("", None)
        terms += found
    return terms
