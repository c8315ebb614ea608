"""Razem: help-desk bot for migrants and refugees in Poland."""
