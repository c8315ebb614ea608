"""The configured NLU engine and the FAQ index that follows the database.

Built by the bootstrap (`bot.bootstrap.open_nlu`), which decides the storage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from bot.errors import ConfigError
from bot.settings import NluBackend, Settings
from bot.storage.db import Storage
from nlu.api import Engine, Parse
from nlu.builtin import BuiltinEngine
from nlu.faq import FaqIndex
from nlu.model import TrainedModel

log = logging.getLogger(__name__)


def build_engine(settings: Settings, storage: Storage | None) -> Engine:
    """The builtin engine (always: it decides language and urgency), with the FAQ
    index from ``storage`` (none without it), wrapped by Rasa when configured.

    The FAQ index follows the coordinators' published edits (see FaqFollowingEngine).
    """
    builtin = BuiltinEngine(TrainedModel.load(settings.model_path))
    if settings.nlu_backend == NluBackend.RASA and not settings.rasa_url:
        raise ConfigError("RAZEM_RASA_URL: required when RAZEM_NLU_BACKEND=rasa")
    if storage is not None:
        return FaqFollowingEngine(settings, storage, builtin)
    return _wrap(settings, builtin)


def _wrap(settings: Settings, builtin: BuiltinEngine) -> Engine:
    if settings.nlu_backend == NluBackend.RASA and settings.rasa_url:
        from nlu.rasa_http import RasaEngine  # httpx only when Rasa is used

        return RasaEngine(settings.rasa_url, builtin)
    return builtin


class FaqFollowingEngine:
    """Rebuilds the FAQ index when the FAQ changes in the database, without a restart.

    Every process (several bots, the console) compares a version stamp of the FAQ
    tables (count and latest change) at most every ``CHECK_SECONDS``; publishing in the
    console changes the stamp, so edits reach every running bot within seconds.
    """

    CHECK_SECONDS = 2.0

    def __init__(self, settings: Settings, storage: Storage, builtin: BuiltinEngine) -> None:
        self.settings, self.storage, self.builtin = settings, storage, builtin
        self.version: tuple[object, ...] | None = None
        self.checked_at = float("-inf")
        self.engine: Engine = builtin
        self.refresh()

    def refresh(self) -> None:
        from bot.services.faq import faq_version

        self.checked_at = time.monotonic()
        try:
            version = faq_version(self.storage.session_factory)
        except SQLAlchemyError as exc:  # keep answering with the index we have
            log.warning("FAQ version check failed: %s", exc)
            return
        if version != self.version:
            index = load_faq_index(self.settings, self.storage)
            self.engine = _wrap(self.settings, self.builtin.with_faq(index))
            self.version = version
            log.info("FAQ index loaded: %d entries", len(index))

    def parse(
        self,
        text: str,
        *,
        lang_hint: str | None = None,
        context: Sequence[str] = (),
        now: datetime | None = None,
    ) -> Parse:
        if time.monotonic() - self.checked_at >= self.CHECK_SECONDS:
            self.refresh()
        return self.engine.parse(text, lang_hint=lang_hint, context=context, now=now)


def load_faq_index(settings: Settings, storage: Storage) -> FaqIndex:
    from bot.services.faq import faq_documents

    return FaqIndex(faq_documents(storage.session_factory, include_drafts=settings.faq_show_drafts))
