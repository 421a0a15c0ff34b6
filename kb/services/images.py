"""Images of records: adding (checked, stripped, resized), describing, ordering, removing,
and who may see them.

Moderators and admins add images to any record; an institution adds them to its own
festival submission while it may still edit it, and they become the festival's when a
moderator approves the submission (`attach_submission_images`). An image is public once
it belongs to a published record; a submission's images are seen by its submitter and
the moderators only. Each change to a record's images is kept as a `Revision` (field
`images`), like any other change.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError

from kb import imaging
from kb.extensions import db
from kb.kinds import BY_SINGULAR, KINDS
from kb.models import (
    Account,
    Image,
    Revision,
    Submission,
)
from kb.schemas import messages
from kb.schemas.images import ImageSchema
from kb.services.common import NotFound
from kb.services.payloads import Invalid, flatten
from kb.services.submissions import Forbidden, is_moderator

#: Record type (catalog singular) ↔ model, for the types that have pictures.
MODELS = {kind.singular: kind.model for kind in KINDS if kind.has_images}
TYPE_OF = {model: name for name, model in MODELS.items()}


def folder() -> Path:
    """Where image files live (IMAGES_DIR, under the instance folder by default)."""
    return Path(current_app.config["IMAGES_DIR"])


def record_type_of(record) -> str | None:
    """The record type of a record that can carry images (None for others)."""
    return TYPE_OF.get(type(record))


def _refusal(reason: str) -> str:
    top = current_app.config["IMAGE_MAX_BYTES"] // (1024 * 1024)
    return {
        "type": _("Send a JPEG, PNG or WebP picture."),
        "broken": _("This file is damaged or not a complete picture."),
        "small": _(
            "The picture is too small: at least %(px)s pixels on each side.", px=imaging.MIN_SIDE
        ),
        "pixels": _("The picture has too many pixels; send a smaller one."),
        "size": _("The file is larger than %(mb)s MB.", mb=top),
        "missing": _("Choose a picture to send."),
    }[reason]


def load_facts(facts: dict) -> dict:
    """The image's facts as ImageSchema loads them; Invalid with every field error."""
    try:
        return ImageSchema().load(facts)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for path, message in flatten(messages.translate(exc.messages)):
            errors.setdefault(path or "_schema", []).append(message)
        raise Invalid(errors) from exc


def _summary(images: list[Image]) -> list[dict]:
    """How a record's images appear in its history."""
    return [{"key": i.key, "credit": i.credit, "licence": i.licence} for i in images]


def images_of(record_type: str, record_id: int) -> list[Image]:
    """The images of a record, in order."""
    query = (
        sa.select(Image)
        .where(Image.record_type == record_type, Image.record_id == record_id)
        .order_by(Image.position, Image.id)
    )
    return list(db.session.scalars(query))


def _revision(record_type: str, record_id: int, before: list[dict], account: Account) -> None:
    after = _summary(images_of(record_type, record_id))
    db.session.add(
        Revision(
            record_type=record_type,
            record_id=record_id,
            action="update",
            account_id=account.id,
            actor=account.email,
            changes={"images": [before, after]},
        )
    )


def add_image(
    data: bytes | None,
    facts: dict,
    account: Account,
    *,
    record=None,
    submission: Submission | None = None,
) -> Image:
    """Add a picture to a record (moderators) or to a festival submission (its submitter).

    Raises Invalid with every field error (`file` for the picture itself); writes the
    files only once the facts are valid.
    """
    if record is not None and not is_moderator(account):
        raise Forbidden()
    if submission is not None:
        _check_submitter(submission, account)
    loaded = load_facts(facts)
    if not data:
        raise Invalid({"file": [_refusal("missing")]})
    if len(data) > current_app.config["IMAGE_MAX_BYTES"]:
        raise Invalid({"file": [_refusal("size")]})
    key = secrets.token_urlsafe(18)
    try:
        done = imaging.process(data, folder(), key)
    except imaging.ImageRefused as exc:
        raise Invalid({"file": [_refusal(exc.reason)]}) from exc
    image = Image(
        key=key,
        width=done.width,
        height=done.height,
        variants=done.variants,
        added_by_id=account.id,
        **loaded,
    )
    if record is not None:
        kind = record_type_of(record)
        before = _summary(images_of(kind, record.id))
        image.record_type, image.record_id, image.position = kind, record.id, len(before)
        db.session.add(image)
        db.session.flush()
        _revision(kind, record.id, before, account)
    else:
        image.submission_id = submission.id
        image.position = len(submission_images(submission))
        db.session.add(image)
    db.session.flush()
    return image


