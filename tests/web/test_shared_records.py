"""`razem seed` and the console check a partner, a routing rule and an FAQ answer with
the same schema (bot/services/records.py): the same mistake is refused by both, with
the same problem code, and what one accepts the other accepts."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.domain import ConsoleRole
from bot.errors import DataError, RazemError
from bot.i18n import translator
from bot.seed.loader import read_seed_data
from bot.services import faq_editing, partners
from bot.services.records import Problem
from bot.storage.models import StaffMember
from bot.web.forms import record_problem_text
from tests.conftest import REPO
from tests.web.conftest import Console, make_account
from tests.web.test_hostile import _client
from tests.web.test_partners_routing import SIP_FORM

EN = translator("en")


def _sentence(code: str, field: str = "", detail: str = "") -> str:
    """What the console says (in English) for this problem code."""
    return record_problem_text(EN, Problem(field, code, "", detail))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


def _seed_refusal(
    data_dir: Path, file: str, change: dict[str, object], where: tuple[str, int]
) -> str:
    """Change one record of a seed file; the code of the seed's refusal ("" if accepted)."""
    path = data_dir / file
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document[where[0]][where[1]].update(change)
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        read_seed_data(data_dir)
    except DataError as error:
        return error.code
    return ""


def _index(file: str, key: str, slug: str) -> int:
    document = yaml.safe_load((REPO / "data" / file).read_text(encoding="utf-8"))
    return next(i for i, row in enumerate(document[key]) if row["slug"] == slug)


