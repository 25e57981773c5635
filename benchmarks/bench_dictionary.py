"""How fast dictionaries install and answer, against the obvious alternative.

1. Import of a generated KRDict-format XML file (12,500 and 50,000 entries, two to
   three senses each, as the real export has them): wall time and peak RSS, each
   import in a fresh process. Streamed, the peak must not grow with the file.
   Alternative, same files and same run: ``xml.etree.ElementTree.parse`` of the
   whole document (what most KRDict converters do).
2. Lookup latency with the 50,000-entry dictionary installed: the store query for a
   lemma (median and p99 over 2,000 words, half of them present), and a whole
   lookup of an inflected Korean word (kiwipiepy lemma, warm, plus the query).
   Target: < 5 ms. Alternative: a linear scan of the parsed tree for the lemma.

Run: .venv/bin/python benchmarks/bench_dictionary.py
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from xml.sax.saxutils import quoteattr

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))

SIZES = (12_500, 50_000)
LOOKUPS = 2_000
SCAN_LOOKUPS = 50
SYLLABLES = "가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후기니디리미비시이지치키티피히한국어외교정상회담경제문화사람"
LEVELS = ("초급", "중급", "고급", "없음")
POS = ("명사", "동사", "형용사", "부사")


def headword(rng: random.Random) -> tuple[str, str]:
    stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
    pos = rng.choice(POS)
    return (stem + "다", pos) if pos in ("동사", "형용사") else (stem, pos)


def generate(path: Path, entries: int, seed: int = 15) -> list[str]:
    """A KRDict-shaped LMF file; returns its headwords."""
    rng = random.Random(seed)
    words: list[str] = []
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<LexicalResource dtdVersion="16">\n')
        out.write('<GlobalInformation><feat att="label" val="generated"/></GlobalInformation>\n')
        out.write('<Lexicon><feat att="language" val="kor"/>\n')
        for number in range(entries):
            word, pos = headword(rng)
            words.append(word)
            out.write(f'<LexicalEntry att="id" val="{number}">')
            out.write(f'<feat att="partOfSpeech" val="{pos}"/>')
            out.write(f'<feat att="vocabularyLevel" val="{rng.choice(LEVELS)}"/>')
            out.write(f'<Lemma><feat att="writtenForm" val="{word}"/></Lemma>')
            out.write(
                f'<WordForm><feat att="type" val="발음"/><feat att="pronunciation" val="{word}"/></WordForm>'
            )
            for sense in range(rng.randint(2, 3)):
                gloss = f"meaning {number} {sense}"
                out.write(f'<Sense att="id" val="{sense}">')
                out.write(
                    f'<feat att="definition" val="{word}의 뜻 {sense}. 한국어 정의 문장이다."/>'
                )
                out.write('<SenseExample><feat att="type" val="문장"/>')
                out.write(f'<feat att="example" val="{word}를 사용한 예문이다."/></SenseExample>')
                out.write('<Equivalent><feat att="language" val="영어"/>')
                out.write(f'<feat att="lemma" val={quoteattr(gloss)}/>')
                out.write('<feat att="definition" val="An English definition of this sense."/>')
                out.write("</Equivalent></Sense>")
            out.write("</LexicalEntry>\n")
        out.write("</Lexicon></LexicalResource>\n")
    return words


IMPORT_CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {src!r})
started = time.perf_counter()
mode, source, database = sys.argv[1:4]
if mode == "reader":
    from reader.core.dictionary import DictionaryStore
    store = DictionaryStore(Path(database))
    count = store.install(Path(source)).entry_count
    store.close()
else:
    import xml.etree.ElementTree as ET
    root = ET.parse(source).getroot()
    count = len(root.findall("./Lexicon/LexicalEntry"))
elapsed = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime
peak = usage.ru_maxrss / 1024
print(json.dumps({{"count": count, "seconds": elapsed, "cpu": cpu, "peak_mb": peak}}))
"""


