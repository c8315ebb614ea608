"""The Rasa engine's adapter over real HTTP, against a stand-in for a Rasa server.

The stand-in answers `POST /model/parse` with bodies shaped like Rasa 3.6's; the
real server is exercised by the opt-in `make test-rasa` (tests/rasa/).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from nlu.builtin import BuiltinEngine
from nlu.rasa_http import RasaEngine, RasaUnavailable, map_rasa_response


class FakeRasa(BaseHTTPRequestHandler):
    answer: dict[str, Any] = {}
    received: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        FakeRasa.received.append({"path": self.path, **body})
        payload = json.dumps({"text": body["text"], **FakeRasa.answer}).encode()
        self.send_response(FakeRasa.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def rasa_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRasa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeRasa.received, FakeRasa.status = [], 200
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def rasa_answer(*ranking: tuple[str, float]) -> dict[str, Any]:
    items = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return {"intent": items[0], "intent_ranking": items, "entities": []}


def test_rasa_intents_are_mapped_to_categories(engine: BuiltinEngine, rasa_url: str) -> None:
    FakeRasa.answer = rasa_answer(
        ("social_health", 0.5), ("psychological_trauma", 0.3), ("social_housing", 0.2)
    )
    parse = RasaEngine(rasa_url, engine).parse("де знайти лікаря", lang_hint="uk")
    assert FakeRasa.received == [{"path": "/model/parse", "text": "де знайти лікаря"}]
    assert (parse.category, parse.subcategory) == ("social", "social_health")
    assert parse.confidence == pytest.approx(0.7)
    assert [s.category for s in parse.ranking][:2] == ["social", "psychological"]
    assert parse.language == "uk"


def test_urgency_stays_with_the_builtin_check_whatever_rasa_says(
    engine: BuiltinEngine, rasa_url: str
) -> None:
    FakeRasa.answer = rasa_answer(("other_greeting", 0.97))  # DIET is overconfident
    parse = RasaEngine(rasa_url, engine).parse("hi, I want to kill myself")
    assert parse.category == "other"
    assert parse.urgent and "suicide_self_harm" in parse.urgent_signals


def test_unknown_rasa_intents_count_as_other() -> None:
    category, subcategory, confidence, _ = map_rasa_response(
        rasa_answer(("nlu_fallback", 0.9), ("legal_work", 0.1))
    )
    assert (category, subcategory) == ("other", "other_offtopic")
    assert confidence == pytest.approx(0.9)
    assert map_rasa_response({})[0] == "other"


def test_a_failing_rasa_server_is_reported(engine: BuiltinEngine, rasa_url: str) -> None:
    FakeRasa.status, FakeRasa.answer = 500, {}
    with pytest.raises(RasaUnavailable, match="model/parse"):
        RasaEngine(rasa_url, engine).parse("pomocy")
    with pytest.raises(RasaUnavailable):
        RasaEngine("http://127.0.0.1:1", engine, timeout=1).parse("pomocy")
