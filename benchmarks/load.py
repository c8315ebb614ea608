"""Load: many people through the whole triage at once, against a local Bot API stub.

`make bench` runs it after the NLU and console benchmarks; alone:

    .venv/bin/python benchmarks/load.py [--people 64] [--scenario NAME ...]

Each simulated person writes as a migrant would: /start, a language, consent, a
legal question, the confirmation (or "this did not help"), a city, "skip" — seven
updates, each sent only after the bot's answer to the previous one arrived, the
way a real person waits for a reply. `razem run` is a real process (webhook or long
polling) talking HTTP to the stub; the partner groups are linked, so queue cards
flow through the outbox as they would in production.

Beside it, in the same run and against the same stub, a bare python-telegram-bot bot
(`benchmarks/bare_bot.py`) answers each text with one sendMessage: Razem's throughput
is reported as a ratio of it.

Telegram's own rate limits (30 messages/s) are switched off for the measurement
(`RAZEM_TELEGRAM_RATE_LIMIT=false`): with them on, every bot here is capped at 30/s
and the benchmark would measure the limiter. `--with-limiter` measures that too.

Per scenario: updates/s per process (all updates / wall time, divided by processes),
p50/p99 update latency (update posted → first message of the answer at the stub:
loopback HTTP and the stub included, so an upper bound of Razem's own time), outbox
lag (a case created → its card posted to the partner group), CPU ms per update of
the bot processes (/proc), peak memory (VmHWM), and updates that got no answer.
PostgreSQL scenarios use a throw-away schema of --postgres (default: the local test
database) and Redis database 15 of --redis; when either cannot be reached those
scenarios are reported as skipped. Writes benchmarks/results/load.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, make_url, select, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.bootstrap import open_storage  # noqa: E402
from bot.domain import LANGUAGES  # noqa: E402
from bot.storage.models import OutboxMessage  # noqa: E402
from bot.telegram.webhook import SECRET_HEADER, secret_for  # noqa: E402
from tests.support.fake_bot_api import TOKEN, FakeBotApi, _Handler  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "load.json"
RAZEM = REPO / ".venv" / "bin" / "razem"
PYTHON = REPO / ".venv" / "bin" / "python"
ANSWER_TIMEOUT = 60.0
LANGS = LANGUAGES
LEGAL = {
    "uk": "Добрий день. Роботодавець не платить мені зарплату вже два місяці і погрожує звільнити. Що мені робити?",
    "ru": "Здравствуйте. Работодатель не платит мне зарплату уже два месяца и угрожает уволить. Что мне делать?",
    "en": "Hello. My employer has not paid my salary for two months and threatens to fire me. What can I do?",
    "pl": "Dzień dobry. Pracodawca nie płaci mi pensji od dwóch miesięcy i grozi zwolnieniem. Co mam robić?",
}
# A person's journey: ("text", words) or ("press", acceptable button prefixes).
JOURNEY: tuple[tuple[str, Any], ...] = (
    ("text", "/start"),
    ("press", ("lang:{lang}",)),
    ("press", ("consent:yes",)),
    ("text", None),  # the legal question in the person's language
    ("press", ("confirm:yes", "helped:no", "cat:legal")),
    ("press", ("city:",)),
    ("press", ("details:skip",)),
)
ANSWERS = ("sendMessage", "editMessageText", "sendPhoto", "sendDocument")


@dataclass
class Stub(FakeBotApi):
    """The fake Bot API, with what each chat received and when, for waiting people."""

    received: dict[str, list[tuple[float, dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    changed: threading.Condition = field(default_factory=threading.Condition)

    def handle(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        status, body = super().handle(token, method, params)
        if status == 200 and method in ANSWERS:
            with self.changed:
                self.received[str(params.get("chat_id"))].append((time.perf_counter(), params))
                self.changed.notify_all()
        return status, body

    def count(self, chat: str) -> int:
        with self.changed:
            return len(self.received[chat])

    def wait(self, chat: str, after: int, prefixes: tuple[str, ...] | None) -> tuple[float, str]:
        """Time of the first answer after message ``after``, and the button to press next
        (the first whose payload starts with one of ``prefixes``), once it has come."""
        deadline = time.monotonic() + ANSWER_TIMEOUT
        with self.changed:
            while True:
                new = self.received[chat][after:]
                if new:
                    button = _button(new, prefixes) if prefixes else ""
                    if button is not None:
                        return new[0][0], button
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"chat {chat}: no answer")
                self.changed.wait(left)


def _button(received: list[tuple[float, dict[str, Any]]], prefixes: tuple[str, ...]) -> str | None:
    for prefix in prefixes:
        for _, params in received:
            markup = params.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    data = button.get("callback_data", "")
                    if data.startswith(prefix):
                        return str(data)
    return None


@contextmanager
def running_stub() -> Iterator[tuple[Stub, str]]:
    stub = Stub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_Handler,), {"api": stub}))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield stub, f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
        server.server_close()


class Telegram:
    """Delivers people's updates to the bot: by webhook (round robin over the bot
    processes, as a load balancer would) or into the stub's getUpdates queue."""

    def __init__(self, stub: Stub, hooks: list[str], secret: str) -> None:
        self.stub, self.hooks, self.secret = stub, hooks, secret
        # Update ids seen by a bot are remembered for a day (in Redis): a run starts
        # where no earlier run can have been, as Telegram's own ids never repeat.
        self.ids = itertools.count(int(time.time() * 1000) % 2**40)
        self.lock = threading.Lock()
        self.client = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=256))

    def deliver(self, kind: str, payload: dict[str, Any]) -> None:
        if not self.hooks:
            self.stub.inject(kind, payload)
            return
        with self.lock:
            update_id = next(self.ids)
        hook = self.hooks[update_id % len(self.hooks)]
        response = self.client.post(
            hook,
            json={"update_id": update_id, kind: payload},
            headers={SECRET_HEADER: self.secret},
        )
        response.raise_for_status()


