"""Fixtures the CLI tests share with the feature folders they exercise."""

from tests.dictionary.conftest import yomitan_zip  # noqa: F401  (a fixture)
