"""E-mails to account holders, in their own language: their submissions, sign-up, passwords.

Every message goes through the outbox (`queue_mail`), so it is stored in the same
transaction as the change it tells of, and delivered after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import g, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from kb.i18n import DEFAULT_LANGUAGE, LANGUAGES, pick
from kb.kinds import KINDS
from kb.mail import queue_mail
from kb.models import Account, Submission, SubmissionStep
from kb.urls import absolute_url

RECORD_COLLECTIONS = {kind.singular: kind.name for kind in KINDS}


@contextmanager
def in_language(lang: str | None) -> Iterator[str]:
    """Render (messages, dates, text per language) in `lang` for the duration."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    saved = g.get("lang")
    g.lang = lang
    try:
        with force_locale(lang):
            yield lang
    finally:
        g.lang = saved


def _queue(
    account: Account, template: str, subject: Callable[[], str], key: str | None, **context
) -> None:
    with in_language(account.locale) as lang:
        context.update(account=account, lang=lang)
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
        queue_mail(account.email, subject(), text, html=html, key=key)


def submission_name(submission: Submission) -> str:
    """The proposed record's name in the current language (or another one)."""
    name = submission.payload.get("name") or submission.payload.get("title")
    text = pick(name) if isinstance(name, dict) else None
    return str(text) if text else _("Submission %(id)s", id=submission.id)


SUBJECTS = {
    "submitted": lambda name: _("Received: %(name)s", name=name),
    "resubmitted": lambda name: _("Received again: %(name)s", name=name),
    "returned": lambda name: _("Changes needed: %(name)s", name=name),
    "rejected": lambda name: _("Not accepted: %(name)s", name=name),
    "approved": lambda name: _("Published: %(name)s", name=name),
}


def notify_submitter(submission: Submission, step: SubmissionStep) -> None:
    """Tell the submitter what just happened to their submission (once per step)."""
    account = submission.account
    if account is None:
        return
    with in_language(account.locale) as lang:
        name = submission_name(submission)
        status_url = absolute_url("pages.submission", lang=lang, submission_id=submission.id)
        record_url = absolute_url(
            "pages.record",
            lang=lang,
            collection=RECORD_COLLECTIONS[submission.record_type],
            slug=submission.payload.get("slug", ""),
        )
        _queue(
            account,
            f"submission_{step.action}",
            lambda: SUBJECTS[step.action](name),
            f"submission-step:{step.id}",
            submission=submission,
            step=step,
            name=name,
            status_url=status_url,
            record_url=record_url,
        )


def send_confirmation(account: Account, token: str) -> None:
    """The link that confirms a new account's e-mail address."""
    url = absolute_url("pages.confirm", lang=account.locale, token=token)
    _queue(account, "confirm", lambda: _("Confirm your e-mail address"), None, url=url)


def send_already_registered(account: Account) -> None:
    """Someone signed up with an address that has an account: tell its owner, not them."""
    url = absolute_url("pages.reset_request", lang=account.locale)
    _queue(account, "already_registered", lambda: _("You already have an account"), None, url=url)


def send_reset(account: Account, token: str) -> None:
    """The link that lets the account holder choose a new password."""
    url = absolute_url("pages.reset", lang=account.locale, token=token)
    _queue(account, "reset", lambda: _("Choose a new password"), None, url=url)


#: For each purpose: where the e-mail points (sign up; log in) and its subject.
NO_ACCOUNT = {
    "reset": ("pages.signup_page", lambda: _("Password reset requested")),
    "confirm": ("pages.login", lambda: _("Confirmation link requested")),
}


def send_no_account(email: str, purpose: str, lang: str) -> None:
    """Someone asked for a reset or confirmation link for an address that cannot have one.

    Mailed to the address itself (never shown to whoever asked), so that asking about an
    address that has no account costs the same work, and answers the same page, as asking
    about one that has. `purpose` is "reset" or "confirm"; `lang` the page's language.
    """
    endpoint, subject = NO_ACCOUNT[purpose]
    nobody = Account(email=email, locale=lang)  # never added to the session
    url = absolute_url(endpoint, lang=nobody.locale)
    _queue(nobody, f"no_account_{purpose}", subject, None, url=url)


def notify_affiliation(affiliation) -> None:
    """Tell an account's holder that their request to act for an organisation was decided."""
    account = affiliation.account
    with in_language(account.locale) as lang:
        name = str(pick(affiliation.organization.name) or affiliation.organization.slug)
        account_url = absolute_url("pages.account", lang=lang)
        confirmed = affiliation.state == "confirmed"
        _queue(
            account,
            "affiliation_confirmed" if confirmed else "affiliation_declined",
            (lambda: _("You now act for %(name)s", name=name))
            if confirmed
            else (lambda: _("Not confirmed: acting for %(name)s", name=name)),
            f"affiliation:{affiliation.id}:{affiliation.state}",
            affiliation=affiliation,
            name=name,
            account_url=account_url,
        )
