"""Read Rasa 3.x NLU YAML (nlu/data/*.yml) into labelled examples.

Malformed data stops training with a message naming the file and line, unlike
Rasa, which skips blocks it does not understand.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from nlu.errors import NluDataError
from nlu.labels import INTENT_CATEGORY, LANGUAGES


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    language: str
    urgent: bool

    @property
    def category(self) -> str:
        return INTENT_CATEGORY[self.intent]


def read_rasa_file(path: Path, language: str | None = None) -> list[Example]:
    """Examples of one Rasa YAML file; the language comes from the file name (uk.yml)."""
    language = language or path.stem.split("_")[0]
    if language not in LANGUAGES:
        raise NluDataError(f"{path}: file name must start with a language code {LANGUAGES}")
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        raise NluDataError(f"{path}: not UTF-8 text") from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise NluDataError(f"{path}:{line}: invalid YAML: {exc.problem}") from None
    if not isinstance(root, yaml.MappingNode):
        raise NluDataError(f"{path}:1: expected a Rasa NLU file with version and nlu")
    top = {key.value: value for key, value in root.value}
    version = top.get("version")
    if version is None or not str(version.value).startswith("3"):
        raise NluDataError(f'{path}:1: expected version: "3.1"')
    blocks = top.get("nlu")
    if not isinstance(blocks, yaml.SequenceNode):
        raise NluDataError(f"{path}:1: expected a list under nlu:")
    return list(_examples(path, blocks, language))


def _examples(path: Path, blocks: yaml.SequenceNode, language: str) -> Iterator[Example]:
    for block in blocks.value:
        line = block.start_mark.line + 1
        if not isinstance(block, yaml.MappingNode):
            raise NluDataError(f"{path}:{line}: expected '- intent: NAME'")
        fields = {key.value: value for key, value in block.value}
        if "intent" not in fields:
            continue  # synonyms, lookups and regexes are valid Rasa but not ours to read
        intent = fields["intent"].value
        if intent not in INTENT_CATEGORY:
            raise NluDataError(f"{path}:{line}: unknown intent {intent!r} (see nlu/labels.py)")
        urgent = _urgent(path, fields.get("metadata"))
        examples = fields.get("examples")
        if examples is None or not isinstance(examples.value, str):
            raise NluDataError(f"{path}:{line}: intent {intent}: expected 'examples: |'")
        first = examples.start_mark.line + 1
        for offset, raw in enumerate(examples.value.splitlines()):
            stripped = raw.strip()
            if not stripped:
                continue
            if not stripped.startswith("- ") or len(stripped) < 3:
                where = first + offset + (1 if examples.style == "|" else 0)
                raise NluDataError(
                    f"{path}:{where}: example must start with '- ': {stripped[:40]!r}"
                )
            yield Example(stripped[2:].strip(), intent, language, urgent)


def _urgent(path: Path, metadata: yaml.Node | None) -> bool:
    if metadata is None:
        return False
    if not isinstance(metadata, yaml.MappingNode):
        raise NluDataError(f"{path}:{metadata.start_mark.line + 1}: metadata must be a mapping")
    fields = {key.value: value.value for key, value in metadata.value}
    value = fields.get("urgent", "false")
    if value not in ("true", "false"):
        raise NluDataError(f"{path}:{metadata.start_mark.line + 1}: urgent must be true or false")
    return bool(value == "true")


def read_training_data(data_dir: Path) -> list[Example]:
    """All examples under ``data_dir`` (every *.yml), with duplicates removed."""
    files = sorted(data_dir.glob("*.yml"))
    if not files:
        raise NluDataError(f"{data_dir}: no training files (*.yml)")
    return dedupe(example for path in files for example in read_rasa_file(path))


def dedupe(examples: Iterable[Example]) -> list[Example]:
    seen: set[tuple[str, str]] = set()
    out: list[Example] = []
    for example in examples:
        key = (example.text.casefold(), example.intent)
        if key not in seen:
            seen.add(key)
            out.append(example)
    return out
