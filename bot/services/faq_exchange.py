"""Volunteer translators and the FAQ: export one language, edit it elsewhere, import it back.

Translators work in Poedit or Weblate (a gettext PO catalog) or in a spreadsheet (CSV).
Every entry gives three strings: its question, the ways people ask (one per line) and its
answer, each next to the entry's source-language text. An import is checked and compared
with the current texts first (``preview_import``) and changes nothing; ``apply_import``
then saves the changed texts of that one language as drafts, which a coordinator reviews
and publishes in the console. An empty translation never deletes anything.

"Current text" is what the console's edit page shows: the pending draft, else the live text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, write_po
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.domain import LANGUAGES
from bot.services.faq_editing import EntryFields, Text, editable, overview, save, validate
from bot.services.faq_markup import MarkupProblem
from bot.storage.models import FaqEntry
from bot.storage.types import utcnow

MAX_IMPORT_BYTES = 1_000_000
FIELDS = ("question", "variants", "answer")
CSV_COLUMNS = ("slug", "field", "source", "translation")
NEEDS_UPDATE = "needs update: the source text changed"

Format = Literal["po", "csv"]

# A spreadsheet runs a cell starting with = + - @ tab or CR as a formula: such cells get an
# apostrophe in front, and so do cells with apostrophes before one of these (so that a text
# which really starts with "'=" comes back unchanged too).
_GUARDED = re.compile(r"'*[=+\-@\t\r]")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_LINK = re.compile(r"""<\s*a\s+href\s*=\s*"([^"]*)\"""", re.IGNORECASE)
_BOM = b"\xef\xbb\xbf"
_EMPTY = Text("", (), "")


@dataclass(frozen=True)
class Change:
    slug: str
    field: str  # question | variants | answer (variants: one per line)
    before: str
    after: str


@dataclass(frozen=True)
class ImportProblem:
    """One reason the file cannot be imported; ``line`` is 1-based in the uploaded file
    (0 when it concerns no line). Codes: too_large, not_po, not_csv, encoding,
    wrong_language, unknown_entry, bad_field, placeholder, markup (detail: the markup
    problem code), too_long, fuzzy; and from the console's checks e.g. empty (detail: the
    field), bad_choice."""

    line: int
    code: str
    detail: str


@dataclass(frozen=True)
class ImportPreview:
    language: str
    changes: tuple[Change, ...]
    problems: tuple[ImportProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


# --- export ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    """One string to translate: an entry's field, in the source language and the target."""

    slug: str
    category: str
    field: str
    source: str
    translation: str
    needs_update: bool


def _joined(text: Text, name: str) -> str:
    if name == "variants":
        return "\n".join(text.variants)
    value: str = getattr(text, name)
    return value


def _units(factory: sessionmaker[Session], language: str) -> list[_Unit]:
    _check_language(language)
    stale = {
        summary.slug: any(s.language == language and s.needs_update for s in summary.languages)
        for summary in overview(factory, language)
    }
    units = []
    with factory() as session:
        entries = session.scalars(
            select(FaqEntry).options(selectinload(FaqEntry.translations)).order_by(FaqEntry.slug)
        ).all()
        for entry in entries:
            current = {t.language: Text.of(t.draft or t) for t in entry.translations}
            source = current.get(entry.source_language, _EMPTY)
            target = current.get(language, _EMPTY)
            for name in FIELDS:
                source_text = _joined(source, name)
                if not source_text.strip():
                    continue  # nothing to translate (and an empty msgid is the PO header)
                units.append(
                    _Unit(
                        entry.slug,
                        entry.category,
                        name,
                        source_text,
                        _joined(target, name),
                        stale.get(entry.slug, False),
                    )
                )
    return units


