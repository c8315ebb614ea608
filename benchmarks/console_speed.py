"""Console speed on PostgreSQL: `make bench` (after the NLU benchmark).

The issue's budget: with 10,000 cases, 200 FAQ entries and 20 partners on PostgreSQL,
the queue, case and FAQ list pages at p95 <= 50 ms server-side; insights <= 200 ms.

Measures, on this machine, in a throw-away schema (dropped at the end):
- data: the seed, then partners up to 20, published FAQ entries up to 200 (four
  languages, ~600-character answers), 10,000 cases over 18 months with 3-6 messages
  each, their clients, staff and audit entries; bulk-inserted with SQLAlchemy Core;
- the console (`bot.web.app.create_app`) served by uvicorn in a thread over real
  HTTP on loopback, signed in as a coordinator and as staff of the busiest partner;
- per page: 10 warm-up requests, then N timed ones (--requests), one at a time over
  one keep-alive connection. "client" is the wall time of each request in this process,
  loopback HTTP and httpx included: an upper bound of the server's time, and the figure
  judged against the budget. "server" is from the request reaching the application to
  its last byte handed to uvicorn.
PostgreSQL: --postgres, else RAZEM_BENCH_POSTGRES_URL, else the local test database;
when it cannot be reached the script says so in one line and exits 0.
Writes benchmarks/results/console_speed.json and prints a table. Exits 0 when a budget
is missed (it is a measurement) but prints OVER BUDGET; a page that does not answer 200
is reported as FAILED, and the script exits 1 once the other pages are measured.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import random
import re
import shlex
import socket
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from pydantic import SecretStr
from sqlalchemy import insert, make_url, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import open_storage
from bot.domain import (
    CATEGORIES,
    CITIES,
    HELP_KINDS,
    LANGUAGES,
    SUBCATEGORY_CATEGORY,
    CaseStatus,
    Channel,
    City,
    ConsoleRole,
    FaqStatus,
    MessageDirection,
    StaffRole,
)
from bot.seed.loader import read_seed_data, seed
from bot.services import accounts
from bot.services.cases import CITY_PREFIX
from bot.settings import Environment, Settings
from bot.storage import migrate
from bot.storage.models import (
    AuditEntry,
    Base,
    Case,
    CaseMessage,
    Client,
    FaqEntry,
    FaqTranslation,
    Partner,
    StaffMember,
)
from bot.web.app import create_app

REPO = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "a long benchmark password 42"
COORDINATOR = "coordinator@bench.example"
STAFF = "staff@bench.example"
BUSIEST = "sip"  # gets the largest share of cases; the staff account works there
PLACES = (*CITIES, City.ONLINE.value)  # where the benchmark's cases come from
SUBCATEGORIES = {
    c: sorted(s for s, k in SUBCATEGORY_CATEGORY.items() if k == c) for c in CATEGORIES
}
MONTHS = 18
CASE_PAGES = 50
QUEUE_BUDGET_MS, INSIGHTS_BUDGET_MS = 50.0, 200.0

# Sentences people and staff write, per language; messages and FAQ texts are drawn from them.
CLIENT_WORDS = {
    "uk": ["Доброго дня, мені потрібна допомога з карткою побиту, бо термін закінчується наступного місяця.",
           "Роботодавець не виплатив зарплату за два місяці і тепер не відповідає на дзвінки.",
           "Ми з дітьми живемо у хостелі, і нам кажуть виїхати до кінця тижня.",
           "Я не розумію листа з ужонду, там написано про якісь додаткові документи.",
           "Чи можна працювати, поки розглядають мою заяву?",
           "Дитина погано спить після переїзду і часто плаче, я не знаю, що робити."],
    "ru": ["Здравствуйте, мне нужна помощь с картой побыту, срок заканчивается в следующем месяце.",
           "Работодатель не заплатил за два месяца и теперь не берёт трубку.",
           "Мы с детьми живём в хостеле, и нам говорят съехать до конца недели.",
           "Я не понимаю письмо из ужонда, там написано про какие-то дополнительные документы.",
           "Можно ли работать, пока рассматривают моё заявление?",
           "Ребёнок плохо спит после переезда и часто плачет, я не знаю, что делать."],
    "en": ["Hello, I need help with my residence card, it expires next month.",
           "My employer has not paid me for two months and does not answer the phone.",
           "My children and I live in a hostel and they told us to leave by the end of the week.",
           "I do not understand the letter from the voivodeship office about additional documents.",
           "Can I work while my application is being processed?",
           "My child sleeps badly since we moved and cries a lot, I do not know what to do."],
    "pl": ["Dzień dobry, potrzebuję pomocy z kartą pobytu, bo ważność kończy się w przyszłym miesiącu.",
           "Pracodawca nie zapłacił mi za dwa miesiące i nie odbiera telefonu.",
           "Mieszkamy z dziećmi w hostelu i kazano nam wyprowadzić się do końca tygodnia.",
           "Nie rozumiem pisma z urzędu wojewódzkiego o dodatkowych dokumentach.",
           "Czy mogę pracować, kiedy mój wniosek jest rozpatrywany?",
           "Dziecko źle śpi od przeprowadzki i często płacze, nie wiem, co robić."],
}  # fmt: skip
STAFF_WORDS = {
    "uk": ["Дякуємо, що написали. Я юристка організації і допоможу вам з цим питанням.",
           "Надішліть, будь ласка, фото рішення і дату, коли ви його отримали.",
           "У вас є 14 днів на оскарження, тому важливо не відкладати.",
           "Ми можемо зустрітися у четвер о 10:00 у нашому офісі або поговорити онлайн.",
           "Я підготувала зразок заяви, перевірте, будь ласка, ваші дані."],
    "ru": ["Спасибо, что написали. Я юрист организации и помогу вам с этим вопросом.",
           "Пришлите, пожалуйста, фото решения и дату, когда вы его получили.",
           "У вас есть 14 дней на обжалование, поэтому важно не откладывать.",
           "Мы можем встретиться в четверг в 10:00 в нашем офисе или поговорить онлайн.",
           "Я подготовила образец заявления, проверьте, пожалуйста, ваши данные."],
    "en": ["Thank you for writing. I am a lawyer at the organisation and will help you with this.",
           "Please send a photo of the decision and the date you received it.",
           "You have 14 days to appeal, so it is important not to wait.",
           "We can meet on Thursday at 10:00 in our office or talk online.",
           "I have prepared a draft of the application, please check your details."],
    "pl": ["Dziękujemy za wiadomość. Jestem prawniczką organizacji i pomogę w tej sprawie.",
           "Proszę przesłać zdjęcie decyzji i datę, kiedy została doręczona.",
           "Na odwołanie jest 14 dni, więc ważne, żeby nie zwlekać.",
           "Możemy spotkać się w czwartek o 10:00 w naszym biurze albo porozmawiać online.",
           "Przygotowałam wzór wniosku, proszę sprawdzić swoje dane."],
}  # fmt: skip


def words(rng: random.Random, pool: list[str], low: int, high: int) -> str:
    """Sentences from ``pool`` until the text is between ``low`` and ``high`` characters."""
    target = rng.randint(low, high)
    out = rng.choice(pool)
    while len(out) < target:
        out += " " + rng.choice(pool)
    return out[:high]


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


# --- the database ------------------------------------------------------------------------


def url_with_schema(server_url: str, schema: str) -> str:
    """As tests/conftest.py: every connection's search_path is the schema."""
    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def reachable(url: str) -> str | None:
    """None when PostgreSQL answers at ``url``, else the reason in one line."""
    engine = open_storage(url, check=False, connect_args={"connect_timeout": 3}).engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        return str(exc.orig or exc).strip().splitlines()[0]
    finally:
        engine.dispose()
    return None


