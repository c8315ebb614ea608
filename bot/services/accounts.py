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
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
MAX_LOCK_TIME = timedelta(hours=24)
STREAK_RESET = timedelta(hours=24)  # after the last lock ends, a streak of locks is forgotten

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


@dataclass(frozen=True)
class Lock:
    email: str
    locked_until: datetime
    failures: int


def sign_in(factory: sessionmaker[Session], email: str, password: str, address: str) -> SignIn:
    """Check a password, throttled per account and per address; unknown e-mails and wrong
    passwords look the same from outside.

    The attempt is counted first, under a row lock, and only then is the password
    checked: a burst of simultaneous guesses gets no more checks than the limit, and the
    guess that uses up the limit locks the account before it is checked (a right one
    lifts the lock again). Locked attempts are refused without checking the password.
    """
    email = normalise_email(email)[:254]
    keys = (f"account:{email}", f"address:{address[:200]}")
    now = utcnow()
    with factory.begin() as session:
        rows: list[LoginFailure | None] = [_locked_row(session, key, now) for key in keys]
        locks = _lock_ends(rows, now)
        if locks:
            return SignIn(None, _minutes_until(max(locks), now))
        for row, limit in zip(rows, (ACCOUNT_FAILURES, ADDRESS_FAILURES), strict=True):
            assert row is not None
            _count_attempt(row, limit, now)
        account = session.scalars(
            select(ConsoleAccount).where(ConsoleAccount.email == email)
        ).first()
        stored = account.password_hash if account is not None and account.active else None
    # Outside the transaction: argon2 takes tens of milliseconds and the rows stay locked
    # only while counting.
    if _verify(stored, password[:MAX_PASSWORD]) and account is not None:
        with factory.begin() as session:
            session.execute(delete(LoginFailure).where(LoginFailure.key == keys[0]))
            _uncount_attempt(session, keys[1], ADDRESS_FAILURES)
            session.execute(
                update(ConsoleAccount)
                .where(ConsoleAccount.id == account.id)
                .values(last_login_at=now)
            )
        return SignIn(account.id)
    with factory.begin() as session:
        locked = _lock_ends([session.get(LoginFailure, key) for key in keys], now)
        session.add(
            AuditEntry(actor=f"address:{address[:100]}", action="sign_in_failed",
                       entity_type="account", entity_id=email[:80], before=None,
                       after={"locked": bool(locked)})
        )  # fmt: skip
    return SignIn(None, _minutes_until(max(locked), now) if locked else 0)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _locked_row(session: Session, key: str, now: datetime) -> LoginFailure:
    """The key's row, created if missing, locked until the transaction ends."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(LoginFailure)
        .values(key=key, count=0, first_at=now, locked_until=None)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    row = session.get(LoginFailure, key, with_for_update=True, populate_existing=True)
    assert row is not None  # inserted just above, and only sign-ins delete rows
    return row


def _lock_ends(rows: list[LoginFailure | None], now: datetime) -> list[datetime]:
    """When the locks still in force among ``rows`` end."""
    return [
        row.locked_until
        for row in rows
        if row is not None and row.locked_until is not None and row.locked_until > now
    ]


def _count_attempt(row: LoginFailure, limit: int, now: datetime) -> None:
    """One more attempt. Every ``limit`` attempts lock the key, each lock twice as long
    as the one before (LOCK_TIME, then 30 min, 1 h … up to MAX_LOCK_TIME), so the owner
    is never shut out for long by someone else's guessing. Quiet for FAILURE_WINDOW
    before any lock, or for STREAK_RESET after the last one, and the count starts over."""
    locked_before = row.count >= limit
    quiet_since = row.locked_until if locked_before and row.locked_until else row.first_at
    if now - quiet_since > (STREAK_RESET if locked_before else FAILURE_WINDOW):
        row.count, row.first_at, row.locked_until = 0, now, None
    row.count += 1
    if row.count % limit == 0:
        doublings = min(row.count // limit - 1, 10)
        row.locked_until = now + min(LOCK_TIME * 2**doublings, MAX_LOCK_TIME)


def _uncount_attempt(session: Session, key: str, limit: int) -> None:
    """A successful sign-in is not a guess: take it off the address's count, so a team
    signing in from one office address is never locked out by its own sign-ins."""
    row = session.get(LoginFailure, key, with_for_update=True)
    if row is None or row.count == 0:
        return
    if row.count % limit == 0 and row.count // limit == 1:
        row.locked_until = None  # the lock this very attempt set
    row.count -= 1


def locked_accounts(factory: sessionmaker[Session]) -> list[Lock]:
    """Accounts (by e-mail, known or not) that may not sign in now, soonest free first."""
    now = utcnow()
    with factory() as session:
        rows = session.scalars(
            select(LoginFailure)
            .where(LoginFailure.key.startswith("account:"), LoginFailure.locked_until > now)
            .order_by(LoginFailure.locked_until)
        ).all()
        return [
            Lock(row.key.removeprefix("account:"), row.locked_until, row.count)  # type: ignore[arg-type]
            for row in rows
        ]


def unlock(factory: sessionmaker[Session], email: str, actor: str) -> bool:
    """Lift an account's sign-in lock and forget its failures (audited); False if none."""
    key = f"account:{normalise_email(email)[:254]}"
    with factory.begin() as session:
        row = session.get(LoginFailure, key, with_for_update=True)
        if row is None:
            return False
        session.delete(row)
        session.add(
            AuditEntry(actor=actor, action="sign_in_unlocked", entity_type="account",
                       entity_id=key.removeprefix("account:")[:80], before=None, after=None)
        )  # fmt: skip
        return True


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
