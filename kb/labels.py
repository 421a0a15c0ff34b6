"""Translated labels for the codes records use (domains, lists, kinds, roles, regions…)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from kb.i18n import translated

DOMAINS = {
    "oral-traditions": _l("Oral traditions and expressions"),
    "performing-arts": _l("Performing arts"),
    "social-practices": _l("Social practices, rituals and festive events"),
    "knowledge-nature": _l("Knowledge and practices concerning nature and the universe"),
    "craftsmanship": _l("Traditional craftsmanship"),
}
UNESCO_LISTS = {
    "representative": _l("Representative List"),
    "urgent-safeguarding": _l("Urgent Safeguarding List"),
    "good-practices": _l("Register of Good Safeguarding Practices"),
}
ORGANIZATION_KINDS = {
    "intergovernmental": _l("Intergovernmental organization"),
    "unesco-program": _l("UNESCO programme"),
    "category-2-center": _l("UNESCO category 2 centre"),
    "government-body": _l("Government body"),
    "national-committee": _l("National committee"),
    "ngo": _l("Non-governmental organization"),
    "university": _l("University"),
    "research-institute": _l("Research institute"),
    "museum": _l("Museum"),
    "festival-organizer": _l("Festival organizer"),
    "association": _l("Association"),
    "network": _l("Network"),
    "other": _l("Other"),
}
NETWORK_ROLES = {
    "co-organizer": _l("Co-organizer"),
    "coordinating-body": _l("Coordinating body"),
    "member": _l("Member"),
    "partner": _l("Partner"),
    "supporter": _l("Supporter"),
}
EVENT_ROLES = {
    "organizer": _l("Organizer"),
    "co-organizer": _l("Co-organizer"),
    "supporter": _l("Supporter"),
    "collaborator": _l("Collaborator"),
    "host": _l("Host"),
}
#: Headings over the organisations of an event that share a role, in display order.
EVENT_ROLE_GROUPS = {
    "organizer": _l("Organizers"),
    "co-organizer": _l("Co-organizers"),
    "host": _l("Hosts"),
    "supporter": _l("Supported by"),
    "collaborator": _l("In collaboration with"),
}
EVENT_KINDS = {
    "webinar": _l("Webinar"),
    "meeting": _l("Meeting"),
    "conference": _l("Conference"),
    "ceremony": _l("Ceremony"),
    "festival-edition": _l("Festival edition"),
    "other": _l("Other event"),
}
#: What a person did in a session.
SPEAKER_ROLES = {
    "speaker": _l("Speaker"),
    "chair": _l("Chair"),
    "moderator": _l("Moderator"),
    "performer": _l("Performer"),
}
#: What a programme did with a record (nouns, so no language must agree them).
PRESENTED_ROLES = {
    "presented": _l("presentation"),
    "discussed": _l("discussion"),
    "performed": _l("performance"),
}
#: The kinds of record a programme links to (`kb.kinds.Kind.presented_as`).
PRESENTED_TYPES = {
    "case-study": _l("Case study"),
    "festival": _l("Festival"),
    "element": _l("ICH element"),
    "organization": _l("Organization"),
}
REGIONS = {
    "central-asia": _l("Central Asia"),
    "east-asia": _l("East Asia"),
    "south-asia": _l("South Asia"),
    "south-east-asia": _l("South-East Asia"),
    "west-asia": _l("West Asia"),
    "caucasus": _l("Caucasus"),
    "europe": _l("Europe"),
    "africa": _l("Africa"),
    "arab-states": _l("Arab States"),
    "americas": _l("Americas"),
}
PERIODICITIES = {
    "annual": _l("Every year"),
    "biennial": _l("Every two years"),
    "irregular": _l("Irregularly"),
}
#: The state of one event (not the "upcoming/past" filter of the list).
EVENT_STATES = {
    "upcoming": _l("Upcoming event"),
    "ongoing": _l("Happening now"),
    "past": _l("Past event"),
}
SDGS = {
    1: _l("No poverty"),
    2: _l("Zero hunger"),
    3: _l("Good health and well-being"),
    4: _l("Quality education"),
    5: _l("Gender equality"),
    6: _l("Clean water and sanitation"),
    7: _l("Affordable and clean energy"),
    8: _l("Decent work and economic growth"),
    9: _l("Industry, innovation and infrastructure"),
    10: _l("Reduced inequalities"),
    11: _l("Sustainable cities and communities"),
    12: _l("Responsible consumption and production"),
    13: _l("Climate action"),
    14: _l("Life below water"),
    15: _l("Life on land"),
    16: _l("Peace, justice and strong institutions"),
    17: _l("Partnerships for the goals"),
}

#: The licences an image may carry (kb.models.images.LICENCES), with their deeds.
LICENCES = {
    "cc-by": _l("CC BY"),
    "cc-by-sa": _l("CC BY-SA"),
    "cc0": _l("CC0"),
    "public-domain": _l("Public domain"),
    "permission": _l("All rights reserved, used with permission"),
}
LICENCE_URLS = {
    "cc-by": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc0": "https://creativecommons.org/publicdomain/zero/1.0/",
}

#: Membership of the network (kb.models.membership).
MEMBER_ROLES = {
    "member": _l("Member"),
    "partner": _l("Partner"),
    "coordinating-body": _l("Coordinating body"),
    "co-organizer": _l("Co-organizer"),
}
CONTRIBUTIONS = {
    "festivals": _l("Festivals"),
    "elements": _l("ICH elements"),
    "expertise": _l("Expertise"),
}
APPLICATION_STATES = {
    "pending": _l("Awaiting a decision"),
    "more-info": _l("More asked of the institution"),
    "approved": _l("Approved"),
    "declined": _l("Declined"),
}
MEMBERSHIP_STEPS = {
    "applied": _l("Applied"),
    "asked": _l("More asked"),
    "answered": _l("Answered"),
    "approved": _l("Approved"),
    "declined": _l("Declined"),
    "role-changed": _l("Role changed"),
    "ended": _l("Membership ended"),
}

#: Account roles (kb.models.accounts.ROLES).
ROLE_NAMES = {
    "member": _l("Member"),
    "moderator": _l("Moderator"),
    "organizer": _l("Event organizer"),
    "coordinator": _l("Coordinator"),
    "admin": _l("Administrator"),
}

ALL = {
    "domain": DOMAINS,
    "unesco_list": UNESCO_LISTS,
    "organization_kind": ORGANIZATION_KINDS,
    "network_role": NETWORK_ROLES,
    "event_role": EVENT_ROLES,
    "event_role_group": EVENT_ROLE_GROUPS,
    "event_kind": EVENT_KINDS,
    "presented_role": PRESENTED_ROLES,
    "speaker_role": SPEAKER_ROLES,
    "presented_type": PRESENTED_TYPES,
    "region": REGIONS,
    "periodicity": PERIODICITIES,
    "event_state": EVENT_STATES,
    "sdg": SDGS,
    "licence": LICENCES,
    "member_role": MEMBER_ROLES,
    "contribution": CONTRIBUTIONS,
    "application_state": APPLICATION_STATES,
    "membership_step": MEMBERSHIP_STEPS,
    "account_role": ROLE_NAMES,
}


def label(group: str, code) -> str:
    """The translated label of `code` in `group`, or the code itself if unknown."""
    value = ALL.get(group, {}).get(code)
    return translated(value) if value is not None else str(code)
