"""Translation speed: reader's engine against ``argostranslate.translate.translate()``.

The model is generated here (never committed): a transformer-base-sized
CTranslate2 model — 6+6 layers, d_model 512, 8 heads, FFN 2048, 32k vocabulary,
int8 — with random weights, packaged as a real ``.argosmodel`` with a SentencePiece
model trained on the Korean corpus. The text is 200 real sentences from the Korean
news feed in ../shared/corpus.

Fairness. Random weights never produce ``</s>``, so every sentence decodes until
the length limit: both paths get the same fixed limit (``DECODE_STEPS`` target
tokens per sentence), so they do the same number of decoding steps per sentence.
Both get the same sentences: reader splits the text with its splitter; argostranslate
gets one sentence per line (its sentence splitter — a MiniSBD model shipped in the
package, as Argos packages do — keeps each line whole), which is how it batches a
normal paragraph anyway since Korean news sentences are longer than its 32-token
batches. Both use the same CTranslate2 settings (compute type ``auto``, all cores).
argostranslate runs with its defaults (beam 4, batches of 32 tokens, one call per
paragraph); reader is measured with beam 4 (same work) and with its own default
(beam 2). Import and model load times are reported apart. The paths run in
turns, ROUNDS times, and the best time of each counts (the machine may be shared).

Also measured: time to the first translated sentence of a 100-sentence article
through the background queue (cold: model not loaded yet), reopening that article
once translated (every sentence from the SQLite cache), and the peak memory of a
process that has loaded both directions.

Run: .venv/bin/python benchmarks/bench_translation.py
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.support.tiny_argos: spec converter and MiniSBD writer
WORK = REPO / "benchmarks" / ".work"
CORPUS = (
    REPO.parent / "shared" / "corpus" / "korean" / "knews_rerendered_categories_all_2022-07-30.xml"
)
VOCAB, D_MODEL, FFN, LAYERS, HEADS = 32000, 512, 2048, 6, 8
SENTENCES = 200
ARTICLE_SENTENCES = 100
DECODE_STEPS = 48
ROUNDS = 2


def corpus_sentences() -> list[str]:
    """Distinct complete Korean sentences from the news corpus."""
    from reader.core.sentences import split_sentences

    text = CORPUS.read_text(encoding="utf-8")
    bodies = re.findall(r"<content:encoded>(.*?)</content:encoded>", text, re.S)
    seen: dict[str, None] = {}
    for body in bodies:
        for sentence in split_sentences(html.unescape(body), "ko"):
            if sentence.text.endswith(("다.", "요.", "다!", "까?")) and len(sentence.text) > 20:
                seen.setdefault(sentence.text, None)
        if len(seen) >= SENTENCES + ARTICLE_SENTENCES:
            break
    return list(seen)


# -- the generated model -------------------------------------------------------------------


def train_sentencepiece(lines: list[str]) -> bytes:
    """A SentencePiece model of up to 8,000 pieces trained on ``lines`` (the generated
    models' tokenizer)."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines * 3),
        model_writer=model,
        vocab_size=8000,
        hard_vocab_limit=False,
        character_coverage=0.9995,
        num_threads=2,
        minloglevel=2,
    )
    return model.getvalue()


def bench_home(prefix: str) -> Path:
    """A fresh READER_HOME (and Argos packages folder) for one benchmark run."""
    WORK.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["READER_HOME"] = str(home)
    os.environ["ARGOS_PACKAGES_DIR"] = str(home / "models")
    return home


