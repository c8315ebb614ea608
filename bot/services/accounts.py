"""Web console accounts: one-time password-set links, argon2 passwords, sessions and
throttled sign-in. Only hashes of passwords, link tokens and session tokens are stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import LANGUAGES, ConsoleRole, StaffRole
from bot.errors import DataError
from bot.storage.models import (
    AuditEntry,
    ConsoleAccount,
    ConsoleSession,
    LoginFailure,
    Partner,
    StaffMember,
)
from bot.storage.types import utcnow

SETUP_LINK_LIFETIME = timedelta(hours=24)
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD = 12
MAX_PASSWORD = 200
# Sign-in throttling: this many failures within the window lock for LOCK_TIME.
ACCOUNT_FAILURES, ADDRESS_FAILURES = 5, 20
FAILURE_WINDOW = LOCK_TIME = timedelta(minutes=15)

_hasher = PasswordHasher()
# Checked against when the e-mail is unknown, so both cases take as long.
_DUMMY_HASH = _hasher.hash("razem-no-such-account")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    role: ConsoleRole
    partner_id: int | None
    partner_slug: str | None
    staff_member_id: int | None
    language: str

    @property
    def actor(self) -> str:
        """How the audit log names this person."""
        return f"console:{self.email}"


def _view(account: ConsoleAccount) -> Account:
    return Account(
        account.id,
        account.email,
        account.role,
        account.partner_id,
        account.partner.slug if account.partner else None,
        account.staff_member_id,
        account.language,
    )


def add_account(
    factory: sessionmaker[Session],
    email: str,
    role: ConsoleRole,
    partner_slug: str | None,
    language: str = "pl",
) -> str:
    """Create an account and return the token of its password-set link."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise DataError(f"not an e-mail address: {email!r}")
    if language not in LANGUAGES:
        raise DataError(f"language must be one of {', '.join(LANGUAGES)}")
    if role == ConsoleRole.STAFF and not partner_slug:
        raise DataError("a staff account needs --partner SLUG")
    with factory.begin() as session:
        if session.scalars(select(ConsoleAccount.id).where(ConsoleAccount.email == email)).first():
            raise DataError(f"{email} already has an account (razem user reset {email})")
        partner = None
        if partner_slug:
            partner = session.scalars(select(Partner).where(Partner.slug == partner_slug)).first()
            if partner is None:
                raise DataError(f"no partner with slug {partner_slug!r}")
        account = ConsoleAccount(
            email=email, role=role, partner_id=partner.id if partner else None, language=language
        )
        if role == ConsoleRole.STAFF and partner is not None:
            account.staff_member_id = _staff_member(session, partner, email)
        token = _issue_link(account)
        session.add(account)
        session.flush()
        session.add(
            AuditEntry(
                actor="cli",
                action="account_created",
                entity_type="account",
                entity_id=str(account.id),
                before=None,
                after={"email": email, "role": role.value, "partner": partner_slug},
            )
        )
        return token


def _staff_member(session: Session, partner: Partner, email: str) -> int:
    """Staff act on cases as their StaffMember (the same one Telegram uses, if any)."""
    member = session.scalars(select(StaffMember).where(StaffMember.email == email)).first()
    if member is not None and member.partner_id != partner.id:
        raise DataError(f"{email} is staff of another partner")
    if member is None:
        member = StaffMember(
            partner_id=partner.id, display_name=email.split("@")[0][:120], role=StaffRole.STAFF
        )
        member.email = email
        session.add(member)
        session.flush()
    return member.id


def _issue_link(account: ConsoleAccount) -> str:
    token = secrets.token_urlsafe(32)
    account.setup_token_hash = _digest(token)
    account.setup_expires_at = utcnow() + SETUP_LINK_LIFETIME
    return token


def reset_link(factory: sessionmaker[Session], email: str) -> str:
    """A new password-set link; the old password and all sessions stop working."""
    with factory.begin() as session:
        account = session.scalars(
            select(ConsoleAccount).where(ConsoleAccount.email == normalise_email(email))
        ).first()
        if account is None:
            raise DataError(f"no account for {email}")
        account.password_hash = None
        session.execute(delete(ConsoleSession).where(ConsoleSession.account_id == account.id))
        token = _issue_link(account)
        session.add(
            AuditEntry(actor="cli", action="account_reset", entity_type="account",
                       entity_id=str(account.id), before=None, after={"email": account.email})
        )  # fmt: skip
        return token


def setup_account(factory: sessionmaker[Session], token: str) -> Account | None:
    """The account a still-valid password-set link belongs to."""
    with factory() as session:
        account = _by_setup_token(session, token)
        return _view(account) if account else None