@dataclass
class Volume:
    partners: int = 0
    staff_members: int = 0
    faq_entries: int = 0
    faq_translations: int = 0
    clients: int = 0
    cases: int = 0
    case_messages: int = 0
    audit_entries: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    busiest_partner_cases: int = 0
    busiest_partner_new: int = 0


def add_partners(session: Session, total: int) -> None:
    """Copies of the seeded partners that take cases, with new slugs, up to ``total``."""
    seeded = session.scalars(
        select(Partner).where(Partner.takes_cases.is_(True)).order_by(Partner.id)
    ).all()
    have = len(session.scalars(select(Partner.id)).all())
    now = datetime.now(UTC)
    rows = []
    for index in range(total - have):
        model = seeded[index % len(seeded)]
        rows.append({
            "slug": f"{model.slug}-{index + 2}", "name_pl": f"{model.name_pl} ({index + 2})",
            "name_en": f"{model.name_en} ({index + 2})", "cities": list(model.cities),
            "kinds": list(model.kinds), "languages": list(model.languages),
            "online": model.online, "takes_cases": True, "is_fallback": False,
            "capacity": model.capacity, "created_at": now, "updated_at": now,
        })  # fmt: skip
    if rows:
        session.execute(insert(Partner), rows)


def add_staff(session: Session, rng: random.Random) -> dict[int, list[int]]:
    """Two to four staff members per partner that takes cases; their ids by partner."""
    now = datetime.now(UTC)
    partners = session.scalars(select(Partner.id).where(Partner.takes_cases.is_(True))).all()
    rows = [
        {"partner_id": partner_id, "display_name": f"Staff {partner_id}-{n}",
         "role": StaffRole.LEAD if n == 0 else StaffRole.STAFF, "active": True,
         "created_at": now, "updated_at": now}
        for partner_id in partners for n in range(rng.randint(2, 4))
    ]  # fmt: skip
    session.execute(insert(StaffMember), rows)
    staff: dict[int, list[int]] = {}
    for member_id, partner_id in session.execute(select(StaffMember.id, StaffMember.partner_id)):
        staff.setdefault(partner_id, []).append(member_id)
    return staff