def build_package(source: str, target: str, sentences: list[str], seed: int) -> Path:
    archive = WORK / f"bench-{source}_{target}.argosmodel"
    if archive.exists():
        return archive
    import numpy as np
    import sentencepiece as spm
    from ctranslate2.specs import transformer_spec
    from tests.support.tiny_argos import minisbd_onnx, write_ctranslate2_model

    piece_model = train_sentencepiece(sentences)
    processor = spm.SentencePieceProcessor(model_proto=piece_model)
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocabulary = pieces + [f"<extra_{i}>" for i in range(VOCAB - len(pieces))]

    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config(LAYERS, HEADS)
    _fill_random(spec, rng, len(vocabulary))
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    folder = WORK / "build" / f"translate-{source}_{target}-bench"
    shutil.rmtree(folder, ignore_errors=True)
    write_ctranslate2_model(spec, folder / "model", quantization="int8")
    (folder / "sentencepiece.model").write_bytes(piece_model)
    (folder / "minisbd").mkdir()
    (folder / "minisbd" / f"{source}.onnx").write_bytes(minisbd_onnx(source, split=False))
    metadata = {
        "package_version": "1.0",
        "from_code": source,
        "to_code": target,
        "from_name": source,
        "to_name": target,
        "type": "translate",
    }
    (folder / "metadata.json").write_text(json.dumps(metadata))
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zip_file:
        for path in sorted(folder.rglob("*")):
            zip_file.write(path, str(path.relative_to(folder.parent)))
    shutil.rmtree(folder)
    return archive


def _fill_random(spec: Any, rng: Any, vocab_size: int) -> None:
    """Give every weight of the spec a random value of the right shape."""
    import numpy as np

    def normal(*shape: int) -> Any:
        return (rng.standard_normal(shape) * 0.05).astype(np.float32)

    def norm(layer: Any) -> None:
        layer.gamma = np.ones(D_MODEL, np.float32)
        layer.beta = np.zeros(D_MODEL, np.float32)

    def attention(layer: Any, self_attention: bool) -> None:
        norm(layer.layer_norm)
        if self_attention:
            layer.linear[0].weight, layer.linear[1].weight = (
                normal(3 * D_MODEL, D_MODEL),
                normal(D_MODEL, D_MODEL),
            )
        else:
            layer.linear[0].weight = normal(D_MODEL, D_MODEL)
            layer.linear[1].weight = normal(2 * D_MODEL, D_MODEL)
            layer.linear[2].weight = normal(D_MODEL, D_MODEL)

    def ffn(layer: Any) -> None:
        norm(layer.layer_norm)
        layer.linear_0.weight, layer.linear_1.weight = normal(FFN, D_MODEL), normal(D_MODEL, FFN)

    spec.encoder.embeddings[0].weight = normal(vocab_size, D_MODEL)
    spec.decoder.embeddings.weight = normal(vocab_size, D_MODEL)
    spec.decoder.projection.weight = normal(vocab_size, D_MODEL)
    norm(spec.encoder.layer_norm)
    norm(spec.decoder.layer_norm)
    for layer in spec.encoder.layer:
        attention(layer.self_attention, True)
        ffn(layer.ffn)
    for layer in spec.decoder.layer:
        attention(layer.self_attention, True)
        attention(layer.attention, False)
        ffn(layer.ffn)


# -- measurements ----------------------------------------------------------------------------


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def main() -> None:
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS}")
    WORK.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    os.environ["READER_HOME"] = str(home)
    os.environ["ARGOS_PACKAGES_DIR"] = str(home / "models")
    all_sentences = corpus_sentences()
    sentences = all_sentences[:SENTENCES]
    article = all_sentences[SENTENCES : SENTENCES + ARTICLE_SENTENCES]
    print(f"{len(sentences)} corpus sentences for throughput, {len(article)} for the article")

    build_seconds, archives = timed(
        lambda: [
            build_package("ko", "en", all_sentences, 1),
            build_package("en", "ko", all_sentences, 2),
        ]
    )
    print(
        f"model packages ready in {build_seconds:.1f} s: "
        + ", ".join(f"{a.name} {a.stat().st_size / 2**20:.0f} MB" for a in archives)
    )

    from reader.service import ReaderService

    service = ReaderService()
    for archive in archives:
        service.models_install(str(archive))
    from reader.core.translation.ctranslate2_engine import CTranslate2Engine

    engine = service.translations.engine("ko", "en")
    assert isinstance(engine, CTranslate2Engine), "the generated model is a CTranslate2 one"
    tokens = sum(len(engine.encode(s)) for s in sentences)
    print(
        f"input: {tokens} SentencePiece tokens, {tokens / len(sentences):.1f} per sentence;"
        f" every sentence decodes {DECODE_STEPS} target tokens in both paths"
    )

    if "--skip-throughput" not in sys.argv:
        throughput(service, sentences)
    fix_decoding_length()
    first_sentence(article)
    reopen(article)
    peak_memory(home)
    shutil.rmtree(home, ignore_errors=True)


