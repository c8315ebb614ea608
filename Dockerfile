# Razem's image: the bot and the web console run from it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY nlu ./nlu
RUN pip install .

COPY data ./data
RUN useradd --create-home razem && mkdir -p /app/var && chown razem /app/var
USER razem

HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["razem", "check"]
CMD ["razem", "check"]
