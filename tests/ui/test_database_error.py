"""A database reader cannot open gets a screen that says so, not an empty library."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.core.store import SCHEMA_VERSION, Store
from reader.service import ReaderService
from reader.ui.screens.database_error import DatabaseErrorScreen
from reader.ui.screens.main import MainScreen
from tests.ui.conftest import make_app, settle


def garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database, just some text a user saved here\n" * 50)


def newer_schema(path: Path) -> None:
    Store(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()


def damaged(path: Path) -> None:
    store = Store(path)
    store.add_feed("https://example.org/feed.xml", "Example")
    store.close()
    data = bytearray(path.read_bytes())
    data[100:] = b"\x5a" * (len(data) - 100)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [(garbage, "not a reader database"), (newer_schema, "newer reader"), (damaged, "malformed")],
)
async def test_a_database_that_cannot_be_opened_gets_its_own_screen(
    spoil: object, reason: str
) -> None:
    service = ReaderService()
    path = service.paths.database
    spoil(path)  # type: ignore[operator]
    before = path.read_bytes()
    app = make_app(service)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, DatabaseErrorScreen)
            assert not app.query(MainScreen)
            shown = "\n".join(str(static.render()) for static in screen.query("Static"))
            assert reason in shown
            assert f"File: {path}" in shown
            assert "not changed" in shown
            await pilot.press("q")
            await settle(pilot)
            assert not app.is_running
        assert app.return_code == 1
        assert path.read_bytes() == before, "the file was not touched"
    finally:
        service.close()