def add_faq(session: Session, rng: random.Random, total: int) -> None:
    """Published entries in four languages up to ``total``: ~600-character answers."""
    have = len(session.scalars(select(FaqEntry.id)).all())
    now = datetime.now(UTC)
    subcategories = {c: SUBCATEGORIES[c] for c in HELP_KINDS}
    entries: list[dict[str, Any]] = []
    for index in range(total - have):
        category = rng.choice(list(subcategories))
        expired = rng.random() < 0.03
        entries.append({
            "slug": f"bench-{category}-{index:03d}", "category": category,
            "subcategory": rng.choice(subcategories[category]), "status": FaqStatus.PUBLISHED,
            "review_note": None, "reviewed_by": "Partner lawyer",
            "reviewed_at": now - timedelta(days=rng.randint(1, 300)),
            "facts_as_of": date.today() - timedelta(days=rng.randint(1, 300)),
            "expires_on": date.today() + timedelta(days=-10 if expired else rng.randint(30, 400)),
            "source_url": "https://www.gov.pl", "seed_checksum": None, "source_language": "pl",
            "created_at": now, "updated_at": now,
        })  # fmt: skip
    if not entries:
        return
    session.execute(insert(FaqEntry), entries)
    slugs = [e["slug"] for e in entries]
    ids = dict(
        session.execute(select(FaqEntry.slug, FaqEntry.id).where(FaqEntry.slug.in_(slugs))).all()
    )
    translations = []
    for slug in slugs:
        changed = now - timedelta(days=rng.randint(1, 300))
        for language in LANGUAGES:
            # A few translations lag behind a later change of the Polish text.
            stale = language != "pl" and rng.random() < 0.05
            pool = CLIENT_WORDS[language]
            question = words(rng, pool, 40, 110).split(". ")[0].rstrip(".") + "?"
            text_value = {
                "question": question,
                "variants": [words(rng, pool, 20, 90) for _ in range(rng.randint(4, 7))],
                "answer": words(rng, STAFF_WORDS[language], 500, 700),
            }
            translations.append({
                "entry_id": ids[slug], "language": language, **text_value,
                "updated_at": changed, "published_at": changed,
                "draft": text_value if rng.random() < 0.05 else None,
                "text_changed_at": changed - timedelta(days=1) if stale else changed,
                "source_changed_at": None,
            })  # fmt: skip
    session.execute(insert(FaqTranslation), translations)