def run_import(mode: str, source: Path, database: Path) -> dict[str, float]:
    code = IMPORT_CHILD.format(src=str(REPO_ROOT / "src"))
    output = subprocess.run(
        [sys.executable, "-c", code, mode, str(source), str(database)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(output)
    return result


def percentiles(samples: list[tuple[float, float]]) -> str:
    """Median and p99 of wall time, and p99 of the thread's CPU time (the machine is
    shared: a wall-clock p99 far above the CPU p99 is time spent waiting for a core)."""
    wall = sorted(sample[0] for sample in samples)
    cpu = sorted(sample[1] for sample in samples)
    at = min(len(wall) - 1, int(len(wall) * 0.99))
    return (
        f"median {statistics.median(wall) * 1000:.3f} ms, p99 {wall[at] * 1000:.3f} ms"
        f" (CPU p99 {cpu[at] * 1000:.3f} ms)"
    )


def timed(call: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.thread_time()
    call()
    return time.perf_counter() - wall, time.thread_time() - cpu


def bench_lookups(database: Path, source: Path, words: list[str]) -> None:
    import xml.etree.ElementTree as ET

    from reader.core.dictionary import DictionaryStore, lemma_of

    store = DictionaryStore(database)
    rng = random.Random(7)
    queries = [rng.choice(words) if i % 2 else f"없는말{i}" for i in range(LOOKUPS)]
    samples = [timed(partial(store.lookup, query, query, english=False)) for query in queries]
    print(f"  reader, lemma query:            {percentiles(samples)}")

    def by_lemma(word: str, english: bool = False) -> Callable[[], object]:
        return lambda: store.lookup(word, lemma_of(word), english=english)

    lemma_of("먹었다")  # kiwipiepy loaded once, as the UI's helper process keeps it
    inflected = [
        word[:-1] + rng.choice(("었다", "고", "면")) if word.endswith("다") else word + "를"
        for word in rng.sample(words, LOOKUPS)
    ]
    samples = [timed(by_lemma(word)) for word in inflected]
    distinct = len(set(inflected))
    print(f"  reader, inflected word (kiwi):  {percentiles(samples)} ({distinct} distinct)")

    english = [f"meanings {rng.randrange(50_000)} 1" for _ in range(LOOKUPS)]
    samples = [timed(by_lemma(word, english=True)) for word in english]
    print(f"  reader, English gloss lookup:   {percentiles(samples)}")
    store.close()

    root = ET.parse(source).getroot()
    entries = root.findall("./Lexicon/LexicalEntry")

    def scan(query: str) -> list[ET.Element]:
        return [
            entry
            for entry in entries
            if entry.find("Lemma/feat[@att='writtenForm']").get("val") == query  # type: ignore[union-attr]
        ]

    samples = [timed(partial(scan, query)) for query in queries[:SCAN_LOOKUPS]]
    print(f"  ElementTree tree, linear scan:  {percentiles(samples)} ({SCAN_LOOKUPS} words)")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        print("1. import of a generated KRDict XML file (fresh process each)")
        words: list[str] = []
        for size in SIZES:
            source = root / f"krdict_{size}.xml"
            words = generate(source, size)
            print(f"  {size:,} entries, {source.stat().st_size / 2**20:.1f} MB")
            database = root / f"dictionaries_{size}.sqlite"
            mine = run_import("reader", source, database)
            tree = run_import("etree", source, database)
            print(
                f"    reader install (streamed):   {mine['seconds']:6.2f} s ({mine['cpu']:.2f} s CPU), "
                f"peak RSS {mine['peak_mb']:6.1f} MB, {int(mine['count']):,} entries"
            )
            print(
                f"    ElementTree.parse (whole):   {tree['seconds']:6.2f} s ({tree['cpu']:.2f} s CPU), "
                f"peak RSS {tree['peak_mb']:6.1f} MB (parse only, nothing stored)"
            )
            print(f"    database: {database.stat().st_size / 2**20:.1f} MB")
        print(f"2. lookups with {SIZES[-1]:,} entries installed")
        bench_lookups(root / f"dictionaries_{SIZES[-1]}.sqlite", source, words)


if __name__ == "__main__":
    main()