# (what is wrong, the partner, the change in the seed file, the change in the form, code)
BAD_PARTNERS = [
    ("no place", "sip", {"cities": [], "online": False}, {"city_Warszawa": "", "online": ""},
     "no_place"),
    ("no kind of help", "sip", {"kinds": []}, {"kind_legal": "", "kind_social": ""}, "no_kind"),
    ("no language", "sip", {"languages": []},
     {f"language_{lang}": "" for lang in ("pl", "en", "ru", "uk")}, "too_short"),
    ("a one-letter name", "sip", {"name_en": "S"}, {"name_en": "S"}, "string_too_short"),
    ("room for no case", "sip", {"capacity": 0}, {"capacity": "0"}, "greater_than_equal"),
    ("a website that is not one", "sip", {"website": "ftp://x"}, {"website": "ftp://x"},
     "string_pattern_mismatch"),
    ("the fallback queue taking no cases", "consortium", {"takes_cases": False},
     {"takes_cases": ""}, "fallback_takes_cases"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("slug", "seed_change", "form_change", "code"),
    [case[1:] for case in BAD_PARTNERS],
    ids=[case[0] for case in BAD_PARTNERS],
)
def test_the_same_bad_partner_is_refused_by_the_seed_and_the_console(
    console: Console, data_dir: Path, slug: str, seed_change: dict[str, object],
    form_change: dict[str, str], code: str,
) -> None:  # fmt: skip
    index = _index("partners.yml", "partners", slug)
    assert _seed_refusal(data_dir, "partners.yml", seed_change, ("partners", index)) == code

    make_account(console.storage, "c@example.org", ConsoleRole.COORDINATOR)
    client, csrf = _client(console, "c@example.org")
    form = {**SIP_FORM, **form_change, "csrf": csrf}
    if slug == "consortium":
        form["city_Warszawa"] = ""
    refused = client.post(f"/partners/{slug}", data=form)
    assert refused.status_code == 400
    field = next(iter(seed_change))
    assert _sentence(code, field) in refused.text.replace("&#39;", "'")


def test_a_partner_that_takes_no_cases_needs_no_kind_of_help_in_either(
    console: Console, data_dir: Path
) -> None:
    # Amnesty: advocacy only. The console used to refuse every edit of it.
    index = _index("partners.yml", "partners", "amnesty")
    assert _seed_refusal(data_dir, "partners.yml", {"kinds": []}, ("partners", index)) == ""
    make_account(console.storage, "c@example.org", ConsoleRole.COORDINATOR)
    client, csrf = _client(console, "c@example.org")
    form = {"name_pl": "Amnesty International Polska", "name_en": "Amnesty International Poland",
            "city_Warszawa": "1", "language_pl": "1", "language_en": "1", "csrf": csrf}  # fmt: skip
    assert client.post("/partners/amnesty", data=form).status_code == 303


BAD_RULES = [
    ("a subcategory of another category", {"category": "legal", "subcategory": "social_housing"},
     {"category": "legal", "subcategory": "social_housing"}, "wrong_category", "subcategory"),
    ("an unknown subcategory", {"subcategory": "legal_visa"}, {"subcategory": "legal_visa"},
     "unknown_subcategory", "subcategory"),
    ("a partner that takes no cases", {"partners": ["amnesty"]}, {"targets": "amnesty"},
     "takes_no_cases", "partners"),
    ("an unknown partner", {"partners": ["nobody"]}, {"targets": "nobody"}, "unknown_partner",
     "partners"),
    ("a partner twice", {"partners": ["sip", "sip"]}, {"targets": "sip, sip"}, "duplicate",
     "partners"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("seed_change", "form_change", "code", "field"),
    [case[1:] for case in BAD_RULES],
    ids=[case[0] for case in BAD_RULES],
)
def test_the_same_bad_routing_rule_is_refused_by_the_seed_and_the_console(
    console: Console, data_dir: Path, seed_change: dict[str, object],
    form_change: dict[str, str], code: str, field: str,
) -> None:  # fmt: skip
    assert _seed_refusal(data_dir, "routing.yml", seed_change, ("rules", 1)) == code

    make_account(console.storage, "c@example.org", ConsoleRole.COORDINATOR)
    client, csrf = _client(console, "c@example.org")
    form = {"position": "3", "targets": "sip", **form_change, "csrf": csrf}
    refused = client.post("/routing/new", data=form)
    assert refused.status_code == 400
    detail = "amnesty" if code == "takes_no_cases" else ""
    assert _sentence(code, field, detail) in refused.text.replace("&#39;", "'")


ANSWERS = [
    ('See <a href="https://www.gov.pl/web/udsc">the office\'s page</a> for the forms.', ""),
    ('Write to <a href="mailto:help@example.org">us</a> or call <b>112</b>.', ""),
    ("Fine until here <script>alert(1)</script>", "unknown_tag"),
    ("<b>never closed, but long enough", "unclosed_tag"),
    ('<a href="javascript:alert(1)">click</a> and more words', "bad_link"),
    ("", "empty"),
]


@pytest.mark.parametrize(("answer", "code"), ANSWERS)
def test_an_faq_answer_gets_the_same_verdict_from_the_seed_and_the_editor(
    data_dir: Path, answer: str, code: str
) -> None:
    path = data_dir / "faq.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = document["entries"][0]
    entry["translations"]["uk"]["answer"] = answer
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        read_seed_data(data_dir)
        seed_code = ""
    except DataError as error:
        seed_code = error.code

    fields = faq_editing.EntryFields("same-verdict", entry["category"], entry["subcategory"], "uk")
    question = entry["translations"]["uk"]["question"]
    texts = {"uk": faq_editing.Text(question, (), answer)}
    problems = faq_editing.validate(fields, texts, new=True)
    editor_code = problems["answer_uk"][0].code if "answer_uk" in problems else ""
    assert (seed_code, editor_code) == (code, code)


BAD_STAFF = [
    ("a name too long", {"name": "N" * 121}, {"display_name": "N" * 121}, "string_too_long",
     "display_name"),
    ("no name", {"name": "   "}, {"display_name": "   "}, "string_too_short", "display_name"),
    ("a Telegram id that is no id", {"telegram_user_id": 0}, {"telegram_user_id": "0"},
     "greater_than", "telegram_user_id"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("cli_change", "form_change", "code", "field"),
    [case[1:] for case in BAD_STAFF],
    ids=[case[0] for case in BAD_STAFF],
)
def test_the_same_bad_staff_member_is_refused_by_the_cli_and_the_console(
    console: Console, cli_change: dict[str, object], form_change: dict[str, str], code: str,
    field: str,
) -> None:  # fmt: skip
    arguments: dict[str, Any] = {"name": "Ola", "telegram_user_id": 4242, **cli_change}
    with pytest.raises(RazemError) as refused_by_cli:
        partners.add_staff(console.storage.session_factory, "sip", **arguments)
    assert refused_by_cli.value.code == code

    make_account(console.storage, "c@example.org", ConsoleRole.COORDINATOR)
    client, csrf = _client(console, "c@example.org")
    form = {"display_name": "Ola", "telegram_user_id": "4242", "role": "staff", **form_change}
    refused = client.post("/partners/sip/staff", data={**form, "csrf": csrf})
    assert refused.status_code == 303
    page = client.get(refused.headers["location"]).text.replace("&#39;", "'")
    assert _sentence(code, field) in page
    with console.storage.session_factory() as session:
        assert not session.scalars(select(StaffMember)).all()
