"""`razem seed`: the nine partners, routing rules and FAQ, loaded idempotently."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from bot.bootstrap import Storage
from bot.domain import LANGUAGES, FaqStatus
from bot.errors import DataError
from bot.seed.loader import read_seed_data, seed
from bot.storage.models import FaqEntry, FaqRevision, FaqTranslation, Partner, RoutingRule
from tests.conftest import REPO

ORGANISATIONS = {
    "sip",
    "nomada",
    "amnesty",
    "mip",
    "nasz-wybor",
    "pfm",
    "hfhr",
    "polska-goscinnosc",
    "homo-faber",
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


def count(storage: Storage, model: type) -> int:
    with storage.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_seeding_twice_leaves_the_same_rows(storage: Storage, data_dir: Path) -> None:
    data = read_seed_data(data_dir)
    first = seed(storage.session_factory, data)
    assert first.partners.created == 10
    assert first.faq.created == len(data.faq.entries) >= 15

    second = seed(storage.session_factory, read_seed_data(data_dir))
    assert (second.partners.created, second.partners.updated) == (0, 0)
    assert (second.faq.created, second.faq.updated, second.rules.created) == (0, 0, 0)
    assert second.partners.unchanged == 10

    with storage.session_factory() as session:
        slugs = set(session.scalars(select(Partner.slug).where(Partner.is_fallback.is_(False))))
        fallback = session.scalars(select(Partner).where(Partner.is_fallback)).one()
        entries = session.scalars(select(FaqEntry)).all()
        revisions = session.scalar(select(func.count()).select_from(FaqRevision))
    assert slugs == ORGANISATIONS
    assert fallback.slug == "consortium" and fallback.takes_cases
    assert len(entries) == len(data.faq.entries)
    assert count(storage, FaqTranslation) == 4 * len(entries)
    assert revisions == 4 * len(entries)  # no new revisions on an unchanged re-seed
    assert count(storage, RoutingRule) == len(data.routing.rules)
    assert all(e.status == FaqStatus.DRAFT for e in entries)
    assert all(e.review_note == "needs partner lawyer review" for e in entries)


def test_amnesty_takes_no_cases_and_no_rule_routes_to_it(data_dir: Path) -> None:
    data = read_seed_data(data_dir)
    amnesty = next(p for p in data.partners.partners if p.slug == "amnesty")
    assert not amnesty.takes_cases
    assert all("amnesty" not in rule.partners for rule in data.routing.rules)


def test_every_faq_entry_is_in_four_languages_with_ways_of_asking(data_dir: Path) -> None:
    data = read_seed_data(data_dir)
    kinds = {entry.category for entry in data.faq.entries}
    assert kinds == {"legal", "psychological", "social"}
    for entry in data.faq.entries:
        assert set(entry.translations) == set(LANGUAGES)
        for translation in entry.translations.values():
            assert len(translation.variants) >= 3


def test_a_coordinators_edit_survives_a_reseed_unless_forced(
    storage: Storage, data_dir: Path
) -> None:
    data = read_seed_data(data_dir)
    seed(storage.session_factory, data)
    with storage.session_factory.begin() as session:
        partner = session.scalars(select(Partner).where(Partner.slug == "sip")).one()
        partner.contact = "ul. Przykładowa 1"  # not a seeded field: no conflict
        partner.languages = ["pl", "en"]
        entry = session.scalars(select(FaqEntry).order_by(FaqEntry.id)).first()
        assert entry is not None
        entry.translations[0].answer = "Edited by a coordinator."
        edited_slug = entry.slug

    report = seed(storage.session_factory, read_seed_data(data_dir))
    assert report.partners.kept_edits == ["sip"]
    assert report.faq.kept_edits == [edited_slug]
    with storage.session_factory() as session:
        partner = session.scalars(select(Partner).where(Partner.slug == "sip")).one()
        assert partner.languages == ["pl", "en"]

    forced = seed(storage.session_factory, read_seed_data(data_dir), force=True)
    assert forced.partners.updated == 1 and forced.faq.updated == 1
    with storage.session_factory() as session:
        partner = session.scalars(select(Partner).where(Partner.slug == "sip")).one()
        assert partner.languages == ["pl", "en", "ru", "uk"]
        assert partner.contact == "ul. Przykładowa 1"


def test_a_changed_seed_file_updates_unedited_rows(storage: Storage, data_dir: Path) -> None:
    seed(storage.session_factory, read_seed_data(data_dir))
    path = data_dir / "partners.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Homo Faber Association", "Homo Faber")
    )
    report = seed(storage.session_factory, read_seed_data(data_dir))
    assert (report.partners.updated, report.partners.kept_edits) == (1, [])


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "partners.yml",
            "  - slug: mip\n",
            "  - slug: MIP!\n",
            r"partners\.yml:\d+: partners\[3\]\.slug: ",
        ),
        (
            "partners.yml",
            "kinds: [legal, social]\n",
            "kinds: legal\n",
            r"partners\.yml:\d+: partners\[0\]\.kinds",
        ),
        ("routing.yml", "partners: [mip]", "partners: [nobody]", "unknown partner 'nobody'"),
        ("routing.yml", "partners: [mip]", "partners: [amnesty]", "takes no individual cases"),
        ("faq.yml", "version: 1", "version: 1\n  bad: [", r"faq\.yml:\d+: invalid YAML"),
        (
            "faq.yml",
            "    translations:\n",
            "    translations_typo:\n",
            r"faq\.yml:\d+: entries\[0\]",
        ),
    ],
)
def test_malformed_data_is_refused_naming_file_line_and_field(
    storage: Storage, data_dir: Path, file: str, old: str, new: str, expected: str
) -> None:
    path = data_dir / file
    original = path.read_text(encoding="utf-8")
    assert old in original
    path.write_text(original.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_seed_data(data_dir)
    assert re.search(expected, error.value.message), error.value.message
    assert "\n" not in error.value.message
    assert count(storage, Partner) == 0  # nothing half-loaded


def test_the_line_named_is_the_line_of_the_bad_field(data_dir: Path) -> None:
    path = data_dir / "partners.yml"
    original = path.read_text(encoding="utf-8")
    line = original[: original.index("  - slug: mip")].count("\n") + 1
    path.write_text(original.replace("  - slug: mip", "  - slug: MIP!", 1), encoding="utf-8")
    with pytest.raises(DataError, match=rf"partners\.yml:{line}: partners\[3\]\.slug"):
        read_seed_data(data_dir)


def test_a_faq_answer_with_unsafe_markup_is_refused(data_dir: Path) -> None:
    path = data_dir / "faq.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["entries"][2]["translations"]["ru"]["answer"] += " <script>alert(1)</script>"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match=r"entries\[2\]\.translations\.ru\.answer: .*<b>"):
        read_seed_data(data_dir)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"partners\.yml: file not found"):
        read_seed_data(tmp_path)
