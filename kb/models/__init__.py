"""All models, importable from one place."""

from kb.models.accounts import (
    AFFILIATION_STATES,
    ROLES,
    Account,
    AccountRole,
    Affiliation,
    ApiToken,
)
from kb.models.base import STATUSES, Base, db
from kb.models.directory import (
    NETWORK_ROLES,
    ORGANIZATION_KINDS,
    REGIONS,
    Country,
    Organization,
)
from kb.models.events import (
    EVENT_KINDS,
    EVENT_ROLES,
    SPEAKER_ROLES,
    Event,
    EventDay,
    EventOrganization,
    EventSession,
    Speaker,
)
from kb.models.heritage import (
    DOMAINS,
    PERIODICITIES,
    UNESCO_LISTS,
    CaseStudy,
    Element,
    ElementDomain,
    Festival,
    FestivalEdition,
)
from kb.models.history import Revision
from kb.models.images import IMAGE_RECORD_TYPES, LICENCES, Image
from kb.models.mail import OutboxMessage
from kb.models.membership import (
    APPLICATION_STATES,
    CONTRIBUTIONS,
    MEMBER_ROLES,
    Membership,
    MembershipApplication,
    MembershipStep,
)
from kb.models.presented import PRESENTED_ROLES, PRESENTED_TYPES, ProgrammeLink
from kb.models.registrations import REGISTRATION_STATES, Registration
from kb.models.roles import ROLE_REQUEST_STATES, RoleChange, RoleRequest
from kb.models.search import SearchChange, SearchIndex, SearchLogState
from kb.models.submissions import (
    SUBMISSION_STATES,
    SUBMISSION_TYPES,
    Submission,
    SubmissionStep,
)
from kb.models.worker import WorkerHeartbeat

__all__ = [
    "AFFILIATION_STATES",
    "APPLICATION_STATES",
    "CONTRIBUTIONS",
    "DOMAINS",
    "EVENT_KINDS",
    "EVENT_ROLES",
    "IMAGE_RECORD_TYPES",
    "LICENCES",
    "MEMBER_ROLES",
    "PRESENTED_ROLES",
    "PRESENTED_TYPES",
    "ProgrammeLink",
    "SPEAKER_ROLES",
    "NETWORK_ROLES",
    "ORGANIZATION_KINDS",
    "PERIODICITIES",
    "REGIONS",
    "REGISTRATION_STATES",
    "ROLES",
    "ROLE_REQUEST_STATES",
    "STATUSES",
    "SUBMISSION_STATES",
    "SUBMISSION_TYPES",
    "UNESCO_LISTS",
    "Account",
    "AccountRole",
    "Affiliation",
    "ApiToken",
    "Base",
    "CaseStudy",
    "Country",
    "Element",
    "ElementDomain",
    "Event",
    "EventDay",
    "EventOrganization",
    "EventSession",
    "Festival",
    "FestivalEdition",
    "Image",
    "Membership",
    "MembershipApplication",
    "MembershipStep",
    "Organization",
    "OutboxMessage",
    "Registration",
    "Revision",
    "RoleChange",
    "RoleRequest",
    "SearchChange",
    "SearchIndex",
    "SearchLogState",
    "Speaker",
    "Submission",
    "SubmissionStep",
    "WorkerHeartbeat",
    "db",
]