def export_po(factory: sessionmaker[Session], language: str) -> bytes:
    """A gettext catalog of every entry in ``language``: msgctxt "slug:field", msgid the
    source-language text, msgstr the current translation (empty when there is none)."""
    now = utcnow()
    catalog = Catalog(
        locale=language,
        domain="faq",
        header_comment=(
            f"# Razem FAQ: translation into {language}.\n"
            "# Translate msgstr only; keep msgctxt, {placeholders} and link addresses as they are."
        ),
        project="Razem FAQ",
        version=now.strftime("%Y-%m-%d"),
        copyright_holder="Razem",
        last_translator="",
        language_team=language,
        charset="utf-8",
        creation_date=now,
        revision_date=now,
        fuzzy=False,
    )
    for unit in _units(factory, language):
        comments = [f"category: {unit.category}"]
        if unit.needs_update:
            comments.append(NEEDS_UPDATE)
        catalog.add(
            unit.source,
            unit.translation,
            user_comments=comments,
            context=f"{unit.slug}:{unit.field}",
        )
    buffer = io.BytesIO()
    write_po(buffer, catalog, ignore_obsolete=True, include_previous=False)
    return buffer.getvalue()


def export_csv(factory: sessionmaker[Session], language: str) -> str:
    """The same strings as ``export_po``, as CSV with columns slug, field, source, translation.

    Cells a spreadsheet would run as a formula start with an apostrophe; the import takes
    it off again. (Serve it with a UTF-8 byte order mark if Excel is to open it directly.)
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for unit in _units(factory, language):
        writer.writerow(
            [_csv_cell(v) for v in (unit.slug, unit.field, unit.source, unit.translation)]
        )
    return buffer.getvalue()


def _csv_cell(value: str) -> str:
    return "'" + value if _GUARDED.match(value) else value


def _csv_value(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and _GUARDED.match(cell, 1) else cell


# --- reading the files -------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """One translated string as the file gives it."""

    line: int
    slug: str
    field: str
    text: str
    fuzzy: bool = False


def _decode(data: bytes, fmt: Format) -> str | ImportProblem:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ImportProblem(data.count(b"\n", 0, exc.start) + 1, "encoding", "not UTF-8")
    if "\x00" in text:  # a binary file; and no database text may hold a NUL
        line = text.count("\n", 0, text.index("\x00")) + 1
        return ImportProblem(line, f"not_{fmt}", "NUL character")
    return text


def _split_context(line: int, context: str | None) -> tuple[str, str] | ImportProblem:
    slug, colon, name = (context or "").rpartition(":")
    if not colon or not slug:
        return ImportProblem(line, "bad_field", context or "no msgctxt")
    return slug, name


def _read_po(text: str, language: str) -> tuple[list[_Row], list[ImportProblem]]:
    try:
        catalog = read_po(io.StringIO(text), ignore_obsolete=True, abort_invalid=True)
    except PoFileError as exc:
        return [], [ImportProblem(exc.lineno + 1, "not_po", str(exc))]
    except Exception as exc:  # anything else Babel trips over in a file that is not PO
        return [], [ImportProblem(0, "not_po", f"{type(exc).__name__}: {exc}")]
    identifier = catalog.locale_identifier
    if not len(catalog) and identifier is None:
        return [], [ImportProblem(0, "not_po", "no messages")]
    found = (identifier or "").replace("-", "_").split("_")[0].lower()
    if found != language:
        return [], [ImportProblem(_header_line(text), "wrong_language", identifier or "")]
    rows: list[_Row] = []
    problems: list[ImportProblem] = []
    message: Message
    for message in catalog:
        if message.id == "" and message.context is None:
            continue  # the header
        line = message.lineno or 0
        split = _split_context(line, message.context)
        if isinstance(split, ImportProblem):
            problems.append(split)
            continue
        if message.pluralizable or not isinstance(message.string, str):
            problems.append(ImportProblem(line, "bad_field", f"{message.context} (plural)"))
            continue
        slug, name = split
        rows.append(_Row(line, slug, name, message.string, message.fuzzy))
    return rows, problems


def _header_line(text: str) -> int:
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip().startswith('"Language:'):
            return number
    return 1


def _read_csv(text: str) -> tuple[list[_Row], list[ImportProblem]]:
    first = text.split("\n", 1)[0]
    # A spreadsheet set to Polish saves with semicolons; some save with tabs.
    delimiter = next(
        (d for d in (",", ";", "\t") if {"slug", "field", "translation"} <= _names(first, d)),
        ",",
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[_Row] = []
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        if not {"slug", "field", "translation"} <= set(header):
            detail = "expected the columns " + ",".join(CSV_COLUMNS)
            return [], [ImportProblem(1, "not_csv", detail)]
        slug_at, field_at = header.index("slug"), header.index("field")
        translation_at = header.index("translation")
        while True:
            line = reader.line_num + 1  # where the next record starts
            record = next(reader, None)
            if record is None:
                break
            if not any(cell.strip() for cell in record):
                continue
            cells = [*record, *[""] * (len(header) - len(record))]
            slug = _csv_value(cells[slug_at]).strip()
            name = _csv_value(cells[field_at]).strip()
            rows.append(_Row(line, slug, name, _csv_value(cells[translation_at])))
    except csv.Error as exc:
        return [], [ImportProblem(reader.line_num, "not_csv", str(exc))]
    return rows, []


def _names(line: str, delimiter: str) -> set[str]:
    return {cell.strip().strip('"').strip().lower() for cell in line.split(delimiter)}


# --- comparing ---------------------------------------------------------------------------


@dataclass
class _Pending:
    """The new values of one entry's fields in the imported language."""

    entry_id: int
    slug: str
    lines: dict[str, int] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)

    def over(self, base: Text) -> Text:
        variants = self.values.get("variants")
        return Text(
            self.values.get("question", base.question),
            base.variants if variants is None else _variants(variants),
            self.values.get("answer", base.answer),
        )

    @property
    def first_line(self) -> int:
        return min(self.lines.values(), default=0)