def _user(chat: int, lang: str) -> dict[str, Any]:
    return {"id": chat, "is_bot": False, "first_name": "Olena", "language_code": lang}


def _message(chat: int, lang: str, words: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 1,
        "date": int(time.time()),
        "text": words,
        "chat": {"id": chat, "type": "private", "first_name": "Olena"},
        "from": _user(chat, lang),
    }
    if words.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(words)}]
    return message


def _press(chat: int, lang: str, data: str) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex,
        "from": _user(chat, lang),
        "chat_instance": "x",
        "data": data,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "text": "…",
            "chat": {"id": chat, "type": "private"},
            "from": {"id": 777000, "is_bot": True, "first_name": "Razem"},
        },
    }


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    updates: int = 0
    unanswered: int = 0
    refused: int = 0  # the webhook did not take the update (connection error or not 200)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, latency: float) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.updates += 1


def person(telegram: Telegram, chat: int, lang: str, bare: bool, tally: Tally) -> None:
    """One person's whole conversation; the bare bot gets seven plain texts instead."""
    stub, key, button = telegram.stub, str(chat), ""
    for index, (kind, what) in enumerate(JOURNEY):
        before = stub.count(key)
        sent = time.perf_counter()
        try:
            if bare or kind == "text":
                words = LEGAL[lang] if bare or what is None else what
                telegram.deliver("message", _message(chat, lang, words))
            else:
                telegram.deliver("callback_query", _press(chat, lang, button))
        except httpx.HTTPError:
            with tally.lock:
                tally.refused += len(JOURNEY) - index
            return
        following = None if bare or index + 1 == len(JOURNEY) else JOURNEY[index + 1]
        wanted = None
        if following and following[0] == "press":
            wanted = tuple(p.format(lang=lang) for p in following[1])
        try:
            first, button = stub.wait(key, before, wanted)
        except TimeoutError:
            with tally.lock:
                tally.unanswered += len(JOURNEY) - index
            return
        tally.add(first - sent)


@dataclass
class Scenario:
    name: str
    mode: str  # webhook | polling
    database: str  # sqlite | postgres
    processes: int = 1
    bare: bool = False


SCENARIOS = (
    Scenario("bare-ptb-webhook", "webhook", "sqlite", bare=True),
    Scenario("razem-sqlite-memory-webhook", "webhook", "sqlite"),
    Scenario("bare-ptb-polling", "polling", "sqlite", bare=True),
    Scenario("razem-sqlite-memory-polling", "polling", "sqlite"),
    Scenario("razem-postgres-redis-webhook", "webhook", "postgres"),
    Scenario("razem-postgres-redis-polling", "polling", "postgres"),
    Scenario("razem-postgres-redis-webhook-2proc", "webhook", "postgres", processes=2),
)


