"""NLU errors: one line a person can act on."""

from __future__ import annotations

from bot.errors import DataError, RazemError


class NluDataError(DataError):
    """Training or evaluation data is malformed."""

    code = "nlu_data"


class ModelMissing(RazemError):
    """No trained model where the settings say it is."""

    code = "nlu_model_missing"
