"""The domain tables, as typed SQLAlchemy 2 ORM models.

Alembic migrations (bot/storage/migrations) are the only way these tables are
created; a test checks that the migrations and these models agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql import func

from bot.domain import (
    CaseStatus,
    Channel,
    ConsoleRole,
    FaqStatus,
    MessageDirection,
    OutboxStatus,
    StaffRole,
)
from bot.storage.types import JsonType, UtcDateTime, str_enum, utcnow

# Named constraints, so that migrations can drop them by name on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JsonType, list[str]: JsonType, datetime: UtcDateTime}


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Partner(Timestamped, Base):
    """A consortium organisation, or the consortium-wide fallback queue."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_pl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    cities: Mapped[list[str]]
    kinds: Mapped[list[str]]
    languages: Mapped[list[str]]
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    takes_cases: Mapped[bool] = mapped_column(Boolean, default=True)
    is_fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int | None] = mapped_column(Integer)
    contact: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(300))
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # sha256 of the one-time code `razem partner link` printed, and when it expires.
    link_code_hash: Mapped[str | None] = mapped_column(String(64))
    link_code_expires_at: Mapped[datetime | None]
    seed_checksum: Mapped[str | None] = mapped_column(String(64))

    staff: Mapped[list[StaffMember]] = relationship(back_populates="partner")

    __table_args__ = (
        CheckConstraint("NOT (is_fallback AND NOT takes_cases)", name="fallback_takes_cases"),
    )


class StaffMember(Timestamped, Base):
    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[StaffRole] = mapped_column(str_enum(StaffRole, "staff_role"))
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    partner: Mapped[Partner] = relationship(back_populates="staff")

    __table_args__ = (
        UniqueConstraint("partner_id", "telegram_user_id", name="uq_staff_partner_telegram"),
        UniqueConstraint("email", name="uq_staff_members_email"),
    )


class Client(Base):
    """A person asking for help on one channel. Personal data: erased on request."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "channel"))
    chat_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    consent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("channel", "chat_id", name="uq_clients_channel_chat"),
        CheckConstraint("language IN ('uk', 'ru', 'en', 'pl')", name="language"),
    )


class Case(Base):
    """One request for help, routed to one partner's queue."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL")
    )
    category: Mapped[str] = mapped_column(String(20))
    subcategory: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(40))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent_signals: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[CaseStatus] = mapped_column(
        str_enum(CaseStatus, "case_status"), default=CaseStatus.NEW
    )
    nlu_confidence: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str | None] = mapped_column(Text)
    routing_reason: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    telegram_topic_id: Mapped[int | None] = mapped_column(BigInteger)
    # The card in the partner group's queue: edited, never posted twice.
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    messages: Mapped[list[CaseMessage]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseMessage.id"
    )

    __table_args__ = (
        # The queue query: a partner's open cases, urgent first, oldest first.
        Index("ix_cases_queue", "partner_id", "status", "urgent", "created_at"),
        Index("ix_cases_client", "client_id"),
        CheckConstraint("category IN ('legal', 'psychological', 'social', 'other')", "category"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
    )


class CaseMessage(Base):
    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    direction: Mapped[MessageDirection] = mapped_column(
        str_enum(MessageDirection, "message_direction")
    )
    author_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL")
    )
    text: Mapped[str | None] = mapped_column(Text)
    media_kind: Mapped[str | None] = mapped_column(String(20))
    media_ref: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="messages")

    __table_args__ = (
        # Insights' time to the first reply: each case's earliest message to the client,
        # read in case order from the index alone.
        Index("ix_case_messages_first_reply", "direction", "case_id", "created_at"),
    )


