import pytest


@pytest.fixture(scope="session")
def nlp():
    """The project's spaCy pipeline, built once per test session."""
    from pipeline.extract.nlp import build_nlp

    return build_nlp()
