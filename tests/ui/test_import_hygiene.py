"""The TUI paints before any heavy library loads, and core never loads Textual or Rich."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
import textwrap

import reader.core

HEAVY = (
    "argostranslate",
    "ctranslate2",
    "torch",
    "kiwipiepy",
    "sentencepiece",
    "stanza",
    "feedparser",
    "httpx",
    "trafilatura",
)


def _run(code: str) -> str:
    process = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )
    assert process.returncode == 0, process.stderr
    return process.stdout.strip()


def test_importing_the_app_loads_no_heavy_library() -> None:
    loaded = _run(
        f"""
        import sys
        import reader.ui.app
        print(",".join(name for name in {HEAVY!r} if name in sys.modules))
        """
    )
    assert loaded == ""


def test_first_paint_loads_no_heavy_library() -> None:
    """Run the real app headless until the article list and preview show, in a fresh process."""
    loaded = _run(
        f"""
        import asyncio, sys
        from reader.service import ReaderService
        from reader.ui.app import ReaderApp
        from reader.ui.widgets.article_list import ArticleList

        async def main():
            app = ReaderApp(ReaderService())
            async with app.run_test(size=(120, 30)) as pilot:
                for _ in range(100):
                    await pilot.pause(0.02)
                    if app.screen.query_one(ArticleList).total:
                        break
                await pilot.pause()
                assert app.screen.query_one(ArticleList).total > 0
                # Checked at first paint: heavy modules may load later, in the background.
                print(",".join(name for name in {HEAVY!r} if name in sys.modules))
                app.exit()

        asyncio.run(main())
        """
    )
    assert loaded == ""


def test_core_modules_load_neither_textual_nor_rich() -> None:
    names = [f"reader.core.{module.name}" for module in pkgutil.iter_modules(reader.core.__path__)]
    assert names
    loaded = _run(
        f"""
        import importlib, sys
        for name in {names!r}:
            importlib.import_module(name)
        print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich")
                                  or m.startswith("reader.ui"))))
        """
    )
    assert loaded == ""