class FaqEntry(Timestamped, Base):
    """A published answer; its words live in one translation per language."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    category: Mapped[str] = mapped_column(String(20))
    subcategory: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[FaqStatus] = mapped_column(
        str_enum(FaqStatus, "faq_status"), default=FaqStatus.DRAFT
    )
    review_note: Mapped[str | None] = mapped_column(String(200))
    reviewed_by: Mapped[str | None] = mapped_column(String(120))
    reviewed_at: Mapped[datetime | None]
    facts_as_of: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    source_url: Mapped[str | None] = mapped_column(String(300))
    seed_checksum: Mapped[str | None] = mapped_column(String(64))
    # The language translators work from: when its text changes, the others need an update.
    source_language: Mapped[str] = mapped_column(String(2), default="pl", server_default="pl")

    translations: Mapped[list[FaqTranslation]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="FaqTranslation.language"
    )

    __table_args__ = (
        CheckConstraint("category IN ('legal', 'psychological', 'social')", name="category"),
    )


class FaqTranslation(Base):
    __tablename__ = "faq_translations"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("faq_entries.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    question: Mapped[str] = mapped_column(Text)
    variants: Mapped[list[str]] = mapped_column(default=list)
    answer: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Edits saved in the console but not yet shown to people: {question, variants, answer}.
    draft: Mapped[dict[str, Any] | None]
    published_at: Mapped[datetime | None]
    # When the live text last changed, and which version of the source language's text
    # this translation was last brought in line with ("needs update" when older).
    text_changed_at: Mapped[datetime] = mapped_column(
        default=utcnow, server_default=func.current_timestamp()
    )
    source_changed_at: Mapped[datetime | None]

    entry: Mapped[FaqEntry] = relationship(back_populates="translations")

    __table_args__ = (
        UniqueConstraint("entry_id", "language", name="uq_faq_translations_entry_language"),
        CheckConstraint("language IN ('uk', 'ru', 'en', 'pl')", name="language"),
    )


class FaqRevision(Base):
    """Every saved version of one translation, for history and revert."""

    __tablename__ = "faq_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("faq_entries.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(2))
    question: Mapped[str] = mapped_column(Text)
    variants: Mapped[list[str]] = mapped_column(default=list)
    answer: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # seeded, draft, published, reverted, imported
    action: Mapped[str] = mapped_column(String(20), default="saved", server_default="saved")

    entry: Mapped[FaqEntry] = relationship()


class RoutingRule(Timestamped, Base):
    """Cases matching (category, subcategory, city, language) go to these partners.

    A NULL match field matches anything; lower ``position`` is tried first.
    """

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(20))
    subcategory: Mapped[str | None] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(2))
    note: Mapped[str | None] = mapped_column(Text)
    seed_checksum: Mapped[str | None] = mapped_column(String(64))

    targets: Mapped[list[RoutingTarget]] = relationship(
        back_populates="rule", cascade="all, delete-orphan", order_by="RoutingTarget.rank"
    )


class RoutingTarget(Base):
    __tablename__ = "routing_targets"

    rule_id: Mapped[int] = mapped_column(
        ForeignKey("routing_rules.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int] = mapped_column(Integer, default=0)

    rule: Mapped[RoutingRule] = relationship(back_populates="targets")
    partner: Mapped[Partner] = relationship()


class AuditEntry(Base):
    """Who did what, when, with the state before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(80))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]

    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id"),)


class OutboxMessage(Base):
    """A message the system must deliver, written in the same transaction as its cause."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "outbox_channel"))
    chat_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]]
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    # Higher first: urgent cases' cards go out before the others.
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    external_message_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)


class ConsoleAccount(Base):
    """A person who signs in to the web console. Staff accounts act on cases as their
    StaffMember, so the console and Telegram share one set of case services."""

    __tablename__ = "console_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[ConsoleRole] = mapped_column(str_enum(ConsoleRole, "console_role"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL")
    )
    language: Mapped[str] = mapped_column(String(2), default="pl")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # sha256 of the one-time password-set link's token, and when it stops working.
    setup_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    setup_expires_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    partner: Mapped[Partner | None] = relationship()

    __table_args__ = (
        CheckConstraint("role != 'staff' OR partner_id IS NOT NULL", name="staff_has_partner"),
        CheckConstraint("language IN ('uk', 'ru', 'en', 'pl')", name="language"),
    )


class ConsoleSession(Base):
    """A signed-in browser. The cookie holds a random token; only its sha256 is stored."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("console_accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class LoginFailure(Base):
    """Failed sign-ins per account and per address, for throttling (shared by processes)."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
