"""The password policy: long enough, and not easy to guess.

Guessability is estimated by zxcvbn (its frequency lists include the common passwords
leaked from real sites, names, words, keyboard rows, repeats, sequences and dates). A
password must reach score 3 of 0–4 ("safely unguessable": about 10^8 guesses or more).
zxcvbn's own feedback is English only, so the explanation is ours, by the kind of weakness
it found, and translated.
"""

from __future__ import annotations

from flask_babel import gettext as _
from zxcvbn import zxcvbn

from kb.services.common import ServiceError

MIN_LENGTH = 10
MIN_SCORE = 3
#: zxcvbn's work grows quickly with length; a longer password is judged by its start.
CHECKED_LENGTH = 72


def _why(sequence: list[dict]) -> str:
    """What makes the password weak, from the patterns zxcvbn matched (weakest kind first)."""
    kinds = {match["pattern"] for match in sequence}
    dictionaries = {match.get("dictionary_name") for match in sequence}
    if "user_inputs" in dictionaries:
        return _("It contains your e-mail address or your name.")
    if "passwords" in dictionaries and len(sequence) == 1:
        return _("It is one of the most common passwords.")
    if "repeat" in kinds:
        return _("Repeated characters or words, like “aaaa” or “abcabc”, are easy to guess.")
    if "sequence" in kinds:
        return _("Sequences, like “abcd” or “1234”, are easy to guess.")
    if "spatial" in kinds:
        return _("Rows of neighbouring keys, like “qwerty”, are easy to guess.")
    if "dictionary" in kinds:
        return _("Common words, names and passwords are easy to guess, also with “@” for “a”.")
    if kinds & {"date", "regex"}:
        return _("Dates and years are easy to guess.")
    return _("It is too easy to guess.")


def check_strength(password: str, *, email: str | None = None, name: str | None = None) -> None:
    """Refuse a password that is too short or too easy to guess (a ServiceError on "password").

    The account's e-mail address and name count as known words: a password made of them
    is refused.
    """
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise ServiceError("password", _("Use at least %(num)d characters.", num=MIN_LENGTH))
    known = [part for part in (email, name) if part]
    if email:
        known.append(email.split("@")[0])
    result = zxcvbn(password[:CHECKED_LENGTH], user_inputs=known, max_length=CHECKED_LENGTH)
    if result["score"] >= MIN_SCORE:
        return
    raise ServiceError(
        "password",
        _(
            "This password is too easy to guess. %(why)s Add a few uncommon words, "
            "or make it longer.",
            why=_why(result["sequence"]),
        ),
        code="weak_password",
    )
