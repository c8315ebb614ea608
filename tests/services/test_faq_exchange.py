"""FAQ translation files: export one language, edit it in Poedit or a spreadsheet, import it
back as drafts; an import shows what would change and writes nothing until it is clean."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from typing import Any

import pytest
from babel.messages.pofile import read_po, write_po
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import Storage
from bot.services.faq_editing import Editable, EntryFields, Text, editable, overview, save
from bot.services.faq_exchange import (
    MAX_IMPORT_BYTES,
    NEEDS_UPDATE,
    Change,
    ImportPreview,
    ImportProblem,
    apply_import,
    export_csv,
    export_po,
    preview_import,
)
from bot.storage.models import FaqRevision, FaqTranslation

Factory = sessionmaker[Session]
SLUG = "free-legal-aid"
FIELDS = ("question", "variants", "answer")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def factory(seeded: Storage) -> Factory:
    return seeded.session_factory


def snapshot(factory: Factory) -> tuple[dict[str, Editable | None], int]:
    """Everything the edit pages show, and how many revisions were ever saved."""
    pages = {s.slug: editable(factory, s.id) for s in overview(factory, "pl")}
    with factory() as session:
        revisions = session.scalar(select(func.count(FaqRevision.id)))
    return pages, revisions or 0


def page(factory: Factory, slug: str) -> Editable:
    found = next(s for s in overview(factory, "pl") if s.slug == slug)
    result = editable(factory, found.id)
    assert result is not None
    return result


def edit_po(data: bytes, edits: dict[str, str], *, fuzzy: frozenset[str] = frozenset()) -> bytes:
    """What Poedit does: change some msgstr (and mark some fuzzy), save the catalog."""
    catalog = read_po(io.BytesIO(data))
    for message in catalog:
        if message.context in edits:
            message.string = edits[message.context]
        if message.context in fuzzy:
            message.flags.add("fuzzy")
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    return buffer.getvalue()


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def edit_csv(text: str, edits: dict[tuple[str, str], str]) -> bytes:
    """What a spreadsheet does: change some cells of the translation column, save."""
    rows = csv_rows(text)
    for row in rows[1:]:
        if (row[0], row[1]) in edits:
            row[3] = edits[(row[0], row[1])]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def line_of(data: bytes | str, needle: str) -> int:
    text = data.decode() if isinstance(data, bytes) else data
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


def po_line(data: bytes, context: str) -> int:
    """Babel's line of a message: its msgid, right under the msgctxt."""
    return line_of(data, f'msgctxt "{context}"') + 1


def assert_refused(
    factory: Factory, language: str, data: bytes, fmt: Any, expected: list[ImportProblem]
) -> None:
    before = snapshot(factory)
    preview = preview_import(factory, language, data, fmt)
    assert list(preview.problems) == expected
    assert not preview.ok
    applied = apply_import(factory, language, data, fmt, "volunteer")
    assert applied.problems == preview.problems
    assert snapshot(factory) == before


def add_entry(factory: Factory, slug: str, texts: dict[str, Text]) -> int:
    saved = save(
        factory,
        None,
        EntryFields(slug, "legal", "legal_residence", "pl"),
        texts,
        "coordinator",
        publish=False,
    )
    assert saved.problems == {} and saved.entry_id is not None
    return saved.entry_id


LINKED_PL = Text(
    "Gdzie jest urząd w {city}?",
    ("urząd {city} adres",),
    'Urząd w {city}: <a href="https://www.gov.pl/web/udsc">UdSC</a>.\n',
)
LINKED_UK = Text(
    "Де управління в {city}?",
    ("управління {city} адреса",),
    'Управління в {city}: <a href="https://www.gov.pl/web/udsc">UdSC</a>.\n',
)


# --- export -------------------------------------------------------------------------------


def test_the_po_export_pairs_the_source_text_with_the_current_translation(
    factory: Factory,
) -> None:
    data = export_po(factory, "uk")
    catalog = read_po(io.BytesIO(data))
    assert catalog.locale_identifier == "uk" and not catalog.fuzzy
    messages = {m.context: m for m in catalog if m.context}
    entries = overview(factory, "pl")
    assert set(messages) == {f"{e.slug}:{f}" for e in entries for f in FIELDS}
    current = page(factory, SLUG).texts
    question = messages[f"{SLUG}:question"]
    assert (question.id, question.string) == (current["pl"].question, current["uk"].question)
    variants = messages[f"{SLUG}:variants"]
    assert variants.id == "\n".join(current["pl"].variants)
    assert variants.string == "\n".join(current["uk"].variants)
    answer = messages[f"{SLUG}:answer"]
    assert (answer.id, answer.string) == (current["pl"].answer, current["uk"].answer)
    assert answer.user_comments == ["category: legal"]


