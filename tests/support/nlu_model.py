"""One NLU model per test process, trained from the current nlu/data and nlu/ code.

Fixtures in several conftest modules may ask for it; it is still made once, because
pytest keeps one cache per fixture definition, not per function. When the model that
`make install` built (var/nlu-model.pkl) has the fingerprint of the current training
files and NLU code, it is that same model (training is deterministic), so it is used
instead of training again (about 15 s of CPU).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from nlu.errors import ModelMissing
from nlu.model import TrainedModel, data_fingerprint
from nlu.training import train
from nlu.training_data import read_training_data

REPO = Path(__file__).resolve().parents[2]
NLU_DATA = REPO / "nlu" / "data"
BUILT = REPO / "var" / "nlu-model.pkl"


def _built_model_is_current(fingerprint: str) -> bool:
    try:
        return TrainedModel.load(BUILT).fingerprint == fingerprint
    except ModelMissing:
        return False


@cache
def trained_model_path() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="razem-test-nlu-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / "model.pkl"
    fingerprint = data_fingerprint(NLU_DATA)
    if _built_model_is_current(fingerprint):
        # A copy: a `make install` running meanwhile may replace the built file.
        shutil.copy(BUILT, path)
    else:
        train(read_training_data(NLU_DATA), fingerprint).save(path)
    assert TrainedModel.load(path).fingerprint == fingerprint
    return path
