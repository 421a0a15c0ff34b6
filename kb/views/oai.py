"""OAI-PMH 2.0 at /oai: the knowledge base for heritage aggregators (oai_dc, sets, deletions).

The protocol's six verbs over GET and POST. Identifiers are
`oai:<host>:<collection>/<slug>` (host from KB_BASE_URL); sets are `type:<collection>`
and `country:<ISO code>`. The protocol's texts (repository name, error messages) are
for harvesting software and stay in English, as the protocol's own codes do.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, render_template, request

from kb.catalog import CATALOG, RECORD_TYPES
from kb.extensions import db
from kb.models import Country
from kb.models.base import utcnow
from kb.services import oai as svc
from kb.urls import absolute_url

oai = Blueprint("oai", __name__)

OAI_DC = {
    "prefix": "oai_dc",
    "schema": "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
    "namespace": "http://www.openarchives.org/OAI/2.0/oai_dc/",
}
#: The arguments each verb takes: required, optional, exclusive (resumptionToken).
VERBS = {
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}
MODELS = [(kind, rt.model) for kind, rt in enumerate(RECORD_TYPES)]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def identifier(kind: int, slug: str) -> str:
    return f"oai:{_host()}:{RECORD_TYPES[kind].name}/{slug}"


def _parse_identifier(value: str):
    """(kind, RecordType, slug) of an identifier of ours; idDoesNotExist otherwise."""
    match = re.fullmatch(rf"oai:{re.escape(_host())}:([a-z-]+)/([a-z0-9-]+)", value or "")
    if not match or match.group(1) not in CATALOG:
        raise OAIError("idDoesNotExist", "No record has this identifier.")
    rt = CATALOG[match.group(1)]
    return RECORD_TYPES.index(rt), rt, match.group(2)


def _when(value: str | None, bound: str):
    if value is None:
        return None, None
    if DATE.match(value):
        moment = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
        if bound == "until":
            moment = moment.replace(hour=23, minute=59, second=59)
        return moment, "day"
    if DATETIME.match(value):
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC), "seconds"
    raise OAIError(
        "badArgument", f"'{bound}' is not a UTC date or datetime (YYYY-MM-DDThh:mm:ssZ)."
    )


def _set_filter(spec: str | None):
    """(models, country) of a set."""
    if spec is None:
        return MODELS, None
    if spec.startswith("type:") and spec[5:] in CATALOG:
        rt = CATALOG[spec[5:]]
        return [(RECORD_TYPES.index(rt), rt.model)], None
    code = spec.removeprefix("country:")
    exists = sa.select(Country.id).where(Country.code == code)
    if (
        spec.startswith("country:")
        and re.fullmatch(r"[A-Z]{2}", code)
        and db.session.scalar(exists)
    ):
        return MODELS, code
    raise OAIError("noRecordsMatch", "No set has this setSpec.")


def _record_of(entry: svc.Entry):
    rt = RECORD_TYPES[entry.kind]
    model = rt.model
    record = db.session.get(model, entry.id)
    return rt, record


def _header(entry: svc.Entry) -> dict:
    rt = RECORD_TYPES[entry.kind]
    sets = [f"type:{rt.name}"]
    return {
        "identifier": identifier(entry.kind, entry.slug),
        "datestamp": _stamp(entry.datestamp),
        "deleted": not entry.public,
        "sets": sets,
    }


def _full(entry: svc.Entry) -> dict:
    header = _header_with_sets(entry)
    rt, record = _record_of(entry)
    metadata = rt.dublin_core(record) if entry.public and record is not None else None
    return {"header": header, "metadata": metadata}


def _country_codes(record) -> list[str]:
    if isinstance(record, Country):
        return [record.code]
    if hasattr(record, "countries"):
        return [c.code for c in record.countries]
    country = getattr(record, "country", None)
    return [country.code] if country else []


def _arguments() -> dict:
    source = request.form if request.method == "POST" else request.args
    args = {}
    for key in source:
        values = source.getlist(key)
        if len(values) > 1 and key == "verb":
            raise OAIError("badVerb", "The verb is repeated.")
        if len(values) > 1:
            raise OAIError("badArgument", f"The argument '{key}' is repeated.")
        args[key] = values[0]
    return args


def _check(verb: str, args: dict) -> None:
    required, optional, exclusive = VERBS[verb]
    given = set(args) - {"verb"}
    if exclusive and exclusive in given:
        if given != {exclusive}:
            raise OAIError("badArgument", f"'{exclusive}' is an exclusive argument.")
        return
    unknown = given - required - optional
    if unknown:
        raise OAIError("badArgument", f"Illegal argument: {', '.join(sorted(unknown))}.")
    missing = required - given
    if missing:
        raise OAIError("badArgument", f"Missing argument: {', '.join(sorted(missing))}.")


def _identify() -> dict:
    config = current_app.config
    email = parseaddr(config.get("OAI_ADMIN_EMAIL") or config["MAIL_FROM"])[1]
    return {
        "name": "Silk Roads ICH Network knowledge base",
        "earliest": _stamp(svc.earliest([m for _k, m in MODELS])),
        "email": email,
    }


def _list(verb: str, args: dict) -> dict:
    if "resumptionToken" in args:
        try:
            state = svc.read_token(args["resumptionToken"])
            upper = datetime.fromisoformat(state["upper"])
            lower = datetime.fromisoformat(state["lower"]) if state.get("lower") else None
            after = state["after"]
            after = (datetime.fromisoformat(after[0]), int(after[1]), int(after[2]))
        except (svc.BadToken, KeyError, TypeError, ValueError, IndexError) as exc:
            raise OAIError("badResumptionToken", "This resumption token is not valid.") from exc
        prefix, spec = state["prefix"], state.get("set")
    else:
        prefix, spec = args["metadataPrefix"], args.get("set")
        lower, lower_g = _when(args.get("from"), "from")
        until, until_g = _when(args.get("until"), "until")
        if lower_g and until_g and lower_g != until_g:
            raise OAIError("badArgument", "'from' and 'until' have different granularities.")
        if lower and until and lower > until:
            raise OAIError("badArgument", "'from' is later than 'until'.")
        upper, after = svc.harvest_until(until), None
    if prefix != "oai_dc":
        raise OAIError("cannotDisseminateFormat", "Only oai_dc is offered.")
    models, country = _set_filter(spec)
    entries = svc.list_entries(
        models, lower=lower, upper=upper, after=after, country=country, limit=svc.PAGE_SIZE + 1
    )
    more = len(entries) > svc.PAGE_SIZE
    entries = entries[: svc.PAGE_SIZE]
    if not entries and after is None:
        raise OAIError("noRecordsMatch", "No record matches these arguments.")
    token = ""
    if more:
        last = entries[-1]
        token = svc.make_token(
            {
                "prefix": prefix,
                "set": spec,
                "lower": lower.isoformat() if lower else None,
                "upper": upper.isoformat(),
                "after": [last.datestamp.isoformat(), last.kind, last.id],
            }
        )
    if verb == "ListRecords":
        items = [_full(e) for e in entries]
    else:
        items = [{"header": _header_with_sets(e)} for e in entries]
    return {"items": items, "token": token, "resumed": "resumptionToken" in args}


def _header_with_sets(entry: svc.Entry) -> dict:
    header = _header(entry)
    _rt, record = _record_of(entry)
    if record is not None:
        header["sets"] += [f"country:{code}" for code in _country_codes(record)]
    return header


def _sets() -> list[dict]:
    out = [{"spec": f"type:{rt.name}", "name": str(rt.title)} for rt in RECORD_TYPES]
    for code, name in db.session.execute(
        sa.select(Country.code, Country.name).order_by(Country.code)
    ):
        out.append({"spec": f"country:{code}", "name": (name or {}).get("en") or code})
    return out


@oai.route("/oai", methods=["GET", "POST"])
def endpoint():
    """Answer one OAI-PMH request (errors are answers too, with HTTP 200)."""
    context = {"now": _stamp(utcnow()), "base": absolute_url("oai.endpoint"), "args": {}}
    try:
        args = _arguments()
        verb = args.get("verb")
        if verb not in VERBS:
            raise OAIError("badVerb", "The verb is missing, repeated or not an OAI-PMH verb.")
        _check(verb, args)
        context["args"] = args
        context["verb"] = verb
        if verb == "Identify":
            context["identify"] = _identify()
        elif verb == "ListMetadataFormats":
            if "identifier" in args:
                kind, rt, slug = _parse_identifier(args["identifier"])
                if svc.get_entry(rt.model, kind, slug) is None:
                    raise OAIError("idDoesNotExist", "No record has this identifier.")
            context["formats"] = [OAI_DC]
        elif verb == "ListSets":
            if "resumptionToken" in args:
                raise OAIError("badResumptionToken", "The set list is never split.")
            context["sets"] = _sets()
        elif verb == "GetRecord":
            if args["metadataPrefix"] != "oai_dc":
                raise OAIError("cannotDisseminateFormat", "Only oai_dc is offered.")
            kind, rt, slug = _parse_identifier(args["identifier"])
            entry = svc.get_entry(rt.model, kind, slug)
            if entry is None:
                raise OAIError("idDoesNotExist", "No record has this identifier.")
            context["got"] = _full(entry)
        else:
            context.update(_list(verb, args))
    except OAIError as error:
        context["error"] = error
        if error.code in ("badVerb", "badArgument"):
            context["args"] = {}  # the request element echoes no arguments then
    body = render_template("oai/response.xml", **context)
    return Response(body, mimetype="text/xml")
