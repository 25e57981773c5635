"""An install is streamed: its peak memory does not grow with the file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = """
import json, resource, sys
from pathlib import Path
from reader.core.dictionary import DictionaryStore
store = DictionaryStore(Path(sys.argv[2]))
count = store.install(Path(sys.argv[1])).entry_count
print(json.dumps([count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024]))
"""


def generated_krdict(path: Path, entries: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("<LexicalResource><Lexicon>\n")
        for number in range(entries):
            out.write(
                f'<LexicalEntry att="id" val="{number}"><feat att="partOfSpeech" val="명사"/>'
                f'<Lemma><feat att="writtenForm" val="낱말{number}"/></Lemma>'
                f'<Sense att="id" val="1"><feat att="definition" val="{"긴 한국어 정의 " * 20}"/>'
                '<Equivalent><feat att="language" val="영어"/>'
                f'<feat att="lemma" val="word {number}"/>'
                f'<feat att="definition" val="{"A long English definition. " * 20}"/>'
                "</Equivalent></Sense></LexicalEntry>\n"
            )
        out.write("</Lexicon></LexicalResource>\n")
    return path


def peak_rss_mb(source: Path, database: Path) -> tuple[int, int]:
    output = subprocess.run(
        [sys.executable, "-c", CHILD, str(source), str(database)],
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    ).stdout
    count, peak = json.loads(output)
    return count, peak


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    small = generated_krdict(tmp_path / "small.xml", 2_000)
    large = generated_krdict(tmp_path / "large.xml", 16_000)
    assert large.stat().st_size > 7 * small.stat().st_size  # about 20 MB against 2.5 MB
    small_count, small_peak = peak_rss_mb(small, tmp_path / "small.sqlite")
    large_count, large_peak = peak_rss_mb(large, tmp_path / "large.sqlite")
    assert (small_count, large_count) == (2_000, 16_000)
    # A whole-file parse of the large file would add well over 100 MB.
    assert large_peak - small_peak < 15, (small_peak, large_peak)
