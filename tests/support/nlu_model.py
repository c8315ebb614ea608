"""One NLU model trained from nlu/data per test process (about 15 s of training).

Fixtures in several conftest modules may ask for it; the model is still trained
once, because pytest keeps one cache per fixture definition, not per function.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from nlu.model import data_fingerprint
from nlu.training import train
from nlu.training_data import read_training_data

REPO = Path(__file__).resolve().parents[2]
NLU_DATA = REPO / "nlu" / "data"


@cache
def trained_model_path() -> Path:
    """Trained from the current nlu/data and nlu/ code, never var/nlu-model.pkl, which
    may be older than either when pytest runs without make."""
    directory = Path(tempfile.mkdtemp(prefix="razem-test-nlu-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / "model.pkl"
    train(read_training_data(NLU_DATA), data_fingerprint(NLU_DATA)).save(path)
    return path
