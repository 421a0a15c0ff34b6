"""Moderators' decision form: a note when approving, a reason when returning or rejecting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

#: The decisions a moderator can take; each has its own form, prefixed by its name.
DECISIONS = ("approve", "return", "reject")


class DecisionForm(FlaskForm):
    """One decision; the service requires the reason to return or reject."""

    reason = TextAreaField(_l("Reason"), [Length(max=5000)], render_kw={"rows": 3})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self._prefix == "approve-":
            self.reason.label.text = _l("Note for the history (optional)")


def decision_forms(formdata=None, posted: str | None = None) -> dict[str, DecisionForm]:
    """A form per decision; only the posted one reads the request."""
    return {
        name: DecisionForm(formdata=formdata if name == posted else None, prefix=name)
        for name in DECISIONS
    }


class AffiliationDecisionForm(FlaskForm):
    """Confirm or decline a request to act for an organisation; the reason is optional."""

    reason = TextAreaField(_l("Note to the person (optional)"), [Length(max=2000)])