def add_cases(
    session: Session, rng: random.Random, total: int, staff: dict[int, list[int]]
) -> None:
    """``total`` cases over MONTHS months, with their messages, clients and audit entries."""
    partners = dict(
        session.execute(select(Partner.id, Partner.slug).where(Partner.takes_cases.is_(True))).all()
    )
    # A skewed load: the busiest partner gets about a sixth of all cases.
    weights = [6.0 if slug == BUSIEST else 1.0 + (pid % 4) / 2 for pid, slug in partners.items()]
    partner_ids = list(partners)
    now = datetime.now(UTC)
    span = timedelta(days=MONTHS * 30)
    first_case_id = (session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0) + 1
    clients: list[dict[str, Any]] = []
    clients_by_language: dict[str, list[int]] = {lang: [] for lang in LANGUAGES}
    cases: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    audit: list[dict[str, Any]] = []
    for case_id in range(first_case_id, first_case_id + total):
        roll = rng.random()
        status = CaseStatus.NEW if roll < 0.15 else CaseStatus.CLAIMED if roll < 0.40 else CaseStatus.CLOSED  # fmt: skip
        # Untaken and open cases are recent; closed ones spread over the whole span.
        if status == CaseStatus.NEW:
            created = now - timedelta(minutes=rng.randint(1, 14 * 24 * 60))
        elif status == CaseStatus.CLAIMED:
            created = now - timedelta(minutes=rng.randint(60, 60 * 24 * 60))
        else:
            created = now - timedelta(seconds=rng.randint(3 * 86400, int(span.total_seconds())))
        claimed = closed = None
        if status != CaseStatus.NEW:
            claimed = min(created + timedelta(minutes=rng.randint(2, 3 * 24 * 60)), now)
        if status == CaseStatus.CLOSED:
            assert claimed is not None
            closed = min(claimed + timedelta(minutes=rng.randint(60, 30 * 24 * 60)), now)
        partner_id = rng.choices(partner_ids, weights)[0]
        assignee = rng.choice(staff[partner_id]) if claimed else None
        category = rng.choices(CATEGORIES, (5, 2, 3, 1))[0]
        language = rng.choices(LANGUAGES, (5, 3, 1, 1))[0]
        city = rng.choice(PLACES)
        urgent = rng.random() < 0.05
        client_id: int | None = None
        if rng.random() < 0.85:  # the rest were erased on request
            known = clients_by_language[language]
            if known and rng.random() < 0.25:
                client_id = rng.choice(known)
            else:
                client_id = len(clients) + 1
                clients.append({
                    "id": client_id, "channel": Channel.TELEGRAM if rng.random() < 0.8 else Channel.WEB,
                    "chat_id": str(100_000_000 + client_id), "language": language,
                    "consent_at": created, "created_at": created, "last_seen_at": created,
                })  # fmt: skip
                known.append(client_id)
        reference = f"{CITY_PREFIX.get(city, 'O')}-{1000 + case_id}"
        opening = words(rng, CLIENT_WORDS[language], 60, 300)
        cases.append({
            "id": case_id, "reference": reference, "client_id": client_id,
            "partner_id": partner_id, "assignee_id": assignee, "category": category,
            "subcategory": rng.choice(SUBCATEGORIES[category]), "language": language,
            "city": city, "urgent": urgent, "urgent_signals": ["violence"] if urgent else [],
            "status": status, "nlu_confidence": round(rng.uniform(0.35, 0.99), 3),
            "summary": opening[:240], "routing_reason": f"rule: {category} in {city}",
            "rating": rng.randint(1, 5) if status == CaseStatus.CLOSED and rng.random() < 0.5 else None,
            "telegram_topic_id": None, "card_message_id": None, "created_at": created,
            "claimed_at": claimed, "closed_at": closed, "updated_at": closed or claimed or created,
        })  # fmt: skip
        # 3-6 messages: the person's first words, then (once taken) replies and answers.
        end = closed or now
        at = created
        for index in range(rng.randint(3, 6)):
            replying = claimed is not None and index % 2 == 1
            if index:
                at = min(at + timedelta(minutes=rng.randint(1, 12 * 60)), end)
            if replying and claimed is not None and at < claimed:
                at = claimed
            messages.append({
                "case_id": case_id,
                "direction": MessageDirection.TO_CLIENT if replying else MessageDirection.FROM_CLIENT,
                "author_staff_id": assignee if replying else None,
                "text": opening if index == 0 else words(rng, (STAFF_WORDS if replying else CLIENT_WORDS)[language],
                                                         80 if replying else 20, 600 if replying else 300),
                "media_kind": None, "media_ref": None, "created_at": at,
            })  # fmt: skip
        events = [("case_created", f"client:{client_id or 0}", created)]
        if claimed is not None:
            events.append(("case_claimed", f"staff:{assignee}", claimed))
        if closed is not None:
            events.append(("case_closed", f"staff:{assignee}", closed))
        for action, actor, moment in events:
            audit.append({"at": moment, "actor": actor, "action": action, "entity_type": "case",
                          "entity_id": reference, "before": None, "after": {"status": action[5:]}})  # fmt: skip
    session.execute(insert(Client), clients)
    session.execute(insert(Case), cases)
    session.execute(insert(CaseMessage), messages)
    # In time order, as the services would have written them.
    session.execute(insert(AuditEntry), sorted(audit, key=lambda row: row["at"]))
    for table in ("clients", "cases"):
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT max(id) FROM {table}))"))  # fmt: skip