def _engine(url: str) -> Engine:
    return open_storage(url, check=False).engine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else 0.0


class Database:
    """A fresh, migrated, seeded database whose partner groups are linked."""

    def __init__(self, kind: str, postgres: str, workdir: Path) -> None:
        self.schema: str | None = None
        self.admin_url = postgres
        if kind == "sqlite":
            self.url = f"sqlite:///{workdir / 'razem.db'}"
        else:
            self.schema = f"bench_{uuid.uuid4().hex[:10]}"
            with _engine(postgres).begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            url = make_url(postgres).update_query_dict({"options": f"-csearch_path={self.schema}"})
            self.url = url.render_as_string(hide_password=False)
        env = os.environ | {"RAZEM_DATABASE_URL": self.url}
        for command in (("db", "upgrade"), ("seed",)):
            subprocess.run([str(RAZEM), *command], env=env, cwd=REPO, check=True,
                           capture_output=True)  # fmt: skip
        engine = _engine(self.url)
        with engine.begin() as connection:
            connection.execute(text("UPDATE partners SET telegram_chat_id = -1000000000 - id"))
        engine.dispose()

    def outbox_lag(self) -> tuple[float, float, int]:
        """p50 and p99 seconds from a card's queueing to its delivery, and cards pending."""
        engine = _engine(self.url)
        with engine.connect() as connection:
            rows = connection.execute(
                select(OutboxMessage.created_at, OutboxMessage.sent_at).where(
                    OutboxMessage.kind == "case_card"
                )
            ).all()
        engine.dispose()
        lags = [(sent - created).total_seconds() for created, sent in rows if sent is not None]
        return percentile(lags, 50), percentile(lags, 99), sum(1 for r in rows if r[1] is None)

    def drop(self) -> None:
        if self.schema:
            with _engine(self.admin_url).begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))