def test_the_export_shows_drafts_missing_translations_and_needed_updates(
    factory: Factory,
) -> None:
    add_entry(factory, "only-polish", {"pl": LINKED_PL})
    entry = page(factory, SLUG)
    # A draft in Ukrainian; the Polish source changes (published) after it.
    draft = replace(entry.texts["uk"], question="Чернетка питання?")
    assert not save(factory, entry.id, entry.fields, {"uk": draft}, "c", publish=False).problems
    source = replace(entry.texts["pl"], question="Nowe pytanie?")
    assert not save(factory, entry.id, entry.fields, {"pl": source}, "c", publish=True).problems

    messages = {m.context: m for m in read_po(io.BytesIO(export_po(factory, "uk"))) if m.context}
    question = messages[f"{SLUG}:question"]
    assert (question.id, question.string) == ("Nowe pytanie?", "Чернетка питання?")
    assert question.user_comments == ["category: legal", NEEDS_UPDATE]
    assert messages["only-polish:answer"].string == ""
    assert messages["only-polish:answer"].id == LINKED_PL.answer
    assert messages["only-polish:answer"].user_comments == ["category: legal"]

    rows = {(r[0], r[1]): r for r in csv_rows(export_csv(factory, "uk"))}
    assert rows[("slug", "field")] == ["slug", "field", "source", "translation"]
    assert rows[(SLUG, "question")] == [SLUG, "question", "Nowe pytanie?", "Чернетка питання?"]
    assert rows[("only-polish", "variants")][2:] == ["urząd {city} adres", ""]


# --- round trips --------------------------------------------------------------------------


def assert_only_changed(
    before: tuple[dict[str, Editable | None], int],
    after: tuple[dict[str, Editable | None], int],
    language: str,
    **changed: Any,
) -> None:
    pages_before, revisions_before = before
    pages_after, revisions_after = after
    old, new = pages_before[SLUG], pages_after[SLUG]
    assert old is not None and new is not None
    assert new.texts[language] == replace(old.texts[language], **changed)
    assert new.texts[language] != old.texts[language]
    new.texts[language] = old.texts[language]
    assert pages_after == pages_before  # every other text, field and state as it was
    assert revisions_after == revisions_before + 1


def assert_draft_beside_live(factory: Factory, language: str, live: Text) -> None:
    with factory() as session:
        translation = session.scalars(
            select(FaqTranslation).where(FaqTranslation.language == language)
            .where(FaqTranslation.entry.has(slug=SLUG))
        ).one()  # fmt: skip
        assert translation.draft is not None  # waits for a coordinator to publish it
        assert Text.of(translation) == live
        revision = session.scalars(select(FaqRevision).order_by(FaqRevision.id.desc())).first()
        assert revision is not None
        assert (revision.author, revision.action, revision.language) == ("anna", "draft", language)


def test_a_po_round_trip_changes_exactly_the_edited_string_as_a_draft(factory: Factory) -> None:
    before = snapshot(factory)
    live = page(factory, SLUG).texts["uk"]
    new_answer = "Нова відповідь про <b>безкоштовну</b> допомогу.\n• Пункт перший.\n"
    data = edit_po(export_po(factory, "uk"), {f"{SLUG}:answer": new_answer})

    preview = preview_import(factory, "uk", data, "po")
    assert preview == ImportPreview("uk", (Change(SLUG, "answer", live.answer, new_answer),), ())
    assert preview.ok
    assert snapshot(factory) == before  # a preview writes nothing

    applied = apply_import(factory, "uk", data, "po", "anna")
    assert applied == preview
    assert_only_changed(before, snapshot(factory), "uk", answer=new_answer)
    assert_draft_beside_live(factory, "uk", live)
    # The same file again: nothing left to change.
    assert preview_import(factory, "uk", data, "po") == ImportPreview("uk", (), ())


