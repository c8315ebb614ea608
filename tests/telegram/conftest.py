from tests.nlu.conftest import engine, model_path  # noqa: F401 - shared fixtures
