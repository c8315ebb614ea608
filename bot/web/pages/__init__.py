"""Console pages, one module per area; each exposes ``routes(console)``."""