def start_bot(
    scenario: Scenario, base_url: str, env: dict[str, str], port: int | None
) -> subprocess.Popen[bytes]:
    if scenario.bare:
        command = [str(PYTHON), str(REPO / "benchmarks" / "bare_bot.py"), "--base-url", base_url]
        if port is not None:
            command += ["--port", str(port)]
    else:
        command = [str(RAZEM), "run"]
        if port is not None:
            command += ["--webhook", f"http://127.0.0.1:{port}/hook", "--port", str(port)]
    return subprocess.Popen(command, env=env, cwd=REPO, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip


def wait_ready(stub: Stub, processes: list[subprocess.Popen[bytes]], ports: list[int]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError((process.stderr.read() if process.stderr else b"").decode())
        if ports:
            ready = sum(1 for c in stub.calls if c.method == "setWebhook") >= len(ports)
        else:
            ready = any(c.method == "getUpdates" for c in stub.calls)
        if ready:
            return
        time.sleep(0.1)
    raise RuntimeError("the bot did not start within 60 s")


def run_scenario(scenario: Scenario, args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="razem-load-"))
    database = Database(scenario.database, args.postgres, workdir)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with running_stub() as (stub, base_url):
            env = os.environ | {
                "RAZEM_DATABASE_URL": database.url,
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "RAZEM_TELEGRAM_BASE_URL": base_url,
                "RAZEM_TELEGRAM_BASE_FILE_URL": base_url.replace("/bot", "/file/bot"),
                "RAZEM_TELEGRAM_RATE_LIMIT": "true" if args.with_limiter else "false",
                "RAZEM_LOG_LEVEL": os.environ.get("RAZEM_LOG_LEVEL", "WARNING"),
            }
            if scenario.database == "postgres":
                env["RAZEM_REDIS_URL"] = args.redis
            ports = (
                [free_port() for _ in range(scenario.processes)]
                if scenario.mode == "webhook"
                else []
            )
            for port in ports or [None]:
                processes.append(start_bot(scenario, base_url, env, port))
            wait_ready(stub, processes, ports)
            secret = secret_for(TOKEN, None)
            telegram = Telegram(stub, [f"http://127.0.0.1:{p}/hook" for p in ports], secret)
            cpu_before = sum(cpu_seconds(p.pid) for p in processes)
            tally = Tally()
            # New people every run: Redis keeps conversations for days.
            people_base = 10**9 + random.randrange(10**8) * 1000
            people = [
                threading.Thread(
                    target=person,
                    args=(telegram, people_base + n, LANGS[n % 4], scenario.bare, tally),
                )
                for n in range(args.people)
            ]
            started = time.perf_counter()
            for thread in people:
                thread.start()
            for thread in people:
                thread.join()
            wall = time.perf_counter() - started
            cpu = sum(cpu_seconds(p.pid) for p in processes) - cpu_before
            if not scenario.bare:
                time.sleep(1.0)  # the last cards leave the outbox
            memory = max(peak_memory_mb(p.pid) for p in processes)
            lag = (0.0, 0.0, 0) if scenario.bare else database.outbox_lag()
    finally:
        for process in processes:
            with_signal(process, signal.SIGTERM)
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "scenario": scenario.name,
        "processes": scenario.processes,
        "people": args.people,
        "updates": tally.updates,
        "unanswered": tally.unanswered,
        "refused": tally.refused,
        "seconds": round(wall, 2),
        "updates_per_s_per_process": round(tally.updates / wall / scenario.processes, 1),
        "p50_ms": round(percentile(tally.latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(tally.latencies, 99) * 1000, 1),
        "mean_ms": round(statistics.fmean(tally.latencies) * 1000, 1) if tally.latencies else 0,
        "cpu_ms_per_update": round(cpu * 1000 / max(1, tally.updates), 2),
        "peak_memory_mb": round(memory, 1),
        "outbox_lag_p50_s": round(lag[0], 2),
        "outbox_lag_p99_s": round(lag[1], 2),
        "cards_pending": lag[2],
    }


def with_signal(process: subprocess.Popen[bytes], sig: int) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def reachable(postgres: str, redis: str) -> str | None:
    try:
        engine = _engine(postgres)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        url = httpx.URL(redis.replace("redis://", "http://"))
        with socket.create_connection((url.host, url.port or 6379), timeout=2):
            pass
    except Exception as exc:  # a measurement, not a test: say why and go on
        return str(exc).splitlines()[0]
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=64)
    parser.add_argument("--scenario", action="append", choices=[s.name for s in SCENARIOS])
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "RAZEM_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument(
        "--redis", default=os.environ.get("RAZEM_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    )
    parser.add_argument("--with-limiter", action="store_true",
                        help="keep Telegram's rate limits on (caps every bot at ~30 messages/s)")  # fmt: skip
    args = parser.parse_args()
    chosen = [s for s in SCENARIOS if not args.scenario or s.name in args.scenario]
    missing = reachable(args.postgres, args.redis)
    results: list[dict[str, Any]] = []
    for scenario in chosen:
        if scenario.database == "postgres" and missing:
            print(f"{scenario.name}: skipped, PostgreSQL or Redis unreachable: {missing}")
            continue
        result = run_scenario(scenario, args)
        results.append(result)
        print(json.dumps(result))
    bare = {r["scenario"].rsplit("-", 1)[1]: r for r in results if r["scenario"].startswith("bare")}
    print()
    print(f"{'scenario':38} {'upd/s/proc':>10} {'vs bare':>8} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'cpu ms/upd':>10} {'MB':>6} {'card lag p99 s':>14} {'lost':>5}")  # fmt: skip
    for r in results:
        mode = "polling" if "polling" in r["scenario"] else "webhook"
        base = bare.get(mode)
        ratio = (
            f"{r['updates_per_s_per_process'] / base['updates_per_s_per_process']:.0%}"
            if base and not r["scenario"].startswith("bare")
            else "-"
        )
        r["vs_bare"] = ratio
        print(f"{r['scenario']:38} {r['updates_per_s_per_process']:>10} {ratio:>8} "
              f"{r['p50_ms']:>7} {r['p99_ms']:>7} {r['cpu_ms_per_update']:>10} "
              f"{r['peak_memory_mb']:>6} {r['outbox_lag_p99_s']:>14} {r['unanswered'] + r['refused']:>5}")  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"args": {k: v for k, v in vars(args).items() if k != "postgres"},
                                   "results": results}, indent=2) + "\n")  # fmt: skip
    # A measurement: lost updates are reported (the "lost" column), not a failure.
    return 0


if __name__ == "__main__":
    sys.exit(main())
