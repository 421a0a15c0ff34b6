"""Account pages: sign up, confirm, log in and out, reset a password, one's own account."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from kb.auth import login_manager
from kb.extensions import db, limiter
from kb.forms.accounts import (
    ChangePasswordForm,
    EmailForm,
    LoginForm,
    NewPasswordForm,
    OrganizationChoiceForm,
    PlainForm,
    PreferencesForm,
    SignupForm,
    TokenForm,
)
from kb.models import Affiliation, Organization, Submission
from kb.ratelimits import email_address, setting
from kb.redirects import safe_next
from kb.services import accounts as account_service
from kb.services import affiliations, choices, signup, submissions
from kb.services.common import ServiceError
from kb.services.payloads import Invalid
from kb.views import bp

#: Settings (kb/ratelimits.py); a shared store (KB_RATELIMIT_STORAGE_URL) counts across
#: workers. Per client address, and log-in and mails per e-mail address as well.
SIGNUP_LIMIT = setting("RATELIMIT_SIGNUP")
LOGIN_LIMIT = setting("RATELIMIT_LOGIN")
LOGIN_EMAIL_LIMIT = setting("RATELIMIT_LOGIN_EMAIL")
MAIL_LIMIT = setting("RATELIMIT_MAIL")
MAIL_EMAIL_LIMIT = setting("RATELIMIT_MAIL_EMAIL")


def field_error(form, exc: ServiceError) -> list[str]:
    """Put a service's error on the form field it names; returns it if no field matches."""
    if exc.field and exc.field in form._fields:
        form[exc.field].errors = [*form[exc.field].errors, exc.message]
        return []
    return [exc.message]


@login_manager.unauthorized_handler
def _please_log_in():
    flash(_("Please log in to see this page."))
    return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))


def _organization_choices(form: OrganizationChoiceForm) -> None:
    form.set_choices(choices.published(Organization), choices.countries(), _("None for now"))


@bp.route("/account/signup", methods=["GET", "POST"])
@limiter.limit(SIGNUP_LIMIT, methods=["POST"])
def signup_page():
    """Open an institution account."""
    form = SignupForm()
    if request.method == "GET":
        form.locale.data = g.lang
    _organization_choices(form)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            signup.sign_up(
                form.email.data,
                form.password.data,
                name=(form.name.data or "").strip() or None,
                locale=form.locale.data,
                organization=form.chosen(),
                proposal=form.proposal(g.lang),
            )
        except Invalid as exc:
            db.session.rollback()
            errors = form.show_errors(exc.fields)
        except ServiceError as exc:
            db.session.rollback()
            errors = field_error(form, exc)
        else:
            db.session.commit()
            return render_template("account/check_mail.html", reason="signup")
    status = 422 if request.method == "POST" else 200
    return render_template("account/signup.html", form=form, errors=errors), status


@bp.get("/account/confirm/<token>")
def confirm(token: str):
    """Confirm an e-mail address from the link we sent."""
    try:
        signup.confirm(token)
    except ServiceError as exc:
        db.session.rollback()
        return render_template("account/message.html", error=exc.message), 400
    db.session.commit()
    flash(_("Your e-mail address is confirmed. You can log in now."))
    return redirect(url_for("pages.login"))


@bp.route("/account/confirm", methods=["GET", "POST"])
@limiter.limit(MAIL_LIMIT, methods=["POST"])
@limiter.limit(MAIL_EMAIL_LIMIT, key_func=email_address, methods=["POST"])
def resend_confirmation():
    """Send the confirmation link again."""
    form = EmailForm()
    if form.validate_on_submit():
        signup.resend_confirmation(form.email.data, g.lang)
        db.session.commit()
        return render_template("account/check_mail.html", reason="confirm")
    return render_template("account/email_form.html", form=form, purpose="confirm")


