"""The shape of data/partners.yml, data/routing.yml and data/faq.yml."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from bot.domain import LANGUAGES

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]
LanguageCode = Literal["uk", "ru", "en", "pl"]
CityName = Literal["Lublin", "Poznań", "Warszawa", "Wrocław", "other", "online"]
CategoryName = Literal["legal", "psychological", "social", "other"]
HelpKindName = Literal["legal", "psychological", "social"]
Subcategory = Annotated[
    str, StringConstraints(pattern=r"^(legal|psychological|social|other)_[a-z_]+$")
]

REVIEW_PENDING = "needs partner lawyer review"
# What FAQ answers may contain: the Telegram HTML subset we render safely.
ALLOWED_ANSWER_TAG = re.compile(r"</?(b|i)>")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartnerSeed(Strict):
    slug: Slug
    name_pl: Annotated[str, StringConstraints(min_length=2, max_length=200)]
    name_en: Annotated[str, StringConstraints(min_length=2, max_length=200)]
    cities: list[CityName]
    kinds: list[HelpKindName]
    languages: list[LanguageCode] = Field(min_length=1)
    online: bool = False
    takes_cases: bool = True
    fallback: bool = False
    capacity: int | None = Field(default=None, ge=1)


class PartnersFile(Strict):
    version: Literal[1]
    partners: list[PartnerSeed] = Field(min_length=1)

    @field_validator("partners")
    @classmethod
    def _unique_slugs(cls, partners: list[PartnerSeed]) -> list[PartnerSeed]:
        _unique([p.slug for p in partners], "slug")
        if sum(p.fallback for p in partners) != 1:
            raise ValueError("exactly one partner must be the fallback queue (fallback: true)")
        for p in partners:
            if p.fallback and not p.takes_cases:
                raise ValueError(f"fallback partner {p.slug!r} must take cases")
        return partners


class RuleSeed(Strict):
    category: CategoryName | None = None
    subcategory: Subcategory | None = None
    city: CityName | None = None
    language: LanguageCode | None = None
    partners: list[Slug] = Field(min_length=1)
    note: str | None = None


class RoutingFile(Strict):
    version: Literal[1]
    fallback: Slug
    rules: list[RuleSeed]


class FaqTranslationSeed(Strict):
    question: Annotated[str, StringConstraints(min_length=3, max_length=300)]
    variants: list[Annotated[str, StringConstraints(min_length=1, max_length=300)]] = Field(
        min_length=1
    )
    answer: Annotated[str, StringConstraints(min_length=10, max_length=3500)]

    @field_validator("answer")
    @classmethod
    def _safe_markup(cls, answer: str) -> str:
        stripped = ALLOWED_ANSWER_TAG.sub("", answer)
        if "<" in stripped or ">" in stripped:
            raise ValueError("only <b>, <i> and plain URLs are allowed in answers")
        return answer


class FaqEntrySeed(Strict):
    # "faq:" + slug must fit Telegram's 64-byte callback data.
    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=56)]
    category: HelpKindName
    subcategory: Subcategory
    review: str | None = None
    facts_as_of: date
    source: Annotated[str, StringConstraints(pattern=r"^https://\S+$", max_length=300)]
    expires_on: date | None = None
    translations: dict[LanguageCode, FaqTranslationSeed]

    @field_validator("translations")
    @classmethod
    def _all_languages(
        cls, translations: dict[str, FaqTranslationSeed]
    ) -> dict[str, FaqTranslationSeed]:
        missing = [lang for lang in LANGUAGES if lang not in translations]
        if missing:
            raise ValueError(f"missing translations: {', '.join(missing)}")
        return translations


class FaqFile(Strict):
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
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)