def _by_setup_token(session: Session, token: str) -> ConsoleAccount | None:
    if not token or len(token) > 200:
        return None
    account = session.scalars(
        select(ConsoleAccount).where(ConsoleAccount.setup_token_hash == _digest(token))
    ).first()
    if account is None or account.setup_expires_at is None or not account.active:
        return None
    return account if account.setup_expires_at > utcnow() else None


def password_problem(password: str, repeated: str) -> str | None:
    """'too_short', 'too_long' or 'mismatch' — or None when the password will do."""
    if len(password) < MIN_PASSWORD:
        return "too_short"
    if len(password) > MAX_PASSWORD:
        return "too_long"
    return "mismatch" if password != repeated else None


def set_password(factory: sessionmaker[Session], token: str, password: str) -> int | None:
    """Use a password-set link once; the account id, or None if the link is not valid."""
    with factory.begin() as session:
        account = _by_setup_token(session, token)
        if account is None:
            return None
        account.password_hash = _hasher.hash(password)
        account.setup_token_hash = account.setup_expires_at = None
        session.add(
            AuditEntry(actor=f"console:{account.email}", action="password_set",
                       entity_type="account", entity_id=str(account.id), before=None, after=None)
        )  # fmt: skip
        return account.id


@dataclass(frozen=True)
class SignIn:
    account_id: int | None
    locked_minutes: int = 0


def sign_in(factory: sessionmaker[Session], email: str, password: str, address: str) -> SignIn:
    """Check a password, throttled per account and per address; unknown e-mails and wrong
    passwords look the same from outside."""
    email = normalise_email(email)[:254]
    keys = (f"account:{email}", f"address:{address[:200]}")
    now = utcnow()
    with factory.begin() as session:
        locks = [
            failure.locked_until
            for failure in session.scalars(select(LoginFailure).where(LoginFailure.key.in_(keys)))
            if failure.locked_until is not None and failure.locked_until > now
        ]
        if locks:
            return SignIn(None, _minutes_until(max(locks), now))
        account = session.scalars(
            select(ConsoleAccount).where(ConsoleAccount.email == email)
        ).first()
        if _verify(account.password_hash if account else None, password[:MAX_PASSWORD]) and (
            account is not None and account.active
        ):
            session.execute(delete(LoginFailure).where(LoginFailure.key == keys[0]))
            account.last_login_at = now
            return SignIn(account.id)
        locked_until = None
        for key, limit in zip(keys, (ACCOUNT_FAILURES, ADDRESS_FAILURES), strict=True):
            until = _count_failure(session, key, limit, now)
            locked_until = until or locked_until
        session.add(
            AuditEntry(actor=f"address:{address[:100]}", action="sign_in_failed",
                       entity_type="account", entity_id=email[:80], before=None,
                       after={"locked": locked_until is not None})
        )  # fmt: skip
        return SignIn(None, _minutes_until(locked_until, now) if locked_until else 0)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _count_failure(session: Session, key: str, limit: int, now: datetime) -> datetime | None:
    failure = session.get(LoginFailure, key, with_for_update=True)
    if failure is None:
        failure = LoginFailure(key=key, count=0, first_at=now)
        session.add(failure)
    if failure.first_at < now - FAILURE_WINDOW:
        failure.count, failure.first_at, failure.locked_until = 0, now, None
    failure.count += 1
    if failure.count >= limit:
        failure.locked_until = now + LOCK_TIME
    session.flush()
    return failure.locked_until


def _minutes_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds() + 59) // 60)


def open_session(factory: sessionmaker[Session], account_id: int) -> str:
    """A new session token (a new one at every sign-in: no session fixation)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with factory.begin() as session:
        session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < now))
        session.add(
            ConsoleSession(token_hash=_digest(token), account_id=account_id,
                           created_at=now, last_seen_at=now, expires_at=now + SESSION_LIFETIME)
        )  # fmt: skip
    return token


def session_account(factory: sessionmaker[Session], token: str) -> Account | None:
    if not token or len(token) > 200:
        return None
    with factory() as session:
        row = session.execute(
            select(ConsoleSession, ConsoleAccount)
            .join(ConsoleAccount, ConsoleAccount.id == ConsoleSession.account_id)
            .where(ConsoleSession.token_hash == _digest(token))
        ).first()
        if row is None:
            return None
        console_session, account = row
        if console_session.expires_at <= utcnow() or not account.active:
            return None
        return _view(account)


def close_session(factory: sessionmaker[Session], token: str) -> None:
    with factory.begin() as session:
        session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == _digest(token)))


def set_language(factory: sessionmaker[Session], account_id: int, language: str) -> bool:
    if language not in LANGUAGES:
        return False
    with factory.begin() as session:
        account = session.get(ConsoleAccount, account_id)
        if account is None:
            return False
        account.language = language
        return True
