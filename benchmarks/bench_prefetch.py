"""Translating ahead: time to the full translation of an article opened after the app
translated it in the background, against one opened cold, in the same run; and the
first visible sentence of an article opened while a prefetch is under way.

The model is bench_translation.py's transformer-base-sized random-weight package
(6+6 layers, d_model 512, 32k vocabulary, int8), every sentence decoded to the same
fixed length (``DECODE_STEPS``). ``ARTICLES`` articles of ``SENTENCES`` distinct
sentences of the Korean news corpus each (paragraphs of three), plus a short one read
first (the model's and kiwipiepy's loads are one-time costs of a session), in a fresh
READER_HOME. The real app, headless at 160×48, ``[translation] prefetch = 1``; each
article is opened as ``n`` or an occurrence opens one (the app's ``OpenArticle``), and
timed to its first translated sentence and to "translated" (every sentence shown).
``ROUNDS`` rounds, each on five fresh articles A … A+4 (medians reported):

1. the article before A is read, so the app translates A ahead; A is opened:
   **prefetched**;
2. once A+1 (next after A) is translated ahead, A+3 is opened: **cold, queue idle**;
3. A+4 (next after A+3) is then translated ahead; while its background job runs, A+2
   is opened (its next unread is A+4 still, so that job goes on): **cold, prefetch
   under way** (the opened article waits for at most one background model call of 4
   sentences, then goes first).

Run: .venv/bin/python benchmarks/bench_prefetch.py

On the 2-core development machine (2026-12-02, four other sessions' jobs running), one
run, medians of 3 rounds (each round's first sentence / all, ms):

    prefetched:               first sentence  148 ms, all 20 translated  154 ms
                              (92/92, 148/154, 249/263)
    cold, queue idle:         first sentence  905 ms, all 20 translated 3112 ms
                              (905/4757, 1030/3112, 613/3111)
    cold, prefetch under way: first sentence 1464 ms, all 20 translated 4775 ms
                              (2356/6064, 1399/4775, 1464/4206)
    full translation, prefetched vs cold: 20.2x faster
    first sentence with a prefetch under way: 1.62x the idle queue's (the rest of
    one 4-sentence background call; with 8-sentence calls an earlier run gave 1.98x)
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import bench_translation as base  # noqa: E402  (the model builder and the corpus)

SENTENCES = 20
ROUNDS = 3
ARTICLES = 5 * ROUNDS
SIZE = (160, 48)


def store_articles(service: Any, sentences: list[str]) -> list[int]:
    """The short article, then ARTICLES articles of SENTENCES sentences, newest first."""
    from reader.core.models import EntryData

    now = datetime.now(UTC)
    texts = [["오늘 학교에서 친구를 만났다. 우리는 함께 책을 읽었다."]]
    for number in range(ARTICLES):
        chosen = sentences[number * SENTENCES : (number + 1) * SENTENCES]
        texts.append([" ".join(chosen[i : i + 3]) for i in range(0, len(chosen), 3)])
    feed, _ = service.store.add_feed("https://news.example.org/feed.xml", "News")
    entries = [
        EntryData(
            guid=f"bench-{number}",
            title=f"기사 {number}",
            paragraphs=paragraphs,
            url=f"https://news.example.org/{number}",
            published=(now - timedelta(minutes=number)).isoformat(),
            language="ko",
        )
        for number, paragraphs in enumerate(texts)
    ]
    service.store.upsert_entries(feed.id, entries)
    return [summary.id for summary in service.list_articles(limit=100)]


async def wait_for(condition: Any, seconds: float = 600.0) -> None:
    deadline = time.perf_counter() + seconds
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the benchmark waited too long")
        await asyncio.sleep(0.005)


async def timed_open(app: Any, press: Any) -> tuple[float, float, int]:
    """(seconds to the first translated sentence, to all of them, sentences) of the
    article ``press()`` opens."""
    from reader.ui.screens.article import ArticleScreen

    started = time.perf_counter()
    await press()
    screen = app.screen
    assert isinstance(screen, ArticleScreen)
    await wait_for(lambda: screen.done >= 1 or screen.status == "no translation")
    first = time.perf_counter() - started
    await wait_for(lambda: screen.status in ("translated", "no translation"))
    assert screen.status == "translated", screen.status
    return first, time.perf_counter() - started, screen.total


async def run(ids: list[int]) -> dict[str, list[tuple[float, float, int]]]:
    from reader.service import ReaderService
    from reader.ui.app import ReaderApp
    from reader.ui.messages import OpenArticle
    from reader.ui.screens.main import MainScreen
    from reader.ui.widgets.article_list import ArticleList

    service = ReaderService()
    service.config.translation.prefetch = 1
    app = ReaderApp(service)
    figures: dict[str, list[tuple[float, float, int]]] = {}
    async with app.run_test(size=SIZE) as pilot:
        article_list = app.screen.query_one(ArticleList)
        await wait_for(lambda: article_list.total > 0)
        await app.workers.wait_for_complete()
        main = app.screen
        assert isinstance(main, MainScreen)
        prefetch = main.prefetch

        async def enter() -> None:
            await pilot.press("enter")

        def opener(article_id: int) -> Any:
            async def open_directly() -> None:
                app.post_message(OpenArticle(article_id))
                await wait_for(lambda: getattr(app.screen, "article_id", 0) == article_id)

            return open_directly

        def keep(name: str, figure: tuple[float, float, int]) -> None:
            figures.setdefault(name, []).append(figure)

        await timed_open(app, enter)  # the short article: loads the model and kiwipiepy
        for round_number in range(ROUNDS):
            first = 1 + 5 * round_number  # articles first … first + 4 (see the docstring)
            if round_number:
                await timed_open(app, opener(ids[first - 1]))  # translated already
            await wait_for(lambda: not prefetch.pending())  # `first`, translated ahead
            keep("prefetched", await timed_open(app, opener(ids[first])))
            await wait_for(lambda: not prefetch.pending())  # first + 1, translated ahead
            keep("cold, queue idle", await timed_open(app, opener(ids[first + 3])))
            last = ids[first + 4]
            await wait_for(lambda: prefetch.pending() == [last])  # noqa: B023 (awaited here)
            await wait_for(lambda: service.translation_queue.pending_jobs() > 0)
            await asyncio.sleep(0.3)  # well into the background job of first + 4
            # first + 2: its next unread is first + 4 still, whose prefetch goes on
            keep("cold, prefetch under way", await timed_open(app, opener(ids[first + 2])))
            await wait_for(lambda: not prefetch.pending())
        app.exit()
    service.close()
    return figures


def main() -> None:
    if not base.CORPUS.exists():
        sys.exit(f"corpus not found: {base.CORPUS}")
    home = base.bench_home("reader-bench-prefetch-")
    all_sentences = base.corpus_sentences()
    if len(all_sentences) < SENTENCES * ARTICLES:
        sys.exit("not enough corpus sentences")
    archive = base.build_package("ko", "en", all_sentences, 1)

    from reader.service import ReaderService

    service = ReaderService()
    service.models_install(str(archive))
    ids = store_articles(service, all_sentences)
    service.close()
    base.fix_decoding_length()
    print(
        f"{ARTICLES} articles of {SENTENCES} corpus sentences, transformer-base-sized model,"
        f" {base.DECODE_STEPS} target tokens per sentence, beam 2, prefetch = 1"
    )
    figures = asyncio.run(run(ids))
    medians: dict[str, tuple[float, float]] = {}
    for name, rounds in figures.items():
        firsts = [first * 1000 for first, _, _ in rounds]
        fulls = [full * 1000 for _, full, _ in rounds]
        medians[name] = (statistics.median(firsts), statistics.median(fulls))
        print(
            f"{name:>26}: first sentence {medians[name][0]:6.0f} ms, all {rounds[0][2]}"
            f" translated {medians[name][1]:6.0f} ms (median of {len(rounds)}; rounds:"
            f" {', '.join(f'{f:.0f}/{a:.0f}' for f, a in zip(firsts, fulls, strict=True))})"
        )
    cold = medians["cold, queue idle"][1]
    print(f"full translation, prefetched vs cold: {cold / medians['prefetched'][1]:.1f}x faster")
    busy, idle = medians["cold, prefetch under way"][0], medians["cold, queue idle"][0]
    print(f"first sentence with a prefetch under way: {busy / idle:.2f}x the idle queue's")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