def throughput(service: Any, sentences: list[str]) -> None:
    """Both paths, interleaved, ROUNDS times; the best time of each is kept (the machine
    may be shared, and the best run is the one least disturbed)."""
    from reader.config import Config
    from reader.core.translation import CTranslate2Engine

    class FixedLength(CTranslate2Engine):
        def max_decoding_length(self, longest_input: int) -> int:
            return DECODE_STEPS

    model = service.translations.engine("ko", "en").model
    engines = {}
    for beam in (4, 2):
        config = Config().translation
        config.beam_size = beam
        engines[beam] = FixedLength(model, config)
        load_seconds, _ = timed(engines[beam].load)
        engines[beam].translate(sentences[:2])  # warm-up
        print(f"reader engine, beam {beam}: model load {load_seconds:.2f} s")

    import_seconds, argos = timed(_import_argos)
    translation = argos.get_translation_from_codes("ko", "en")
    settings = sys.modules["argostranslate.settings"]
    import ctranslate2

    translation.underlying.translator = _FixedLengthTranslator(
        ctranslate2.Translator(
            str(model.path / "model"),
            device="cpu",
            inter_threads=settings.inter_threads,
            intra_threads=settings.intra_threads,
            compute_type=settings.compute_type,
        )
    )
    argos.translate("\n".join(sentences[:2]), "ko", "en")  # warm-up (MiniSBD load)
    print(
        f"argostranslate: import {import_seconds:.1f} s; defaults: beam {settings.beam_size},"
        f" batches of {settings.batch_size} tokens, one call per paragraph"
    )
    text = "\n".join(sentences)
    best: dict[str, float] = {}
    for round_number in range(1, ROUNDS + 1):
        for beam, engine in engines.items():
            seconds, outcomes = timed(engine.translate, sentences)
            assert all(o.error is None for o in outcomes)
            _keep_best(best, f"reader engine, beam {beam}", seconds, round_number, len(sentences))
        translation.cache = {}  # argostranslate remembers the paragraphs of its last call
        seconds, output = timed(argos.translate, text, "ko", "en")
        assert len(output.split("\n")) == len(sentences)
        _keep_best(best, "argostranslate.translate()", seconds, round_number, len(sentences))
    argos_seconds = best["argostranslate.translate()"]
    print(f"ratio, same beam 4:           {argos_seconds / best['reader engine, beam 4']:.1f}x")
    print(f"ratio, reader default beam 2: {argos_seconds / best['reader engine, beam 2']:.1f}x")


def _keep_best(
    best: dict[str, float], name: str, seconds: float, round_number: int, count: int
) -> None:
    best[name] = min(seconds, best.get(name, seconds))
    print(f"  round {round_number}: {name}: {seconds:.1f} s, {count / seconds:.1f} sentences/s")


class _FixedLengthTranslator:
    """argostranslate's Translator with only the decoding length fixed (see module docstring)."""

    def __init__(self, translator: Any) -> None:
        self.translator = translator

    def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["max_decoding_length"] = DECODE_STEPS
        return self.translator.translate_batch(*args, **kwargs)


def _import_argos() -> Any:
    import argostranslate.translate

    return argostranslate.translate


