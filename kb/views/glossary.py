"""The glossary page: the network's terms in three languages, with the records using each."""

from __future__ import annotations

from flask import redirect, render_template, url_for

from kb.services import glossary
from kb.views import bp


def records_url(usage: glossary.Usage) -> str:
    """Where every record using a term is listed: its filtered list, or a search."""
    found = dict(usage.filter)
    if "type" in found:
        return url_for("pages.collection", collection=found.pop("type"), **found)
    if found:  # a domain or a UNESCO list: the list of elements narrowed by it
        return url_for("pages.collection", collection="elements", **found)
    return url_for("pages.search", q=usage.query)


@bp.get("/glossary", endpoint="glossary")
def glossary_page():
    """Every term: its forms in the working languages, its definition, where it is used."""
    return render_template(
        "glossary.html",
        terms=glossary.terms(),
        usage=glossary.usage(),
        records_url=records_url,
    )


@bp.get("/glossary/<term_id>", endpoint="glossary_term")
def glossary_term(term_id: str):
    """A term's own address: its place on the glossary page."""
    term = glossary.get_term(term_id)
    return redirect(url_for("pages.glossary", _anchor=term.id))