def _check_submitter(submission: Submission, account: Account) -> None:
    if (
        submission.account_id != account.id
        or not BY_SINGULAR[submission.record_type].proposed_with_images
    ):
        raise Forbidden()
    if not submission.editable:
        raise Invalid({"file": [_("This submission can no longer be changed.")]})


def _check_editor(image: Image, account: Account) -> None:
    if image.record_id is not None:
        if not is_moderator(account):
            raise Forbidden()
    elif image.submission is None:
        raise NotFound()
    else:
        _check_submitter(image.submission, account)


def update_image(image: Image, facts: dict, account: Account) -> None:
    """Change an image's caption, alt text, credit, licence or source."""
    _check_editor(image, account)
    loaded = load_facts(facts)
    before = _summary(images_of(image.record_type, image.record_id)) if image.record_id else None
    for key in ("caption", "alt", "credit", "licence", "source"):  # what is left out is cleared
        setattr(image, key, loaded.get(key))
    db.session.flush()
    if before is not None:
        _revision(image.record_type, image.record_id, before, account)


def remove_image(image: Image, account: Account) -> str:
    """Delete an image's row; returns its key, whose files the caller removes after commit."""
    _check_editor(image, account)
    owner = (image.record_type, image.record_id)
    before = _summary(images_of(*owner)) if image.record_id else None
    db.session.delete(image)
    db.session.flush()
    if before is not None:
        _revision(*owner, before, account)
    return image.key


def remove_files(key: str) -> None:
    """Delete the files of an image whose row is gone (after the commit)."""
    imaging.remove(folder(), key)


def submission_images(submission: Submission) -> list[Image]:
    """The images proposed with a submission (before and after approval)."""
    query = (
        sa.select(Image)
        .where(Image.submission_id == submission.id)
        .order_by(Image.position, Image.id)
    )
    return list(db.session.scalars(query))


def attach_submission_images(submission: Submission, record) -> None:
    """On approval: the submission's new images become the record's, after its own."""
    pending = [i for i in submission_images(submission) if i.record_id is None]
    if not pending:
        return
    kind = record_type_of(record)
    before = _summary(images_of(kind, record.id))
    for n, image in enumerate(pending, start=len(before)):
        image.record_type, image.record_id, image.position = kind, record.id, n
    db.session.flush()
    account = submission.account
    if account is not None:
        _revision(kind, record.id, before, account)


def visible(image: Image, account: Account | None) -> bool:
    """Whether `account` (None: anyone) may see the image."""
    if image.record_id is not None:
        record = db.session.get(MODELS[image.record_type], image.record_id)
        if record is not None and record.is_published:
            return True
        return account is not None and is_moderator(account)
    if image.submission is None or account is None:
        return False
    return image.submission.account_id == account.id or (
        is_moderator(account) and image.submission.state != "draft"
    )


def by_key(key: str) -> Image:
    """The image with `key`."""
    image = db.session.scalar(sa.select(Image).where(Image.key == key))
    if image is None:
        raise NotFound()
    return image


def first_images(record_type: str, ids: list[int]) -> dict[int, Image]:
    """The first image of each record in `ids` (for list cards), by record id."""
    if not ids:
        return {}
    query = (
        sa.select(Image)
        .where(Image.record_type == record_type, Image.record_id.in_(ids))
        .order_by(Image.record_id, Image.position, Image.id)
    )
    out: dict[int, Image] = {}
    for image in db.session.scalars(query):
        out.setdefault(image.record_id, image)
    return out
