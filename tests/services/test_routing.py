"""Routing: the right partner, with reasons; every case has a queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.bootstrap import Storage
from bot.domain import Channel
from bot.services.cases import ConsentMissing, NewCase, create_case
from bot.services.clients import save_client
from bot.services.routing import route_case
from bot.storage.models import Partner
from tests.support.razem_cli import razem


@pytest.mark.parametrize(
    ("category", "subcategory", "city", "language", "expected"),
    [
        ("legal", "legal_work", "Lublin", "ru", {"homo-faber"}),
        ("legal", "legal_residence", "Warszawa", "uk", {"sip", "hfhr"}),
        ("legal", "legal_detention", "Poznań", "en", {"sip", "hfhr"}),
        ("psychological", "psychological_trauma", "Poznań", "uk", {"pfm", "nasz-wybor"}),
        ("social", "social_housing", "Wrocław", "pl", {"nomada"}),
        ("social", "social_benefits", "Warszawa", "uk", {"nasz-wybor"}),
        ("social", "social_health", "online", "ru", {"consortium"}),
        ("other", "other_offtopic", "Lublin", "en", {"consortium"}),
        ("legal", "legal_other", "other", "pl", {"sip", "hfhr"}),
    ],
)
def test_cases_go_to_the_partner_the_rules_name(
    seeded: Storage, category: str, subcategory: str, city: str, language: str, expected: set[str]
) -> None:
    with seeded.session_factory() as session:
        route = route_case(
            session, category=category, subcategory=subcategory, city=city, language=language
        )
    assert route.partner.slug in expected, route.reasons
    assert route.reasons and route.explain()


def test_no_combination_reaches_amnesty_or_goes_without_a_queue(seeded: Storage) -> None:
    with seeded.session_factory() as session:
        for category in ("legal", "psychological", "social", "other"):
            for city in ("Lublin", "Poznań", "Warszawa", "Wrocław", "other", "online"):
                for language in ("uk", "ru", "en", "pl"):
                    route = route_case(
                        session, category=category, subcategory=None, city=city, language=language
                    )
                    assert route.partner.takes_cases and route.partner.slug != "amnesty"


def test_a_full_partner_gives_way_and_load_is_shared(seeded: Storage) -> None:
    with seeded.session_factory.begin() as session:
        sip = session.scalars(select(Partner).where(Partner.slug == "sip")).one()
        sip.capacity = 1
    save_client(seeded.session_factory, Channel.TERMINAL, "a", "uk", consent=True)
    request = NewCase(
        "legal", "legal_residence", "uk", "Warszawa", False, (), 0.9, ("karta pobytu",), None
    )
    slugs = [
        create_case(seeded.session_factory, Channel.TERMINAL, "a", request).partner_slug
        for _ in range(3)
    ]
    assert slugs.count("sip") == 1 and slugs.count("hfhr") == 2


def test_no_case_without_consent(seeded: Storage) -> None:
    save_client(seeded.session_factory, Channel.TERMINAL, "b", "pl", consent=None)
    request = NewCase("social", None, "pl", "Lublin", False, (), None, ("pomocy",), None)
    with pytest.raises(ConsentMissing):
        create_case(seeded.session_factory, Channel.TERMINAL, "b", request)


def test_references_are_human_friendly_and_unique(seeded: Storage) -> None:
    save_client(seeded.session_factory, Channel.TERMINAL, "c", "en", consent=True)
    refs = [
        create_case(seeded.session_factory, Channel.TERMINAL, "c",
                    NewCase("legal", None, "en", city, False, (), None, ("help",), None)).reference
        for city in ("Warszawa", "Lublin", "Poznań", "Wrocław", "online")
    ]  # fmt: skip
    assert [r.split("-")[0] for r in refs] == ["W", "L", "P", "R", "O"]
    assert len(set(refs)) == 5 and all(r.split("-")[1].isdigit() for r in refs)


def test_razem_route_prints_the_partner_and_the_reasons(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"RAZEM_DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}"}
    assert razem("db", "upgrade", env=env).returncode == 0
    assert razem("seed", env=env).returncode == 0
    result = razem(
        "route",
        "--category",
        "legal",
        "--subcategory",
        "legal_work",
        "--city",
        "Lublin",
        "--lang",
        "ru",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("homo-faber: Homo Faber Association")
    assert "rule" in result.stdout and "speaks ru" in result.stdout
    bad = razem("route", "--category", "legal", "--city", "Paris", "--lang", "ru", env=env)
    assert bad.returncode == 2 and "invalid choice: 'Paris'" in bad.stderr
