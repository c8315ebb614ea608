"""The terminal chat: the same flows as Telegram, for demos, newcomers and tests."""