def fix_decoding_length() -> None:
    """From here on every reader engine decodes DECODE_STEPS tokens per sentence."""
    from reader.core import translation

    def fixed(self: Any, longest_input: int) -> int:
        return DECODE_STEPS

    translation.CTranslate2Engine.max_decoding_length = fixed  # type: ignore[method-assign]


def first_sentence(article: list[str]) -> None:
    """Time to the first and the last sentence of an article through the queue."""
    from reader.core.models import Sentence
    from reader.service import ReaderService

    paragraphs = [
        [Sentence(s, 0, len(s)) for s in article[i : i + 4]] for i in range(0, len(article), 4)
    ]
    service = ReaderService()
    first, last = _queue_times(service, paragraphs)
    print(
        f"queue, {len(article)}-sentence article, model not loaded yet: first sentence after"
        f" {first * 1000:.0f} ms, all after {last:.1f} s"
    )
    service.close()
    service = ReaderService()
    service.store.query("DELETE FROM translations")
    service.translation_queue.preload("ko", "en")
    service.translations.engine("ko", "en").load()  # waits for the preload to finish
    first, last = _queue_times(service, paragraphs)
    print(
        f"queue, same article, model preloaded at start-up: first sentence after"
        f" {first * 1000:.0f} ms, all after {last:.1f} s"
    )
    service.close()


def _queue_times(service: Any, paragraphs: list[Any]) -> tuple[float, float]:
    from reader.core.translation_queue import SentenceDone

    total = sum(len(p) for p in paragraphs)
    finished = threading.Event()
    times: list[float] = []
    started = time.perf_counter()

    def on_event(event: Any) -> None:
        if isinstance(event, SentenceDone):
            times.append(time.perf_counter() - started)
            if len(times) == total:
                finished.set()

    service.translation_queue.submit(paragraphs, "ko", "en", on_event, first_paragraphs=[0, 1])
    finished.wait(600)
    return times[0], times[-1]


def reopen(article: list[str]) -> None:
    from reader.service import ReaderService

    service = ReaderService()
    saved = service.save_text(
        "\n\n".join(" ".join(article[i : i + 4]) for i in range(0, len(article), 4))
    )
    service.translate_article_pairs(saved.article)  # translate once: fills the cache
    fresh = ReaderService()  # a new process would start like this: nothing loaded
    loaded = fresh.article(saved.article.id)
    fresh.translate_article_pairs(loaded)  # warms up Kiwi, which the open article needs anyway
    fresh = ReaderService()
    sentences = [s.text for p in loaded.paragraphs for s in fresh.split_sentences(p, "ko")]
    cache_seconds, outcomes = timed(fresh.translations.translate, sentences, "ko", "en")
    assert all(o is not None and o.cached for o in outcomes)
    pairs_seconds, _ = timed(fresh.translate_article_pairs, loaded)
    from reader.core import sentences as sentence_module

    sentence_module._split_cached.cache_clear()
    cold_seconds, _ = timed(fresh.translate_article_pairs, loaded)
    print(
        f"reopen a translated {len(sentences)}-sentence article: {cache_seconds * 1000:.1f} ms"
        f" from the cache; whole translate_article_pairs {pairs_seconds * 1000:.1f} ms with the"
        f" sentence splits remembered, {cold_seconds * 1000:.0f} ms splitting again (kiwipiepy)"
    )


def peak_memory(home: Path) -> None:
    # VmHWM, not ru_maxrss: the latter survives exec and would count this parent's pages.
    script = (
        "import re\n"
        "from reader.service import ReaderService\n"
        "service = ReaderService()\n"
        "service.translations.engine('ko', 'en').translate(['고양이가 잔다.'])\n"
        "service.translations.engine('en', 'ko').translate(['The cat sleeps.'])\n"
        "status = open('/proc/self/status').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+)', status).group(1))\n"
    )
    environment = dict(os.environ, READER_HOME=str(home))
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, check=True
    ).stdout
    print(f"peak RSS of a process with both directions loaded: {int(output) / 1024:.0f} MB")


if __name__ == "__main__":
    main()