@bp.route("/account/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
@limiter.limit(LOGIN_EMAIL_LIMIT, key_func=email_address, methods=["POST"])
def login():
    """Log in with e-mail address and password."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("pages.account"))
    form = LoginForm()
    error, code = None, None
    if form.validate_on_submit():
        try:
            account = signup.authenticate(form.email.data, form.password.data)
        except ServiceError as exc:
            error, code = exc.message, exc.code
        else:
            login_user(account)
            return redirect(safe_next(url_for("pages.account")))
    status = 422 if request.method == "POST" else 200
    return render_template("account/login.html", form=form, error=error, code=code), status


@bp.post("/account/logout")
def logout():
    """Log out (a POST with the CSRF token, so no other site can log anyone out).

    Every session of the account ends, on every device: a copied cookie stops working.
    """
    if PlainForm().validate_on_submit():
        if current_user.is_authenticated:
            account_service.log_out(current_user._get_current_object())
            db.session.commit()
        logout_user()
    return redirect(url_for("pages.home"))


@bp.route("/account/reset", methods=["GET", "POST"])
@limiter.limit(MAIL_LIMIT, methods=["POST"])
@limiter.limit(MAIL_EMAIL_LIMIT, key_func=email_address, methods=["POST"])
def reset_request():
    """Ask for a link to choose a new password."""
    form = EmailForm()
    if form.validate_on_submit():
        signup.request_reset(form.email.data, g.lang)
        db.session.commit()
        return render_template("account/check_mail.html", reason="reset")
    return render_template("account/email_form.html", form=form, purpose="reset")


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
@limiter.limit(MAIL_LIMIT, methods=["POST"])
def reset(token: str):
    """Choose a new password with the link we sent."""
    try:
        signup.account_for_reset(token)
    except ServiceError as exc:
        return render_template("account/message.html", error=exc.message), 400
    form = NewPasswordForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            signup.reset_password(token, form.password.data)
        except ServiceError as exc:
            db.session.rollback()
            errors = field_error(form, exc)
        else:
            db.session.commit()
            flash(_("Your new password is set. You can log in now."))
            return redirect(url_for("pages.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("account/reset.html", form=form, errors=errors), status


def _account_page(
    prefs=None,
    org_form=None,
    errors=(),
    status=200,
    password_form=None,
    token_form=None,
    new_token=None,
):
    account = current_user._get_current_object()
    prefs = prefs or PreferencesForm(prefix="prefs", obj=account, formdata=None)
    password_form = password_form or ChangePasswordForm(prefix="pw", formdata=None)
    claim = affiliations.open_claim(account)
    if org_form is None:
        org_form = OrganizationChoiceForm(prefix="org", formdata=None)
        asked = claim.organization if claim else account.organization
        org_form.organization.data = asked.slug if asked else ""
    _organization_choices(org_form)
    decided = None if claim else affiliations.last_decision(account)
    mine = submissions.mine(account)
    proposals = [s for s in mine if s.record_type == "organization"]
    return render_template(
        "account/account.html",
        account=account,
        prefs=prefs,
        password_form=password_form,
        token_form=token_form or TokenForm(prefix="token", formdata=None),
        tokens=account_service.tokens_of(account),
        new_token=new_token,
        org_form=org_form,
        submissions=[s for s in mine if s.record_type != "organization"],
        proposal=proposals[0] if proposals else None,
        claim=claim,
        declined=decided if decided is not None and decided.state == "declined" else None,
        errors=list(errors),
    ), status


@bp.get("/account/")
@login_required
def account():
    """One's account: organisation, submissions and their states, preferences."""
    return _account_page()


@bp.post("/account/preferences")
@login_required
def preferences():
    """Change one's name and the language of e-mails."""
    form = PreferencesForm(prefix="prefs")
    if not form.validate_on_submit():
        return _account_page(prefs=form, status=422)
    current_user.name = (form.name.data or "").strip() or None
    current_user.locale = form.locale.data
    if current_user.has_role("moderator", "coordinator"):  # the field is shown to them only
        current_user.notices = bool(form.notices.data)
    db.session.commit()
    flash(_("Your preferences are saved."))
    return redirect(url_for("pages.account"))


@bp.post("/account/password")
@login_required
@limiter.limit(LOGIN_LIMIT)
def change_password():
    """Choose a new password; every other session of the account ends."""
    form = ChangePasswordForm(prefix="pw")
    if not form.validate_on_submit():
        return _account_page(password_form=form, status=422)
    account = current_user._get_current_object()
    try:
        account_service.change_password(account, form.current_password.data, form.password.data)
    except ServiceError as exc:
        db.session.rollback()
        return _account_page(password_form=form, errors=field_error(form, exc), status=422)
    db.session.commit()
    login_user(account)  # this browser stays logged in, with the new generation
    flash(_("Your new password is set. You are logged out everywhere else."))
    return redirect(url_for("pages.account"))


@bp.post("/account/organization")
@login_required
def organization():
    """Ask to act for a directory organisation, or propose a new one."""
    form = OrganizationChoiceForm(prefix="org")
    _organization_choices(form)
    if not form.validate_on_submit():
        return _account_page(org_form=form, status=422)
    try:
        outcome = signup.choose_organization(current_user, form.chosen(), form.proposal(g.lang))
    except Invalid as exc:
        db.session.rollback()
        return _account_page(org_form=form, errors=form.show_errors(exc.fields), status=422)
    except ServiceError as exc:
        db.session.rollback()
        return _account_page(org_form=form, errors=field_error(form, exc), status=422)
    db.session.commit()
    if isinstance(outcome, Submission):
        flash(_("Your proposal was sent to the moderators."))
    elif isinstance(outcome, Affiliation):
        flash(
            _(
                "Your request to act for this organization was sent to the moderators; "
                "you will be told by e-mail."
            )
        )
    else:
        flash(_("Your organization is saved."))
    return redirect(url_for("pages.account"))
