"""Razem NLU: language, category, urgency and FAQ match."""