def test_a_csv_round_trip_changes_exactly_the_edited_string_as_a_draft(factory: Factory) -> None:
    before = snapshot(factory)
    live = page(factory, SLUG).texts["ru"]
    data = edit_csv(
        export_csv(factory, "ru"),
        {(SLUG, "variants"): "бесплатный юрист\n\n  нужна консультация юриста  \n"},
    )

    preview = preview_import(factory, "ru", data, "csv")
    expected = Change(
        SLUG, "variants", "\n".join(live.variants), "бесплатный юрист\nнужна консультация юриста"
    )
    assert preview == ImportPreview("ru", (expected,), ())
    assert snapshot(factory) == before

    assert apply_import(factory, "ru", data, "csv", "anna") == preview
    assert_only_changed(
        before, snapshot(factory), "ru", variants=("бесплатный юрист", "нужна консультация юриста")
    )
    assert_draft_beside_live(factory, "ru", live)


@pytest.mark.parametrize("fmt", ["po", "csv"])
def test_an_unchanged_file_changes_nothing(factory: Factory, fmt: Any) -> None:
    before = snapshot(factory)
    data = export_po(factory, "en") if fmt == "po" else export_csv(factory, "en").encode()
    assert preview_import(factory, "en", data, fmt) == ImportPreview("en", (), ())
    assert apply_import(factory, "en", data, fmt, "anna") == ImportPreview("en", (), ())
    assert snapshot(factory) == before


def test_empty_translations_and_spreadsheet_line_endings_change_nothing(factory: Factory) -> None:
    before = snapshot(factory)
    # Emptied: "no translation", never a deletion.
    contexts = [m.context for m in read_po(io.BytesIO(export_po(factory, "uk"))) if m.context]
    emptied = edit_po(export_po(factory, "uk"), dict.fromkeys(contexts, ""))
    assert preview_import(factory, "uk", emptied, "po") == ImportPreview("uk", (), ())
    # Saved by a spreadsheet: CRLF everywhere, a byte order mark, semicolons.
    text = export_csv(factory, "uk").replace("\r\n", "\n")
    crlf = ("\ufeff" + text.replace("\n", "\r\n")).encode()
    assert preview_import(factory, "uk", crlf, "csv") == ImportPreview("uk", (), ())
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(csv_rows(text))
    semicolons = buffer.getvalue().encode()
    assert preview_import(factory, "uk", semicolons, "csv") == ImportPreview("uk", (), ())
    assert apply_import(factory, "uk", semicolons, "csv", "anna") == ImportPreview("uk", (), ())
    assert snapshot(factory) == before


def test_a_translation_for_a_language_with_no_text_yet(factory: Factory) -> None:
    add_entry(factory, "only-polish", {"pl": LINKED_PL})
    data = export_po(factory, "en")
    only_question = edit_po(data, {"only-polish:question": "Where is the office in {city}?"})
    line = po_line(only_question, "only-polish:question")
    # Without an answer the console would refuse it: so does the preview.
    assert_refused(factory, "en", only_question, "po", [ImportProblem(line, "empty", "answer")])

    english = Text(
        "Where is the office in {city}?",
        ("office {city} address",),
        'The office in {city}: <a href="https://www.gov.pl/web/udsc">UdSC</a>.\n',
    )
    complete = edit_po(
        data,
        {
            "only-polish:question": english.question,
            "only-polish:variants": english.variants[0],
            "only-polish:answer": english.answer,
        },
    )
    applied = apply_import(factory, "en", complete, "po", "anna")
    assert applied.ok and [c.field for c in applied.changes] == ["question", "variants", "answer"]
    assert page(factory, "only-polish").texts["en"] == english


# --- refused files ------------------------------------------------------------------------


def test_a_file_for_another_language_is_refused(factory: Factory) -> None:
    data = export_po(factory, "uk")
    line = line_of(data, '"Language: uk')
    assert_refused(factory, "ru", data, "po", [ImportProblem(line, "wrong_language", "uk")])


