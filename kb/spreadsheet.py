"""Cells a spreadsheet never runs: what every CSV the knowledge base writes goes through.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read by spreadsheets
as a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`). People type the texts we export, so
such a cell gets a leading `'`, which spreadsheets show as the text that was typed.
"""

from __future__ import annotations

#: What makes a spreadsheet read a cell as a formula (or as the start of one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The mark put before such a cell (spreadsheets take it as "text follows").
QUOTE = "'"


def spreadsheet_safe(value: str) -> str:
    """The cell as text a spreadsheet never runs: a leading `'` before a formula start."""
    return QUOTE + value if value.startswith(FORMULA_STARTS) else value


def protect(value: str) -> str:
    """`spreadsheet_safe`, made reversible: a text that starts with `'` gets one more.

    So `unprotect` can always take exactly one leading `'` off: `=1+1` is written `'=1+1`,
    `'quoted'` is written `''quoted'`, and both come back as they were.
    """
    return QUOTE + value if value.startswith((*FORMULA_STARTS, QUOTE)) else value


def unprotect(value: str) -> str:
    """The text `protect` was given: one leading `'` taken off, if there is one."""
    return value[1:] if value.startswith(QUOTE) else value
