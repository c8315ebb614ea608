"""The conversation-state port: get / set with a TTL / delete / a per-chat lock.

Two adapters implement it: `MemoryStateStore` (one process, the embedded default)
and `RedisStateStore` (several processes). One contract test suite runs against
both (tests/state/test_contract.py).
"""

from __future__ import annotations

import json
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from bot.errors import RazemError

Document = dict[str, Any]


class LockTimeout(RazemError):
    """Another process held this chat's lock for too long."""

    code = "state_lock_timeout"


@dataclass(frozen=True, slots=True)
class StateKey:
    """Identifies one chat on one channel.

    Redis key format: ``{prefix}:state:{channel}:{chat_id}`` for the document and
    ``{prefix}:lock:{channel}:{chat_id}`` for the lock (prefix defaults to ``razem``).
    """

    channel: str
    chat_id: str

    def __post_init__(self) -> None:
        for part in (self.channel, self.chat_id):
            if not part or ":" in part or len(part) > 64:
                raise ValueError(f"invalid state key part {part!r}")

    def redis_key(self, prefix: str, kind: str = "state") -> str:
        return f"{prefix}:{kind}:{self.channel}:{self.chat_id}"


class StateStore(Protocol):
    """Where conversation documents live between updates."""

    async def get(self, key: StateKey) -> Document | None:
        """The stored document, or None when there is none or it has expired."""

    async def set(self, key: StateKey, document: Document, ttl_seconds: float) -> None:
        """Store a JSON-serialisable document, replacing any previous one."""

    async def delete(self, key: StateKey) -> None:
        """Forget the chat's document (no error if there is none)."""

    async def claim_once(self, name: str, ttl_seconds: float) -> bool:
        """True the first time ``name`` is claimed within ``ttl_seconds``, across processes
        (e.g. a Telegram update_id, so a webhook retry is handled once)."""

    def lock(self, key: StateKey) -> AbstractAsyncContextManager[None]:
        """Hold the chat's lock: one update per chat at a time, across processes."""

    async def close(self) -> None:
        """Release connections."""


def encode(document: Document) -> str:
    """Serialise a document; both adapters store exactly this text."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def decode(raw: str | bytes) -> Document:
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("stored state is not a JSON object")
    return value
