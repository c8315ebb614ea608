"""One schema per record that `razem seed`, the CLI and the console write: a partner, a
staff member, a routing rule, the text of an FAQ answer in one language.

The seed files and the console's forms are parsed into these models, so the same record
gets the same verdict, with the same problem code, wherever it comes from. A problem's
code is pydantic's error type (``string_too_long``, ``too_short``, ``enum``…) or one of
ours below; the seed prints the English message with the file and line, the console
translates the code in the page.

Checks that need other records (does the partner exist, does it take cases) live in
``check_targets`` and ``check_fallback``, given what the caller knows about partners.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from bot.domain import (
    PARTNER_STAFF_ROLES,
    SUBCATEGORY_CATEGORY,
    Category,
    City,
    HelpKind,
    Language,
    StaffRole,
)
from bot.services.faq_markup import (
    MAX_QUESTION,
    MAX_VARIANT,
    MAX_VARIANTS,
    check_answer,
    check_line,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]
# "faq:" + slug must fit Telegram's 64-byte callback data.
FAQ_SLUG = re.compile(r"^(?=.{3,56}$)[a-z0-9]+(-[a-z0-9]+)*$")
FaqSlug = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=3, max_length=56)
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
MAX_CAPACITY = 100_000
MAX_NOTE = 500

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One field of a record that cannot be saved: ``code`` picks the sentence shown."""

    field: str  # the first part of the location: the record's field name
    code: str
    message: str  # English, for the seed's one-line error and the log
    detail: str = ""  # what the sentence names, e.g. a partner's slug


def problems_of(error: ValidationError) -> list[Problem]:
    return [
        Problem(str(e["loc"][0]) if e["loc"] else "", e["type"], e["msg"]) for e in error.errors()
    ]


def parse(model: type[Model], data: Mapping[str, Any]) -> tuple[Model | None, list[Problem]]:
    """The record, or the problems that stop it being saved."""
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, problems_of(error)


class Record(BaseModel):
    # Enum fields keep their plain string value: rows and checksums store strings.
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)


def _unique(values: list[str], what: str) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise PydanticCustomError("duplicate", "{what} '{value}' is listed twice",
                                      {"what": what, "value": value})  # fmt: skip
        seen.add(value)
    return values


class PartnerRecord(Record):
    """What a coordinator may change about a partner organisation."""

    name_pl: Name
    name_en: Name
    # online and takes_cases come first: the checks of cities and kinds depend on them.
    online: bool = False
    takes_cases: bool = True
    cities: list[City] = Field(default_factory=list, validate_default=True)
    kinds: list[HelpKind] = Field(default_factory=list, validate_default=True)
    languages: list[Language] = Field(min_length=1)
    capacity: int | None = Field(default=None, ge=1, le=MAX_CAPACITY)
    contact: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    website: Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=300)] | None = (
        None
    )

    @field_validator("cities")
    @classmethod
    def _somewhere(cls, cities: list[str], info: ValidationInfo) -> list[str]:
        # Routing needs a place: a partner in no city and not online gets no case.
        if not cities and not info.data.get("online"):
            raise PydanticCustomError(
                "no_place", "choose a city, or mark the partner as working online"
            )
        return _unique(cities, "city")

    @field_validator("kinds")
    @classmethod
    def _some_help(cls, kinds: list[str], info: ValidationInfo) -> list[str]:
        # Amnesty takes no cases and offers no direct help: allowed. A partner that
        # takes cases must say which.
        if not kinds and info.data.get("takes_cases", True):
            raise PydanticCustomError("no_kind", "a partner that takes cases offers some help")
        return _unique(kinds, "kind")

    @field_validator("languages")
    @classmethod
    def _languages_once(cls, languages: list[str]) -> list[str]:
        return _unique(languages, "language")

    @field_validator("contact", "website", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class StaffMemberRecord(Record):
    """Someone on a partner's staff list, who may take its cases in the Telegram group."""

    display_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)
    ]
    # Telegram user ids fit in 52 bits (and in a JavaScript number).
    telegram_user_id: int | None = Field(default=None, gt=0, lt=2**53)
    role: StaffRole = Field(default=StaffRole.STAFF, validate_default=True)

    @field_validator("role")
    @classmethod
    def _partner_role(cls, role: str) -> str:
        if role not in PARTNER_STAFF_ROLES:
            raise PydanticCustomError("not_partner_role", "a partner's staff are staff or leads")
        return role


class RoutingRuleRecord(Record):
    """A rule: which partners' queues take the cases it matches (absent fields match all)."""

    category: Category | None = None
    subcategory: str | None = None
    city: City | None = None
    language: Language | None = None
    partners: list[Slug] = Field(min_length=1)
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE)] | None = (
        None
    )

    @field_validator("subcategory")
    @classmethod
    def _known_subcategory(cls, subcategory: str | None, info: ValidationInfo) -> str | None:
        if subcategory is None:
            return None
        category = SUBCATEGORY_CATEGORY.get(subcategory)
        if category is None:
            raise PydanticCustomError("unknown_subcategory", "no such subcategory")
        if info.data.get("category") not in (None, category):
            raise PydanticCustomError(
                "wrong_category", "subcategory '{subcategory}' is not in category '{category}'",
                {"subcategory": subcategory, "category": info.data.get("category")},
            )  # fmt: skip
        return subcategory

    @field_validator("partners")
    @classmethod
    def _partners_once(cls, partners: list[str]) -> list[str]:
        return _unique(partners, "partner")


def check_targets(rule: RoutingRuleRecord, takes_cases: Mapping[str, bool]) -> list[Problem]:
    """The rule's partners must exist and take cases; ``takes_cases`` maps every known
    partner's slug to whether it takes individual cases."""
    for slug in rule.partners:
        if slug not in takes_cases:
            return [Problem("partners", "unknown_partner", f"unknown partner '{slug}'", slug)]
        if not takes_cases[slug]:
            return [Problem("partners", "takes_no_cases", f"'{slug}' takes no individual cases",
                            slug)]  # fmt: skip
    return []


def check_fallback(partner: PartnerRecord, is_fallback: bool) -> list[Problem]:
    """The fallback queue catches every case no rule covers: it must take cases."""
    if is_fallback and not partner.takes_cases:
        return [Problem("takes_cases", "fallback_takes_cases",
                        "the fallback partner must take cases")]  # fmt: skip
    return []


def _line_problem(value: str, limit: int) -> str:
    if found := check_line(value, limit):
        raise PydanticCustomError(found[0].code, "empty or longer than {limit} characters",
                                  {"limit": limit})  # fmt: skip
    return value


class FaqTextRecord(Record):
    """An FAQ entry's words in one language; the answer's markup is checked by
    ``faq_markup.check_answer``, the one check the console's editor uses too."""

    question: str
    variants: list[str] = Field(default_factory=list, max_length=MAX_VARIANTS)
    answer: str

    @field_validator("question")
    @classmethod
    def _question(cls, question: str) -> str:
        return _line_problem(question, MAX_QUESTION)

    @field_validator("variants")
    @classmethod
    def _variants(cls, variants: list[str]) -> list[str]:
        return [_line_problem(variant, MAX_VARIANT) for variant in variants]

    @field_validator("answer")
    @classmethod
    def _answer(cls, answer: str) -> str:
        if found := check_answer(answer):
            first = found[0]
            raise PydanticCustomError(
                first.code,
                "line {line}: {detail} (answers may use <b>, <i> and <a href=\"https://…\">)",
                {"line": first.line, "detail": first.detail or first.code},
            )  # fmt: skip
        return answer
