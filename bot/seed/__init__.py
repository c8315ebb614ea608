"""Seed data: the YAML files in data/, validated and loaded into the database."""
