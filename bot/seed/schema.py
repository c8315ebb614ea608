"""The shape of data/partners.yml, data/routing.yml and data/faq.yml."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from bot.domain import LANGUAGES, SUBCATEGORY_CATEGORY, HelpKind, Language
from bot.services.records import (
    FaqSlug,
    FaqTextRecord,
    PartnerRecord,
    Record,
    RoutingRuleRecord,
    Slug,
    check_fallback,
)

REVIEW_PENDING = "needs partner lawyer review"


class PartnerSeed(PartnerRecord):
    """A partner as the seed file gives it: the console's record, plus the slug and
    whether it is the fallback queue (neither is edited in the console)."""

    slug: Slug
    fallback: bool = False


class PartnersFile(Record):
    version: Literal[1]
    partners: list[PartnerSeed] = Field(min_length=1)

    @field_validator("partners")
    @classmethod
    def _unique_slugs(cls, partners: list[PartnerSeed]) -> list[PartnerSeed]:
        _unique([p.slug for p in partners], "slug")
        if sum(p.fallback for p in partners) != 1:
            raise ValueError("exactly one partner must be the fallback queue (fallback: true)")
        for p in partners:
            for problem in check_fallback(p, p.fallback):
                raise PydanticCustomError(problem.code, "partner '{slug}': {message}",
                                          {"slug": p.slug, "message": problem.message})  # fmt: skip
        return partners


RuleSeed = RoutingRuleRecord


class RoutingFile(Record):
    version: Literal[1]
    fallback: Slug
    rules: list[RuleSeed]


FaqTranslationSeed = FaqTextRecord


class FaqEntrySeed(Record):
    slug: FaqSlug
    category: HelpKind
    subcategory: str
    review: Annotated[str, StringConstraints(max_length=120)] | None = None
    facts_as_of: date
    source: Annotated[str, StringConstraints(pattern=r"^https://\S+$", max_length=300)]
    expires_on: date | None = None
    translations: dict[Language, FaqTranslationSeed]

    @field_validator("subcategory")
    @classmethod
    def _in_category(cls, subcategory: str, info: ValidationInfo) -> str:
        # The console's editor asks the same of an entry (faq_editing.validate).
        if SUBCATEGORY_CATEGORY.get(subcategory) != info.data.get("category"):
            raise PydanticCustomError(
                "wrong_category",
                "'{subcategory}' is not a subcategory of '{category}'",
                {"subcategory": subcategory, "category": info.data.get("category")},
            )
        return subcategory

    @field_validator("translations")
    @classmethod
    def _all_languages(
        cls, translations: dict[str, FaqTranslationSeed]
    ) -> dict[str, FaqTranslationSeed]:
        # The shipped FAQ has every language (the console may leave some to translate).
        missing = [lang for lang in LANGUAGES if lang not in translations]
        if missing:
            raise ValueError(f"missing translations: {', '.join(missing)}")
        return translations


class FaqFile(Record):
    version: Literal[1]
    entries: list[FaqEntrySeed] = Field(min_length=1)

    @field_validator("entries")
    @classmethod
    def _unique_slugs(cls, entries: list[FaqEntrySeed]) -> list[FaqEntrySeed]:
        _unique([e.slug for e in entries], "slug")
        return entries


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} '{value}'")
        seen.add(value)
