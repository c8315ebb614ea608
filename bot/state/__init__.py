"""Conversation state: one JSON document per chat, behind a small port."""

from bot.state.port import LockTimeout, StateKey, StateStore

__all__ = ["LockTimeout", "StateKey", "StateStore"]