def build(url: str, rng: random.Random, args: argparse.Namespace) -> Volume:
    """Migrate, seed, add the benchmark's volume and the two console accounts."""
    storage = open_storage(url, check=False)
    engine, factory = storage.engine, storage.session_factory
    try:
        migrate.upgrade(engine)
        seed(factory, read_seed_data(REPO / "data"))
        with factory.begin() as session:
            add_partners(session, args.partners)
            add_faq(session, rng, args.faq)
        for email, role, partner in ((COORDINATOR, ConsoleRole.COORDINATOR, None),
                                     (STAFF, ConsoleRole.STAFF, BUSIEST)):  # fmt: skip
            token = accounts.add_account(factory, email, role, partner, "en")
            assert accounts.set_password(factory, token, PASSWORD) is not None
        with factory.begin() as session:
            staff = add_staff(session, rng)
            add_cases(session, rng, args.cases, staff)
        # As autovacuum would have, long before: statistics and the visibility map
        # (this schema's tables only: the database may hold others).
        tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"VACUUM ANALYZE {tables}"))
        return volume(factory)
    finally:
        engine.dispose()


def volume(factory: sessionmaker[Session]) -> Volume:
    """What the schema holds, as the report states it."""
    with factory() as session:

        def count(table: str, where: str = "") -> int:
            return int(session.scalar(text(f"SELECT count(*) FROM {table} {where}")) or 0)

        busiest = f"JOIN partners p ON p.id = cases.partner_id WHERE p.slug = '{BUSIEST}'"
        return Volume(
            partners=count("partners"), staff_members=count("staff_members"),
            faq_entries=count("faq_entries"), faq_translations=count("faq_translations"),
            clients=count("clients"), cases=count("cases"), case_messages=count("case_messages"),
            audit_entries=count("audit_log"),
            by_status=dict(session.execute(text("SELECT status, count(*) FROM cases GROUP BY status")).all()),
            busiest_partner_cases=count("cases", busiest),
            busiest_partner_new=count("cases", busiest + " AND status = 'new'"),
        )  # fmt: skip


def staff_references(url: str, rng: random.Random, how_many: int) -> list[str]:
    engine = open_storage(url, check=False).engine
    try:
        with engine.connect() as connection:
            references = connection.execute(
                select(Case.reference)
                .join(Partner, Partner.id == Case.partner_id)
                .where(Partner.slug == BUSIEST)
                .order_by(Case.id)
            ).scalars().all()  # fmt: skip
    finally:
        engine.dispose()
    return rng.sample(list(references), min(how_many, len(references)))


