"""Images of records: the picture's files live on disk (kb/imaging.py), its facts here.

An image belongs to a published record (`record_type`, `record_id`) or, while a festival
submission awaits moderation, to that submission only (`submission_id`, no record): it is
public once the submission is approved and the image moved to the record.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.models.base import JSONType, LangText, TimestampMixin, db

#: The licences an image may be shown under.
LICENCES = ("cc-by", "cc-by-sa", "cc0", "public-domain", "permission")
#: The record types that carry images (catalog singulars).
IMAGE_RECORD_TYPES = ("organization", "element", "festival", "case_study", "event")


class Image(TimestampMixin, db.Model):
    """One picture: caption and alt text per language, credit, licence and source."""

    __tablename__ = "image"
    __table_args__ = (sa.Index("ix_image_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Names its files (`<key>-w640.jpg`…); random, so addresses reveal nothing.
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    record_type: Mapped[str | None] = mapped_column(sa.String(32))
    record_id: Mapped[int | None]
    submission_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    caption: Mapped[dict | None] = mapped_column(LangText)
    alt: Mapped[dict | None] = mapped_column(LangText)
    credit: Mapped[str] = mapped_column(sa.String(300))
    licence: Mapped[str] = mapped_column(sa.String(20))
    source: Mapped[str | None] = mapped_column(sa.String(500))
    width: Mapped[int]
    height: Mapped[int]
    #: The files written: `w320`, `w640`…, `t320`, `t640`.
    variants: Mapped[list] = mapped_column(JSONType, default=list)
    added_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account.id", ondelete="SET NULL"), index=True
    )

    submission = relationship("Submission")

    def __repr__(self) -> str:
        return f"<Image {self.key} {self.record_type}:{self.record_id}>"
