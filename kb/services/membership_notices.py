"""E-mails about membership, each in its recipient's language, through the outbox.

The applicant hears of every step of their application (received, a question, the
decision); the coordinator who asked hears of the answer; the accounts acting for a member
hear when its role changes or its membership ends. One e-mail per step and recipient
(the outbox key), so a retried request sends nothing twice.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from kb.extensions import db
from kb.i18n import pick
from kb.labels import label
from kb.models import Account, Membership, MembershipApplication, MembershipStep
from kb.services.notices import _queue, in_language
from kb.urls import absolute_url

SUBJECTS = {
    "applied": lambda name: _("Application received: %(name)s", name=name),
    "asked": lambda name: _("More is needed: the application of %(name)s", name=name),
    "answered": lambda name: _("Answered: the application of %(name)s", name=name),
    "approved": lambda name: _("Welcome to the network: %(name)s", name=name),
    "declined": lambda name: _("Application declined: %(name)s", name=name),
    "role-changed": lambda name: _("New role in the network: %(name)s", name=name),
    "ended": lambda name: _("Membership ended: %(name)s", name=name),
}

LEADS = {
    "applied": lambda name, role: _(
        "We have received the application of “%(name)s” to join the network. The "
        "coordinators will review it; you will be told of each step by e-mail.",
        name=name,
    ),
    "asked": lambda name, role: _(
        "A coordinator asks for more about the application of “%(name)s”. Please answer "
        "on the application's page.",
        name=name,
    ),
    "answered": lambda name, role: _(
        "“%(name)s” has answered your question; its application waits for a decision again.",
        name=name,
    ),
    "approved": lambda name, role: _(
        "“%(name)s” is a member of the network from today, with the role: %(role)s.",
        name=name,
        role=role,
    ),
    "declined": lambda name, role: _(
        "We are sorry: the application of “%(name)s” to join the network was declined.",
        name=name,
    ),
    "role-changed": lambda name, role: _(
        "“%(name)s” has a new role in the network: %(role)s.", name=name, role=role
    ),
    "ended": lambda name, role: _(
        "The membership of “%(name)s” in the network has ended.", name=name
    ),
}


def _send(account: Account, step: MembershipStep, organization, url_for_lang) -> None:
    if account is None or not account.active:
        return
    with in_language(account.locale) as lang:
        name = str(pick(organization.name) or organization.slug)
        role_code = (step.changes or {}).get("role", [None, None])[1]
        role = label("member_role", role_code) if role_code else ""
        _queue(
            account,
            "membership_step",
            lambda: SUBJECTS[step.action](name),
            f"membership-step:{step.id}:{account.id}",
            lead=LEADS[step.action](name, role),
            step=step,
            url=url_for_lang(lang),
        )


def _application_url(application: MembershipApplication):
    return lambda lang: absolute_url(
        "pages.membership_application", lang=lang, application_id=application.id
    )


def tell_applicant(application: MembershipApplication, step: MembershipStep) -> None:
    """Tell the account that applied what just happened to its application."""
    _send(application.account, step, application.organization, _application_url(application))


def tell_asker(application: MembershipApplication, step: MembershipStep) -> None:
    """Tell the coordinator who asked for more that the institution answered."""
    asked = [s for s in application.steps if s.action == "asked" and s.account is not None]
    if asked:
        _send(asked[-1].account, step, application.organization, _application_url(application))


def tell_member(membership: Membership, step: MembershipStep) -> None:
    """Tell every account acting for a member that its role changed or its membership ended."""
    accounts = db.session.scalars(
        sa.select(Account).where(
            Account.organization_id == membership.organization_id, Account.active
        )
    )
    slug = membership.organization.slug
    for account in accounts:
        _send(
            account,
            step,
            membership.organization,
            lambda lang: absolute_url("pages.member_page", lang=lang, slug=slug),
        )
