"""Field helpers for the event forms: checkboxes, text per language, zoned times."""

from __future__ import annotations

from datetime import datetime

from wtforms import SelectChoice, SelectMultipleField, widgets

from kb.i18n import LANGUAGES
from kb.tz import in_zone, zone_info


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as select options (WTForms 3.3 wants SelectChoice)."""
    return [SelectChoice(value, label) for value, label in pairs]


def zone_options(keep: str | None = None) -> list[SelectChoice]:
    """The current time zones grouped by country ("Ташкент (UTC+5)" under Uzbekistan),
    UTC first; `keep` adds a stored zone that is no longer current, so it stays chosen."""
    from kb.timeview import zone_groups

    out = [SelectChoice("UTC", "UTC")]
    if keep and keep != "UTC" and keep not in {z for _, zs in zone_groups() for z, _l in zs}:
        out.append(SelectChoice(keep, keep))
    for country, zones in zone_groups():
        out += [SelectChoice(zone, label, optgroup=country) for zone, label in zones]
    return out


def lang_value(form, prefix: str) -> dict | None:
    """The per-language fields as a text object (None when all are empty)."""
    out = {code: (form[f"{prefix}_{code}"].data or "").strip() for code in LANGUAGES}
    return {code: text for code, text in out.items() if text} or None


def fill_lang(form, prefix: str, value: dict | None) -> None:
    """Put a text object into the per-language fields."""
    for code in LANGUAGES:
        form[f"{prefix}_{code}"].data = (value or {}).get(code)


def zoned(value: datetime | None, zone: str) -> str | None:
    """A wall-clock time from a form (naive, in `zone`) as ISO 8601 with its offset."""
    return value.replace(tzinfo=zone_info(zone)).isoformat() if value else None


def wall_clock(value: datetime | None, zone: str) -> datetime | None:
    """An instant as the naive wall-clock time in `zone` that a form field shows."""
    return in_zone(value, zone).replace(tzinfo=None) if value else None
