"""Builds the configured NLU engine (part of the composition root)."""

from __future__ import annotations

import logging

from bot.bootstrap import Storage
from bot.errors import ConfigError, RazemError
from bot.settings import NluBackend, Settings
from nlu.api import Engine
from nlu.builtin import BuiltinEngine
from nlu.faq import FaqIndex
from nlu.model import TrainedModel

log = logging.getLogger(__name__)


def build_engine(settings: Settings, storage: Storage | None = None, *, faq: bool = True) -> Engine:
    """The builtin engine (always: it decides language and urgency), with the FAQ
    index from the database, wrapped by Rasa when configured.

    Without ``storage`` the database is tried once; when it can't be used, FAQ
    matching is off and a warning says why.
    """
    builtin = BuiltinEngine(TrainedModel.load(settings.model_path))
    if faq:
        storage = storage or try_storage(settings)
        if storage is not None:
            builtin = builtin.with_faq(load_faq_index(settings, storage))
    if settings.nlu_backend == NluBackend.RASA:
        if not settings.rasa_url:
            raise ConfigError("RAZEM_RASA_URL: required when RAZEM_NLU_BACKEND=rasa")
        from nlu.rasa_http import RasaEngine  # httpx only when Rasa is used

        return RasaEngine(settings.rasa_url, builtin)
    return builtin


def load_faq_index(settings: Settings, storage: Storage) -> FaqIndex:
    from bot.services.faq import faq_documents

    return FaqIndex(faq_documents(storage.session_factory, include_drafts=settings.faq_show_drafts))


def try_storage(settings: Settings) -> Storage | None:
    """The database for FAQ matching, or None (with a warning) when it can't be used."""
    from bot.bootstrap import build_storage
    from bot.storage.guard import require_current_schema

    try:
        storage = build_storage(settings)
        require_current_schema(storage.engine)
    except RazemError as exc:
        log.warning("FAQ matching is off: %s", exc.message)
        return None
    return storage
