"""Pure conversation logic: (state, event) -> (actions, new state).

No flow imports python-telegram-bot, SQLAlchemy or Redis. Channels (Telegram,
the terminal chat, tests) turn updates into events and actions into messages;
the runtime (bot/runtime.py) carries out effects and feeds their results back.
"""
