"""The outbox: messages written with the change that caused them, delivered later.

A crash or a Telegram outage delays a message; it never drops or duplicates it.
"""
