"""How fast `reader mine` finds i+1 sentences in a large library, and at what memory.

A library of generated Korean articles (default 20,000; 3 paragraphs of 3 sentences,
"N은 N을 V." from 120 real nouns with a Zipf-like spread and 12 verbs) is stored in
a real database, the 60 commonest nouns and every verb marked known. Then, each in
its own process (time and peak RSS of that process alone, ``VmHWM``):

1. ``cold``  — ``ReaderService.mine_sentences`` with an empty mining cache: every
   article is analysed once and its sentences' content words are cached;
2. ``warm``  — the same call again: only the digests are checked, nothing analysed;
3. ``naive`` — the obvious alternative, without the cache: every article's
   paragraphs analysed and split again (kiwipiepy), then the same ranking.

The three must find the same sentences (checked). Measured on the 2-core build
machine, shared with other jobs (20,000 articles, 180,000 sentences): cold 76.3 s,
584 MB; warm 1.39 s, 85 MB; naive 63.6 s, 610 MB; cache file 33.8 MB. Run:

    .venv/bin/python benchmarks/bench_mining.py [--articles N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))

_NOUN_TEXT = (
    "정부 경제 외교 시장 학교 학생 선생 회사 사람 나라 도시 마을 가족 친구 아이 어머니 아버지 "
    "동생 음식 사과 고양이 강아지 자동차 버스 기차 비행기 공항 병원 의사 간호사 책 신문 잡지 "
    "영화 음악 노래 그림 사진 편지 선물 시계 컴퓨터 전화 인터넷 뉴스 기자 대통령 장관 국회 "
    "법원 경찰 군대 은행 돈 가격 세금 회의 계획 문제 결과 이유 방법 역사 문화 과학 기술 "
    "환경 날씨 바다 산 강 하늘 나무 꽃 공원 도서관 식당 커피 우유 빵 김치 바람 겨울 여름 "
    "아침 저녁 주말 시간 생각 마음 얼굴 목소리 이야기 소식 질문 대답 숙제 시험 교실 운동 "
    "축구 야구 선수 감독 경기 대회 축제 여행 호텔 지도 길 다리 건물 집 방 창문 문 의자 "
    "책상 가방 옷 신발 모자 우산"
)
NOUNS = _NOUN_TEXT.split()
VERBS = (
    ("먹다", "먹었다"),
    ("보다", "보았다"),
    ("만들다", "만들었다"),
    ("읽다", "읽었다"),
    ("사다", "샀다"),
    ("팔다", "팔았다"),
    ("찾다", "찾았다"),
    ("받다", "받았다"),
    ("기다리다", "기다렸다"),
    ("바꾸다", "바꾸었다"),
    ("보내다", "보냈다"),
    ("좋아하다", "좋아했다"),
)
KNOWN_NOUNS = 60


def _has_final(word: str) -> bool:
    return (ord(word[-1]) - 0xAC00) % 28 != 0


def _sentence(chooser: random.Random) -> str:
    weights = [1 / (rank + 1) for rank in range(len(NOUNS))]
    first, second = chooser.choices(NOUNS, weights, k=2)
    verb = chooser.choice(VERBS)[1]
    topic = "은" if _has_final(first) else "는"
    object_ = "을" if _has_final(second) else "를"
    return f"{first}{topic} {second}{object_} {verb}."


def build_library(home: Path, articles: int) -> float:
    """Store the generated articles and the known terms; returns the seconds taken."""
    from reader.core.models import EntryData
    from reader.service import ReaderService

    started = time.perf_counter()
    os.environ["READER_HOME"] = str(home)
    chooser = random.Random(15)
    service = ReaderService()
    feed, _ = service.store.add_feed("https://bench.example/feed.xml", "bench")
    for start in range(0, articles, 1000):
        entries = [
            EntryData(
                guid=f"a{number}",
                title=f"기사 {number}",
                paragraphs=[" ".join(_sentence(chooser) for _ in range(3)) for _ in range(3)],
                language="ko",
            )
            for number in range(start, min(articles, start + 1000))
        ]
        service.store.upsert_entries(feed.id, entries)
    for noun in NOUNS[:KNOWN_NOUNS]:
        service.add_term(noun, gloss="g", lang="ko", status="known")
    for verb, _form in VERBS:
        service.add_term(verb, gloss="g", lang="ko", status="known")
    service.close()
    return time.perf_counter() - started


def _peak_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def run_phase(phase: str) -> dict[str, object]:
    """One measured phase, in this (fresh) process."""
    from reader.core import mining
    from reader.service import ReaderService
    from reader.service import mining as service_mining

    service = ReaderService()
    started = time.perf_counter()
    if phase == "naive":
        rows = []
        for article in service_mining.stored_articles(service):
            paragraphs = json.loads(article.content)
            lang = mining.article_lang(article.language, article.title, paragraphs)
            for number, start, end, text, keys, words in mining.analyse_sentences(paragraphs, lang):
                rows.append(
                    (article.article_id, lang, article.title, number, start, end, text, keys, words)
                )
        rows.sort(key=lambda row: (-row[0], row[3], row[4]))
        known, learning = service_mining.mining_vocabulary(service)
        found = mining.mine(rows, known, learning, limit=50)
    else:
        found = service.mine_sentences(limit=50)
    seconds = time.perf_counter() - started
    service.close()
    return {
        "phase": phase,
        "seconds": round(seconds, 2),
        "peak_mb": round(_peak_mb(), 1),
        "found": [(s.article_id, s.start, s.key) for s in found],
    }


def _child(home: Path, phase: str) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, __file__, "--phase", phase],
        capture_output=True,
        text=True,
        env={**os.environ, "READER_HOME": str(home)},
        check=True,
    )
    result: dict[str, object] = json.loads(completed.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--phase", choices=["cold", "warm", "naive"])
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(args.phase)))
        return
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        built = build_library(home, args.articles)
        print(
            f"library: {args.articles:,} articles, {args.articles * 9:,} sentences ({built:.1f} s)"
        )
        results = {phase: _child(home, phase) for phase in ("cold", "warm", "naive")}
        cache_file = next(home.rglob("mining.sqlite"))
        for phase, result in results.items():
            print(
                f"{phase:>5}: {result['seconds']:>7.2f} s   peak RSS {result['peak_mb']:>6.1f} MB"
            )
        print(f"cache file: {cache_file.stat().st_size / 1e6:.1f} MB")
        same = results["cold"]["found"] == results["warm"]["found"] == results["naive"]["found"]
        print(f"same {len(results['warm']['found'])} sentences from all three: {same}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
