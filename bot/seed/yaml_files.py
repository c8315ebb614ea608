"""Read a YAML file and validate it, naming the file, line and field on error."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.errors import DataError

Model = TypeVar("Model", bound=BaseModel)

MAX_DATA_FILE_BYTES = 5_000_000


def load_validated(path: Path, model: type[Model]) -> Model:
    """Parse ``path`` as YAML and validate it as ``model``.

    Errors name the file, the line and the field: ``data/faq.yml:42: entries[3].slug: …``.
    """
    try:
        if path.stat().st_size > MAX_DATA_FILE_BYTES:
            raise DataError(f"{path}: larger than {MAX_DATA_FILE_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise DataError(f"{path}:{line}: invalid YAML: {exc.problem}") from None
    if not isinstance(data, dict):
        raise DataError(f"{path}:1: expected a mapping at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        line = _line_of(node, loc)
        field = _format_loc(loc)
        # The code is the record's problem code (bot/services/records.py), the same one
        # the console translates for the same mistake.
        raise DataError(f"{path}:{line}: {field}: {error['msg']}", code=error["type"]) from None


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the deepest node along ``loc`` that exists."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"
