"""Images: their files (public once their record is), the gallery moderators manage on any
record, and the pictures an institution adds to its festival submission."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kb import kinds
from kb.catalog import CATALOG, COLLECTIONS
from kb.extensions import db
from kb.forms.images import ImageFacts, ImageUpload
from kb.models import Image
from kb.services import images as svc
from kb.services import submissions
from kb.services.common import NotFound, ServiceError
from kb.services.payloads import Invalid
from kb.views import bp

media = Blueprint("media", __name__)
#: Responsive sizes: the image spans the record column (50rem) or the screen.
SIZES = "(min-width: 52rem) 50rem, 100vw"
CARD_SIZES = "(min-width: 52rem) 18rem, 100vw"


def _account():
    return current_user._get_current_object() if current_user.is_authenticated else None


@media.get("/images/<key>-<variant>.jpg")
def image_file(key: str, variant: str):
    """One size of an image: cached for a year when public (a key's files never change)."""
    try:
        image = svc.by_key(key)
    except NotFound:
        abort(404)
    if variant not in (image.variants or []) or not svc.visible(image, _account()):
        abort(404)
    public = svc.visible(image, None)
    response = send_from_directory(
        svc.folder(), f"{key}-{variant}.jpg", mimetype="image/jpeg", max_age=0
    )
    if public:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def src(image: Image, variant: str) -> str:
    """The address of one size of an image."""
    return url_for("media.image_file", key=image.key, variant=variant)


def _widths(image: Image, prefix: str) -> list[tuple[int, str]]:
    return sorted((int(v[1:]), v) for v in image.variants or [] if v.startswith(prefix))


def picture(image: Image, card: bool = False) -> dict:
    """What an <img> needs: src, srcset, sizes, width, height (the thumbnails for cards)."""
    sizes = _widths(image, "t" if card else "w")
    default = next((v for w, v in sizes if w >= 640), sizes[-1][1])
    width = int(default[1:])
    height = width * 3 // 4 if card else round(image.height * width / image.width)
    return {
        "src": src(image, default),
        "srcset": ", ".join(f"{src(image, v)} {w}w" for w, v in sizes),
        "sizes": CARD_SIZES if card else SIZES,
        "width": width,
        "height": height,
    }


@bp.app_template_global("record_images")
def record_images(record) -> list[Image]:
    """The images of a record, for its page."""
    kind = svc.record_type_of(record)
    return svc.images_of(kind, record.id) if kind else []


@bp.app_template_global("submission_images")
def _submission_images(submission) -> list[Image]:
    return svc.submission_images(submission)


@bp.app_template_global("picture")
def _picture(image: Image, card: bool = False) -> dict:
    return picture(image, card)


def _facts_form(image: Image | None = None):
    form = ImageFacts(prefix=f"img{image.id}") if image else ImageUpload(prefix="new")
    if image is not None and request.method == "GET":
        form.fill(image)
    return form


def _try(action, form) -> bool:
    """Run a service call; on refusal put its errors on the form's fields."""
    try:
        action()
    except Invalid as exc:
        db.session.rollback()
        for path, messages in exc.fields.items():
            # "alt" (none given) is shown on the reader's language; "alt.ru" on Russian.
            name = path.replace(".", "_") if "." in path else path
            if name in ("alt", "caption"):
                name = f"{name}_{g.lang}"
            field = form._fields.get(name) or form._fields.get("file")
            if field is not None:
                field.errors = [*field.errors, *messages]
        return False
    except ServiceError:
        db.session.rollback()
        abort(403)
    db.session.commit()
    return True


def _manage(images: list[Image], owner, back: str, **upload_target):
    """The gallery page: each image with its facts form, and a form for a new one."""
    account = _account()
    upload = ImageUpload(prefix="new")
    forms = {image.id: ImageFacts(prefix=f"img{image.id}") for image in images}
    if request.method == "POST":
        action, image_id = request.form.get("action", ""), request.form.get("image", type=int)
        image = next((i for i in images if i.id == image_id), None)
        if action == "add" and upload.validate_on_submit():
            data = upload.file.data.read() if upload.file.data else None
            if _try(lambda: svc.add_image(data, upload.facts(), account, **upload_target), upload):
                flash(_("The picture was added."))
                return redirect(request.path)
        elif action in ("save", "delete") and image is not None:
            form = forms[image.id]
            removed: list[str] = []
            if action == "delete" and form.validate_on_submit():
                if _try(lambda: removed.append(svc.remove_image(image, account)), form):
                    svc.remove_files(removed[0])  # only once the row is gone for good
                    flash(_("The picture was removed."))
                    return redirect(request.path)
            elif form.validate_on_submit() and _try(
                lambda: svc.update_image(image, form.facts(), account), form
            ):
                flash(_("The picture's details were saved."))
                return redirect(request.path)
        else:
            abort(400)
        for other in images:  # the forms not sent show what is stored
            if other is not image or action == "add":
                forms[other.id].fill(other)
        status = 422
    else:
        status = 200
        for image in images:
            forms[image.id].fill(image)
    return render_template(
        "images/manage.html", images=images, forms=forms, upload=upload, owner=owner, back=back
    ), status


@bp.route(f"/<{COLLECTIONS}:collection>/<slug>/images", methods=["GET", "POST"])
@login_required
def manage_images(collection: str, slug: str):
    """Moderators and admins: the pictures of any record."""
    if not submissions.is_moderator(_account()) or collection == "countries":
        abort(403 if collection != "countries" else 404)
    record = CATALOG[collection].get(slug, include_unpublished=True)
    images = svc.images_of(svc.record_type_of(record), record.id)
    back = url_for("pages.record", collection=collection, slug=slug)
    return _manage(images, record, back, record=record)


@bp.route("/submissions/<int:submission_id>/images", methods=["GET", "POST"])
@login_required
def submission_images(submission_id: int):
    """The submitter: pictures proposed with a festival submission (while it is editable)."""
    item = submissions.visible(submission_id, _account())
    proposed_with_images = kinds.BY_SINGULAR[item.record_type].proposed_with_images
    if item.account_id != current_user.id or not proposed_with_images:
        abort(403)
    if not item.editable:
        flash(_("This submission can no longer be changed."))
        return redirect(url_for("pages.submission", submission_id=item.id))
    back = url_for("pages.edit_submission", submission_id=item.id)
    return _manage(svc.submission_images(item), item, back, submission=item)
