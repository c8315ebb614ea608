"""Runs the pure flows: state in, NLU, step, effects, results fed back, state out.

Every channel (Telegram, the terminal chat, tests) talks to `Conversations`. One
update per chat at a time (the state store's lock); database work runs in a
thread so the event loop keeps serving other chats.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from bot.domain import Channel
from bot.flows import actions as a
from bot.flows import events as e
from bot.flows.conversation import step
from bot.flows.state import State, Step
from bot.services import cases, clients, faq, relay, staff_cases
from bot.services.results import Done
from bot.settings import Settings
from bot.state.port import StateKey, StateStore
from nlu.api import Engine

log = logging.getLogger(__name__)
T = TypeVar("T")
# A runaway loop between a flow and its effects is a bug; stop it rather than spin.
MAX_STEPS = 20


class Conversations:
    def __init__(
        self, settings: Settings, session_factory: Any, state: StateStore, engine: Engine
    ) -> None:
        self.settings = settings
        self.factory = session_factory
        self.state = state
        self.engine = engine

    async def on_text(
        self, channel: Channel, chat_id: str, text: str, language_code: str | None = None
    ) -> list[a.Reply]:
        return await self._handle(
            channel, chat_id, lambda state: self._text_event(state, text, language_code)
        )

    async def on_event(self, channel: Channel, chat_id: str, event: e.Event) -> list[a.Reply]:
        return await self._handle(channel, chat_id, lambda _state: event)

    def _text_event(self, state: State, text: str, language_code: str | None) -> e.Text:
        # Follow-ups of a request are understood together with what came before; a
        # message typed while a question waits for a button is judged on its own.
        context = state.draft.words if state.step == Step.DESCRIBE else []
        hint = state.locale or language_code
        return e.Text(text, self.engine.parse(text, lang_hint=hint, context=context), language_code)

    async def _handle(
        self, channel: Channel, chat_id: str, make_event: Callable[[State], e.Event]
    ) -> list[a.Reply]:
        key = StateKey(channel.value, chat_id)
        async with self.state.lock(key):
            state = State.from_document(await self.state.get(key))
            state.active_case = await self._db(cases.claimed_case, self.factory, channel, chat_id)
            event = make_event(state)
            replies: list[a.Reply] = []
            state = await self._run(channel, chat_id, state, event, replies, depth=0)
            if state == State():
                await self.state.delete(key)  # erased or never started: keep nothing
            else:
                await self.state.set(key, state.to_document(), self.settings.state_ttl_seconds)
            return replies

    async def _run(
        self,
        channel: Channel,
        chat_id: str,
        state: State,
        event: e.Event,
        replies: list[a.Reply],
        depth: int,
    ) -> State:
        if depth > MAX_STEPS:
            raise RuntimeError(f"conversation loop for {channel}:{chat_id}")
        actions, state = step(state, event, default_locale=self.settings.default_locale)
        for action in actions:
            if isinstance(action, a.Reply):
                replies.append(action)
                continue
            result = await self._effect(channel, chat_id, action)
            if result is not None:
                state = await self._run(channel, chat_id, state, result, replies, depth + 1)
        return state

    async def _effect(self, channel: Channel, chat_id: str, action: a.Effect) -> e.Event | None:
        f, drafts = self.factory, self.settings.faq_show_drafts
        match action:
            case a.SaveClient(language=language, consent=consent):
                await self._db(clients.save_client, f, channel, chat_id, language, consent)
                return None
            case a.ShowFaq(slug=slug, language=language):
                found = await self._db(faq.faq_answer, f, slug, language, include_drafts=drafts)
                if found is None:
                    return e.FaqMissing(slug)
                return e.FaqShown(
                    found.slug,
                    found.question,
                    found.answer,
                    found.language,
                    found.draft,
                    found.expired,
                    found.category,
                    found.reviewed,
                )
            case a.ListFaq(category=category, language=language):
                topics = await self._db(
                    faq.faq_topics, f, category, language, include_drafts=drafts
                )
                return e.FaqListed(category, tuple(e.FaqTopic(slug, q) for slug, q in topics))
            case a.CreateCase():
                request = cases.NewCase(
                    action.category,
                    action.subcategory,
                    action.language,
                    action.city,
                    action.urgent,
                    action.urgent_signals,
                    action.confidence,
                    action.words,
                    action.details,
                )
                created = await self._db(cases.create_case, f, channel, chat_id, request)
                # Polish names are what people find on doors and websites here;
                # English only for those who write in English.
                name = (
                    created.partner_name_en if action.language == "en" else created.partner_name_pl
                )
                return e.CaseCreated(
                    created.reference, name, created.urgent, created.partner_is_fallback
                )
            case a.ListCases():
                rows = await self._db(cases.list_cases, f, channel, chat_id)
                known = await self._language(channel, chat_id)
                return e.CasesListed(
                    tuple(
                        e.CaseSummary(
                            r.reference,
                            r.status,
                            r.category,
                            r.partner_name_en if known == "en" else r.partner_name_pl,
                            r.created_at,
                            r.updated_at,
                            r.partner_is_fallback,
                        )
                        for r in rows
                    )
                )
            case a.CancelCase(reference=reference):
                cancelled = await self._db(cases.cancel_case, f, channel, chat_id, reference)
                return e.CaseCancelled(reference, isinstance(cancelled, Done))
            case a.ShowMyData():
                data = await self._db(clients.client_data, f, channel, chat_id)
                if data is None:
                    return e.DataShown("-", None, 0, 0, None)
                return e.DataShown(
                    data.language, data.consent_at, data.cases, data.messages, data.first_seen
                )
            case a.EraseMe():
                erased_cases, erased_messages = await self._db(
                    clients.erase_client, f, channel, chat_id
                )
                return e.Erased(erased_cases, erased_messages)
            case a.RelayToStaff(reference=reference, text=text):
                await self._db(
                    relay.add_client_message,
                    f,
                    reference,
                    text,
                    action.media_kind,
                    action.media_reference,
                )
                return e.Relayed(reference)
            case a.RateCase(reference=reference, rating=rating):
                rated = await self._db(staff_cases.rate_case, f, chat_id, reference, rating)
                return e.CaseRated(reference, isinstance(rated, Done))
        raise TypeError(f"unknown effect {action!r}")

    async def _language(self, channel: Channel, chat_id: str) -> str | None:
        data = await self._db(clients.client_data, self.factory, channel, chat_id)
        return data.language if data else None

    @staticmethod
    async def _db(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(function, *args, **kwargs)