@pytest.mark.parametrize(
    ("fmt", "data", "expected"),
    [
        ("po", b"GIF89a this is not a catalog\n", ImportProblem(1, "not_po", "")),
        ("po", b'msgid "a"\nmsgstr "b"\n"stray"\nnonsense\n', ImportProblem(4, "not_po", "")),
        ("csv", b"hello,world\n1,2\n", ImportProblem(1, "not_csv", "")),
        (
            "csv",
            b'slug,field,source,translation\na,b,"c\x00d",e\n',
            ImportProblem(2, "not_csv", ""),
        ),
        (
            "csv",
            b'slug,field,source,translation\na,b,c,"d"e\n',
            ImportProblem(2, "not_csv", ""),
        ),
        ("po", b'msgid ""\nmsgstr ""\n"Language: uk\\n"\n\x00', ImportProblem(4, "not_po", "")),
        ("po", b"\xff\xfe\x00m\x00s\x00g", ImportProblem(1, "encoding", "not UTF-8")),
        ("csv", b"slug,field\na,\xe9t\xe9\n", ImportProblem(2, "encoding", "not UTF-8")),
        ("po", b"#" * (MAX_IMPORT_BYTES + 1), ImportProblem(0, "too_large", str(MAX_IMPORT_BYTES))),
        (
            "csv",
            b"," * (MAX_IMPORT_BYTES + 1),
            ImportProblem(0, "too_large", str(MAX_IMPORT_BYTES)),
        ),
    ],
)
def test_unreadable_files_are_refused(
    factory: Factory, fmt: Any, data: bytes, expected: ImportProblem
) -> None:
    before = snapshot(factory)
    preview = preview_import(factory, "uk", data, fmt)
    assert [(p.line, p.code) for p in preview.problems] == [(expected.line, expected.code)]
    if expected.detail:
        assert preview.problems[0].detail == expected.detail
    assert preview.changes == () and not preview.ok
    assert apply_import(factory, "uk", data, fmt, "anna") == preview
    assert snapshot(factory) == before


def test_a_catalog_saved_in_another_encoding_names_the_first_bad_line(factory: Factory) -> None:
    text = export_po(factory, "uk").decode()
    data = text.encode("cp1251", errors="replace")
    # Polish letters cp1251 lacks became "?": the first line it cannot be is Ukrainian.
    first = next(n for n, line in enumerate(data.split(b"\n"), 1) if not line.isascii())
    assert_refused(factory, "uk", data, "po", [ImportProblem(first, "encoding", "not UTF-8")])


def test_an_unknown_entry_is_named_by_its_line(factory: Factory) -> None:
    exported = export_po(factory, "uk").decode()
    renamed = exported.replace(f'msgctxt "{SLUG}:question"', 'msgctxt "no-such-entry:question"')
    po = renamed.replace('msgctxt "shelter-tonight:answer"', 'msgctxt "shelter-tonight:body"')
    data = po.encode()
    assert_refused(
        factory,
        "uk",
        data,
        "po",
        sorted(
            [
                ImportProblem(
                    po_line(data, "no-such-entry:question"), "unknown_entry", "no-such-entry"
                ),
                ImportProblem(
                    po_line(data, "shelter-tonight:body"), "bad_field", "shelter-tonight:body"
                ),
            ],
            key=lambda p: p.line,
        ),
    )

    table = export_csv(factory, "uk").replace(f"\n{SLUG},answer,", "\nno-such-entry,answer,")
    line = line_of(table, "no-such-entry,answer,")
    assert_refused(
        factory,
        "uk",
        table.encode(),
        "csv",
        [ImportProblem(line, "unknown_entry", "no-such-entry")],
    )


def test_a_lost_placeholder_or_a_changed_link_is_refused(factory: Factory) -> None:
    add_entry(factory, "office-links", {"pl": LINKED_PL, "uk": LINKED_UK})
    data = export_po(factory, "uk")

    no_placeholder = edit_po(data, {"office-links:question": "Де управління у вашому місті?"})
    line = po_line(no_placeholder, "office-links:question")
    assert_refused(
        factory, "uk", no_placeholder, "po", [ImportProblem(line, "placeholder", "missing {city}")]
    )

    other_link = LINKED_UK.answer.replace("https://www.gov.pl/web/udsc", "https://example.com/")
    changed_link = edit_po(data, {"office-links:answer": other_link})
    line = po_line(changed_link, "office-links:answer")
    assert_refused(
        factory,
        "uk",
        changed_link,
        "po",
        [
            ImportProblem(line, "placeholder", "missing https://www.gov.pl/web/udsc"),
            ImportProblem(line, "placeholder", "unexpected https://example.com/"),
        ],
    )

    table = edit_csv(export_csv(factory, "uk"), {("office-links", "answer"): other_link})
    line = line_of(table, "office-links,answer,")
    assert preview_import(factory, "uk", table, "csv").problems[0] == ImportProblem(
        line, "placeholder", "missing https://www.gov.pl/web/udsc"
    )

    # New words around the same placeholder and link are fine.
    reworded = LINKED_UK.answer.replace("Управління в", "Офіс у")
    fine = edit_po(data, {"office-links:answer": reworded})
    assert apply_import(factory, "uk", fine, "po", "anna").changes == (
        Change("office-links", "answer", LINKED_UK.answer, reworded),
    )