@dataclass(frozen=True)
class _Current:
    entry_id: int
    source: Text
    target: Text


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _variants(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in _newlines(text).split("\n") if line.strip())


def _normalized(name: str, text: str) -> str:
    """The value to store: variants one per line, a question on its own, an answer as typed."""
    if name == "variants":
        return "\n".join(_variants(text))
    if name == "question":
        return _newlines(text).strip()
    return _newlines(text)


def _same(a: str, b: str) -> bool:
    return _newlines(a).strip() == _newlines(b).strip()


def _current_texts(factory: sessionmaker[Session], language: str) -> dict[str, _Current]:
    with factory() as session:
        entries = session.scalars(
            select(FaqEntry).options(selectinload(FaqEntry.translations))
        ).all()
        result = {}
        for entry in entries:
            current = {t.language: Text.of(t.draft or t) for t in entry.translations}
            result[entry.slug] = _Current(
                entry.id,
                current.get(entry.source_language, _EMPTY),
                current.get(language, _EMPTY),
            )
        return result


def _protected(source: str, translation: str, line: int) -> list[ImportProblem]:
    """{placeholders} and link addresses must come through the translation unchanged."""
    problems = []
    for pattern in (_PLACEHOLDER, _LINK):
        wanted, found = set(pattern.findall(source)), set(pattern.findall(translation))
        problems += [
            ImportProblem(line, "placeholder", f"missing {v}") for v in sorted(wanted - found)
        ]
        problems += [
            ImportProblem(line, "placeholder", f"unexpected {v}") for v in sorted(found - wanted)
        ]
    return problems


def _compare(
    factory: sessionmaker[Session], language: str, rows: Iterable[_Row]
) -> tuple[dict[str, _Pending], list[ImportProblem]]:
    current = _current_texts(factory, language)
    pending: dict[str, _Pending] = {}
    problems: list[ImportProblem] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if not row.text.strip():
            continue  # no translation: keep what there is
        entry = current.get(row.slug)
        if entry is None:
            problems.append(ImportProblem(row.line, "unknown_entry", row.slug))
            continue
        if row.field not in FIELDS:
            problems.append(ImportProblem(row.line, "bad_field", f"{row.slug}:{row.field}"))
            continue
        if (row.slug, row.field) in seen:
            problems.append(ImportProblem(row.line, "bad_field", f"{row.slug}:{row.field} again"))
            continue
        seen.add((row.slug, row.field))
        before = _joined(entry.target, row.field)
        after = _normalized(row.field, row.text)
        if _same(before, after):
            continue
        if row.fuzzy:
            problems.append(ImportProblem(row.line, "fuzzy", f"{row.slug}:{row.field}"))
            continue
        problems += _protected(_joined(entry.source, row.field), after, row.line)
        change = pending.setdefault(row.slug, _Pending(entry.entry_id, row.slug))
        change.lines[row.field] = row.line
        change.values[row.field] = after
        change.changes.append(Change(row.slug, row.field, before, after))
    return pending, problems