# --- the console over HTTP ---------------------------------------------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ServerClock:
    """ASGI wrapper: seconds from a request reaching the application to its last body
    chunk being handed to uvicorn (recorded before that chunk is sent, so the client
    always finds it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.times: list[float] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.times.append(time.perf_counter() - started)
            await send(message)

        await self.app(scope, receive, timed)


class Served:
    """The console on a free loopback port, in a thread (as tests/web/conftest.py)."""

    def __init__(self, database_url: str) -> None:
        settings = Settings(_env_file=None, database_url=database_url,  # type: ignore[call-arg]
                            secret_key=SecretStr("bench-secret-0123456789"),
                            environment=Environment.DEVELOPMENT, log_level="WARNING")  # fmt: skip
        self.clock = ServerClock(create_app(settings))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(self.clock, host="127.0.0.1", port=port, log_level="warning",
                                access_log=False)  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise SystemExit("console_speed: the console did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def signed_in(base_url: str, email: str) -> httpx.Client:
    """A keep-alive client holding a console session, signed in through the login form."""
    # English, as the accounts: the sign-in page is then rendered in English too.
    client = httpx.Client(base_url=base_url, timeout=30, headers={"accept-language": "en"})
    form = client.get("/login")
    found = re.search(r'name="csrf" value="([^"]+)"', form.text)
    if form.status_code != 200 or found is None:
        raise SystemExit(f"console_speed: GET /login gave {form.status_code} without a csrf field")
    answer = client.post("/login", data={"email": email, "password": PASSWORD,
                                         "csrf": found.group(1), "next": "/"})  # fmt: skip
    if answer.status_code != 303 or "razem_session" not in client.cookies:
        raise SystemExit(f"console_speed: signing in as {email} gave {answer.status_code}")
    return client


@dataclass(frozen=True)
class Page:
    name: str
    who: str
    paths: tuple[str, ...]
    budget_ms: float | None


@dataclass
class Result:
    page: str
    account: str
    path: str
    requests: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    server_p50_ms: float
    server_p95_ms: float
    budget_ms: float | None
    within_budget: bool | None
    bytes: int
    # Full (generation 2) garbage collections during the timed requests: in this one
    # process they pause the server too, and explain most of the p95 tails.
    full_gcs: int


class FullCollections:
    """Counts the garbage collector's generation-2 runs."""

    def __init__(self) -> None:
        self.count = 0
        gc.callbacks.append(self._seen)

    def _seen(self, phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            self.count += 1


class PageFailed(Exception):
    """A request that did not answer 200 in time: the page has no figures."""


def measure(
    client: httpx.Client, clock: ServerClock, page: Page, warmup: int, n: int, gcs: FullCollections
) -> Result:
    """Warm-up, then ``n`` timed GETs, rotating through the page's paths; all must be 200."""
    client_ms: list[float] = []
    server_ms: list[float] = []
    size = 0
    full_before = gcs.count
    for index in range(warmup + n):
        if index == warmup:
            full_before = gcs.count
        path = page.paths[index % len(page.paths)]
        before = len(clock.times)
        started = time.perf_counter()
        try:
            response = client.get(path)
        except httpx.HTTPError as exc:
            raise PageFailed(f"GET {path} as {page.who}: {type(exc).__name__} {exc}") from None
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise PageFailed(f"GET {path} as {page.who}: HTTP {response.status_code} "
                             f"{response.text[:120]!r}")  # fmt: skip
        if len(clock.times) != before + 1:
            raise PageFailed(f"GET {path}: no server time recorded")
        if index >= warmup:
            client_ms.append(elapsed * 1000)
            server_ms.append(clock.times[-1] * 1000)
            size = max(size, len(response.content))
    p95 = percentile(client_ms, 95)
    return Result(
        page.name, page.who, page.paths[0] if len(page.paths) == 1 else f"{page.paths[0]} …",
        n, round(statistics.median(client_ms), 2), round(p95, 2), round(max(client_ms), 2),
        round(statistics.median(server_ms), 2), round(percentile(server_ms, 95), 2),
        page.budget_ms, None if page.budget_ms is None else p95 <= page.budget_ms, size,
        gcs.count - full_before,
    )  # fmt: skip


def pages(references: list[str]) -> list[Page]:
    return [
        Page("queue: new, all partners", "coordinator", ("/cases?tab=new",), QUEUE_BUDGET_MS),
        Page("queue: closed, all partners", "coordinator", ("/cases?tab=closed",), QUEUE_BUDGET_MS),
        Page("queue: new, own partner", "staff", ("/cases",), QUEUE_BUDGET_MS),
        Page(f"case page ({len(references)} cases)", "staff",
             tuple(f"/cases/{r}" for r in references), QUEUE_BUDGET_MS),
        Page("FAQ list", "coordinator", ("/faq",), QUEUE_BUDGET_MS),
        Page("dashboard", "coordinator", ("/",), None),
        Page("routing", "coordinator", ("/routing",), None),
        Page("insights.csv", "coordinator", ("/insights.csv",), None),
        Page("insights", "coordinator", ("/insights",), INSIGHTS_BUDGET_MS),
    ]  # fmt: skip


def table(results: list[Result]) -> str:
    head = ("page", "who", "p50 ms", "p95 ms", "max ms", "server p95", "full GCs", "budget", "")
    rows = [head]
    for r in results:
        verdict = "" if r.within_budget is None else "pass" if r.within_budget else "OVER BUDGET"
        budget = "—" if r.budget_ms is None else f"≤ {r.budget_ms:g}"
        rows.append((r.page, r.account, f"{r.p50_ms:.1f}", f"{r.p95_ms:.1f}", f"{r.max_ms:.1f}",
                     f"{r.server_p95_ms:.1f}", str(r.full_gcs), budget, verdict))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    right = {2, 3, 4, 5, 6}
    lines = []
    for row in rows:
        cells = [cell.rjust(w) if i in right else cell.ljust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]  # fmt: skip
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("RAZEM_BENCH_POSTGRES_URL") or DEFAULT_URL,
                        help="server URL (env RAZEM_BENCH_POSTGRES_URL; default %(default)s)")  # fmt: skip
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--faq", type=int, default=200)
    parser.add_argument("--partners", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261126, help="of the random data")
    parser.add_argument("--keep-schema", action="store_true",
                        help="leave the schema in place and print its URL (for EXPLAIN)")  # fmt: skip
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    server = make_url(args.postgres)
    where = f"{server.host or 'localhost'}:{server.port or 5432}/{server.database}"
    problem = reachable(args.postgres)
    if problem is not None:
        print(f"console_speed: skipped, PostgreSQL at {where} is unreachable ({problem}); "
              "set RAZEM_BENCH_POSTGRES_URL")  # fmt: skip
        return

    load_before = round(os.getloadavg()[0], 2)
    if load_before > 0.5 * (os.cpu_count() or 1):
        print(
            f"note: this machine is busy (load average {load_before}): figures will be pessimistic"
        )
    rng = random.Random(args.seed)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = open_storage(args.postgres, check=False).engine
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = url_with_schema(args.postgres, schema)
    try:
        started = time.perf_counter()
        built = build(url, rng, args)
        build_s = time.perf_counter() - started
        print(f"data: {built.cases} cases ({built.case_messages} messages), {built.faq_entries} "
              f"FAQ entries, {built.partners} partners in schema {schema} ({build_s:.1f} s)")  # fmt: skip
        references = staff_references(url, rng, CASE_PAGES)
        results: list[Result] = []
        gcs = FullCollections()
        failures: dict[str, str] = {}
        with Served(url) as served:
            clients = {"coordinator": signed_in(served.url, COORDINATOR),
                       "staff": signed_in(served.url, STAFF)}  # fmt: skip
            try:
                for page in pages(references):
                    print(f"  {page.name} ({page.who})", file=sys.stderr, flush=True)
                    try:
                        results.append(measure(clients[page.who], served.clock, page,
                                               args.warmup, args.requests, gcs))  # fmt: skip
                    except PageFailed as failed:
                        failures[page.name] = str(failed)
                        print(f"  FAILED: {failed}", file=sys.stderr, flush=True)
            finally:
                for client in clients.values():
                    client.close()
        with admin.connect() as connection:
            postgres_version = str(connection.execute(text("SHOW server_version")).scalar())
    finally:
        if args.keep_schema:
            print(f"schema kept: {url}")
        else:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    command = shlex.join([Path(sys.executable).relative_to(REPO).as_posix()
                          if Path(sys.executable).is_relative_to(REPO) else sys.executable,
                          "benchmarks/console_speed.py", *sys.argv[1:]])  # fmt: skip
    report = {
        "command": command,
        "postgres": f"{where} (PostgreSQL {postgres_version})",
        "data": asdict(built),
        "warmup": args.warmup,
        "requests_per_page": args.requests,
        "timing": "client: wall time per request over loopback HTTP keep-alive (an upper "
        "bound of server time, judged against the budget); server: ASGI call to last byte",
        "cpu": os.uname().machine,
        "cores": os.cpu_count(),
        "load_average_before_after": [load_before, round(os.getloadavg()[0], 2)],
        "pages": [asdict(r) for r in results],
        "failed": failures,
    }
    out = REPO / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "console_speed.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"{args.requests} timed requests per page after {args.warmup} warm-up; times include "
          "loopback HTTP (an upper bound of server time); 'server p95' is inside the app")  # fmt: skip
    print(table(results))
    over = [r.page for r in results if r.within_budget is False]
    print(f"OVER BUDGET: {', '.join(over)}" if over else "all budgets met")
    print(f"command: {command}")
    for name, reason in failures.items():
        print(f"FAILED {name}: {reason}")
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
