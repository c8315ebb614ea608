"""Staff read statuses in their language on the queue card, never a raw status code."""

from __future__ import annotations

import pytest

from bot.domain import CaseStatus
from bot.i18n import translator
from bot.telegram.sender import _status_for_staff
from tests.i18n.words import LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_card_names_every_closed_or_passed_status_in_the_staff_language(
    language: str,
) -> None:
    t = translator(language)
    for status in (
        CaseStatus.CLAIMED,
        CaseStatus.CLOSED,
        CaseStatus.TRANSFERRED,
        CaseStatus.CANCELLED,
    ):
        shown = _status_for_staff(t, status)
        assert shown != status.value, (language, status)
        if language != "en":
            assert shown != _status_for_staff(translator("en"), status), (language, status)