def _prepared(
    factory: sessionmaker[Session], language: str, change: _Pending
) -> tuple[EntryFields, Text] | ImportProblem:
    """The entry's fields and its new text in ``language``, as the edit page would send them."""
    found = editable(factory, change.entry_id)
    if found is None:
        return ImportProblem(change.first_line, "unknown_entry", change.slug)
    return found.fields, change.over(found.texts.get(language, _EMPTY))


def _problems_of(
    checked: dict[str, list[MarkupProblem]], change: _Pending, language: str
) -> list[ImportProblem]:
    """The console's checks (by form field name, e.g. ``answer_uk``) as import problems."""
    problems = []
    for name, found in checked.items():
        field_name = name.removesuffix(f"_{language}")
        line = (
            change.lines.get(field_name, change.first_line)
            if field_name in FIELDS and name.endswith(f"_{language}")
            else 0
        )
        for problem in found:
            if problem.code in ("too_long", "too_many"):
                problems.append(ImportProblem(line, "too_long", f"{field_name}: {problem.detail}"))
            elif problem.code in ("unknown_tag", "unclosed_tag", "stray_closing_tag", "bad_link"):
                problems.append(ImportProblem(line, "markup", problem.code))
            else:
                problems.append(ImportProblem(line, problem.code, field_name))
    return problems


def _preview(
    factory: sessionmaker[Session], language: str, data: bytes, fmt: Format
) -> tuple[ImportPreview, list[_Pending]]:
    _check_language(language)
    if fmt not in ("po", "csv"):
        raise ValueError(f"unknown format {fmt!r}")
    if len(data) > MAX_IMPORT_BYTES:
        problem = ImportProblem(0, "too_large", str(MAX_IMPORT_BYTES))
        return ImportPreview(language, (), (problem,)), []
    text = _decode(data, fmt)
    if isinstance(text, ImportProblem):
        return ImportPreview(language, (), (text,)), []
    rows, problems = _read_po(text, language) if fmt == "po" else _read_csv(text)
    if problems and not rows:
        return ImportPreview(language, (), tuple(problems)), []
    pending, found = _compare(factory, language, rows)
    problems += found
    for change in pending.values():
        prepared = _prepared(factory, language, change)
        if isinstance(prepared, ImportProblem):
            problems.append(prepared)
            continue
        fields, new_text = prepared
        problems += _problems_of(
            validate(fields, {language: new_text}, new=False), change, language
        )
    changes = tuple(c for change in pending.values() for c in change.changes)
    problems.sort(key=lambda p: p.line)
    return ImportPreview(language, changes, tuple(problems)), list(pending.values())


# --- import ------------------------------------------------------------------------------


def preview_import(
    factory: sessionmaker[Session], language: str, data: bytes, fmt: Format
) -> ImportPreview:
    """What importing ``data`` into ``language`` would change, and why it cannot; writes nothing."""
    return _preview(factory, language, data, fmt)[0]


def apply_import(
    factory: sessionmaker[Session], language: str, data: bytes, fmt: Format, author: str
) -> ImportPreview:
    """Check the file again and, when all is well, save the changed texts of ``language``
    as drafts (other languages stay as they are); returns what was saved.

    With any problem nothing is written. Each entry is saved on its own, as the console
    does, so a problem only ``save`` finds (someone deleted the entry meanwhile) leaves
    the entries before it saved: the returned changes are exactly those saved.
    """
    preview, pending = _preview(factory, language, data, fmt)
    if not preview.ok:
        return preview
    applied: list[Change] = []
    problems: list[ImportProblem] = []
    for change in pending:
        prepared = _prepared(factory, language, change)
        if isinstance(prepared, ImportProblem):
            problems.append(prepared)
            continue
        fields, new_text = prepared
        saved = save(factory, change.entry_id, fields, {language: new_text}, author, publish=False)
        if saved.problems:
            problems += _problems_of(saved.problems, change, language)
        else:
            applied += change.changes
    return ImportPreview(language, tuple(applied), tuple(problems))


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