def test_a_fuzzy_entry_is_reported_and_not_imported(factory: Factory) -> None:
    data = export_po(factory, "uk")
    edited = edit_po(
        data,
        {f"{SLUG}:question": "Неперевірений переклад?"},
        # Fuzzy but unchanged: nothing would be imported from it, so nothing to report.
        fuzzy=frozenset({f"{SLUG}:question", "shelter-tonight:answer"}),
    )
    line = po_line(edited, f"{SLUG}:question")
    assert_refused(factory, "uk", edited, "po", [ImportProblem(line, "fuzzy", f"{SLUG}:question")])


def test_broken_markup_and_overlong_text_are_refused(factory: Factory) -> None:
    data = export_po(factory, "uk")
    script = edit_po(data, {f"{SLUG}:answer": "Відповідь <script>alert(1)</script>\n"})
    line = po_line(script, f"{SLUG}:answer")
    # <script> and </script>: two unknown tags.
    problem = ImportProblem(line, "markup", "unknown_tag")
    assert_refused(factory, "uk", script, "po", [problem, problem])

    long = edit_csv(export_csv(factory, "uk"), {(SLUG, "question"): "Я" * 301})
    line = line_of(long, f"{SLUG},question,")
    assert_refused(factory, "uk", long, "csv", [ImportProblem(line, "too_long", "question: 300")])


def test_one_bad_string_keeps_the_good_ones_out_too(factory: Factory) -> None:
    data = edit_po(
        export_po(factory, "uk"),
        {
            f"{SLUG}:question": "Гарний новий переклад?",
            "shelter-tonight:answer": "<b>незакритий тег\n",
        },
    )
    preview = preview_import(factory, "uk", data, "po")
    assert len(preview.changes) == 2
    assert preview.problems == (
        ImportProblem(po_line(data, "shelter-tonight:answer"), "markup", "unclosed_tag"),
    )
    before = snapshot(factory)
    assert apply_import(factory, "uk", data, "po", "anna") == preview
    assert snapshot(factory) == before


# --- spreadsheets and formulas ------------------------------------------------------------


def test_the_csv_formula_guard_round_trips(factory: Factory) -> None:
    entry = page(factory, SLUG)
    risky = Text(
        '=HYPERLINK("https://example.com")',
        ("'=already quoted", "+48 123 456 789 юрист"),
        "- перший пункт\n- другий пункт\n",
    )
    assert not save(factory, entry.id, entry.fields, {"uk": risky}, "c", publish=False).problems

    table = export_csv(factory, "uk")
    for row in csv_rows(table):
        assert not any(cell.startswith(FORMULA_START) for cell in row), row
    rows = {(r[0], r[1]): r[3] for r in csv_rows(table)}
    assert rows[(SLUG, "question")] == "'" + risky.question
    assert rows[(SLUG, "variants")] == "''=already quoted\n+48 123 456 789 юрист"
    assert rows[(SLUG, "answer")] == "'" + risky.answer

    before = snapshot(factory)
    assert preview_import(factory, "uk", table.encode(), "csv") == ImportPreview("uk", (), ())
    # A spreadsheet keeps the apostrophe of an edited cell too; it is not part of the text.
    edited = edit_csv(table, {(SLUG, "answer"): "'- новий пункт\n- другий пункт\n"})
    preview = apply_import(factory, "uk", edited, "csv", "anna")
    new_answer = "- новий пункт\n- другий пункт\n"
    assert preview.changes == (Change(SLUG, "answer", risky.answer, new_answer),)
    assert_only_changed(before, snapshot(factory), "uk", answer=new_answer)
    # A plain apostrophe at the start of a text is left alone.
    quoted = edit_csv(table, {(SLUG, "answer"): "'Цитата' на початку\n"})
    assert preview_import(factory, "uk", quoted, "csv").changes[0].after == "'Цитата' на початку\n"
