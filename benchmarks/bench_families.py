"""Translation speed per model family, on generated models of the real shapes.

Shapes (random int8 weights, generated here and kept in benchmarks/.work/):

* ``opus-mt-base``: OPUS-MT base (also the shape of the Argos ko/en packages):
  6+6 layers, d_model 512, 8 heads, FFN 2048, 32k vocabulary, separate source.spm and
  target.spm, ``</s>`` appended to the source.
* ``opus-mt-big``: OPUS-MT tc-big: 6+6 layers, d_model 1024, 16 heads, FFN 4096, 32k.
* ``nllb-600m``: NLLB-200-distilled-600M: 12+12 layers, d_model 1024, 16 heads, FFN
  4096, a 256,206-token vocabulary, ``[kor_Hang] + pieces + [</s>]`` and
  ``target_prefix=[["eng_Latn"]]``.

For each, in its own process (so peak RSS is that model's): reader's engine
(``CTranslate2Engine.translate``, its sorting and token batches) against one raw
``translate_batch`` over the same token lists with the same options, in turns,
``ROUNDS`` times, best of each. Random weights never produce ``</s>``, so both are
given the same fixed decoding length (``DECODE_STEPS`` target tokens, about a news
sentence's translation): sentences per second are for sentences of that length.
Settings are reader's defaults (beam 2, 2048 tokens per call, all cores).

Run: .venv/bin/python benchmarks/bench_families.py   (a few minutes on 2 cores; the
first run spends most of it generating the NLLB-shaped model, about 1 GB of RAM.)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
WORK = REPO / "benchmarks" / ".work" / "families"
DECODE_STEPS = 48
ROUNDS = 3


@dataclass(frozen=True)
class Shape:
    name: str
    family: str
    layers: int
    d_model: int
    heads: int
    ffn: int
    vocab: int
    sentences: int


SHAPES = (
    Shape("opus-mt-base", "marian", 6, 512, 8, 2048, 32000, 120),
    Shape("opus-mt-big", "marian", 6, 1024, 16, 4096, 32000, 60),
    Shape("nllb-600m", "nllb", 12, 1024, 16, 4096, 256206, 24),
)


SENTENCES_FILE = WORK / "sentences.json"


def sentences(count: int) -> list[str]:
    """Korean news sentences, split once by the parent process (kiwipiepy stays out of the
    measuring processes, so their peak RSS is the model's)."""
    if not SENTENCES_FILE.exists():
        from bench_translation import corpus_sentences

        WORK.mkdir(parents=True, exist_ok=True)
        SENTENCES_FILE.write_text(json.dumps(corpus_sentences(), ensure_ascii=False), "utf-8")
    texts: list[str] = json.loads(SENTENCES_FILE.read_text("utf-8"))
    return texts[:count]


def build(shape: Shape) -> Path:
    """The model folder of ``shape`` (generated on first use)."""
    folder = WORK / shape.name
    if (folder / "model.bin").exists():
        return folder
    import numpy as np
    import sentencepiece as spm
    from bench_translation import train_sentencepiece
    from ctranslate2.specs import transformer_spec
    from tests.support.tiny_argos import write_ctranslate2_model

    piece_model = train_sentencepiece(sentences(10_000))
    processor = spm.SentencePieceProcessor(model_proto=piece_model)
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    specials = {"<unk>", "<s>", "</s>"}
    body = [p for p in pieces if p not in specials]
    if shape.family == "nllb":
        head, tail = ["<s>", "<pad>", "</s>", "<unk>"], ["eng_Latn", "kor_Hang", "<mask>"]
    else:
        head, tail = ["</s>", "<unk>"], ["<pad>"]
    filler = [f"<extra_{i}>" for i in range(shape.vocab - len(head) - len(body) - len(tail))]
    vocabulary = [*head, *body, *filler, *tail]

    rng = np.random.default_rng(7)
    spec = transformer_spec.TransformerSpec.from_config(
        (shape.layers, shape.layers), shape.heads, pre_norm=True
    )
    _fill_random(spec, rng, shape)
    spec.config.decoder_start_token = "</s>"
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    folder.mkdir(parents=True, exist_ok=True)
    write_ctranslate2_model(spec, folder, quantization="int8")
    if shape.family == "nllb":
        (folder / "sentencepiece.bpe.model").write_bytes(piece_model)
    else:
        (folder / "source.spm").write_bytes(piece_model)
        (folder / "target.spm").write_bytes(piece_model)
    return folder


def _fill_random(spec: Any, rng: Any, shape: Shape) -> None:
    import numpy as np

    d, ffn = shape.d_model, shape.ffn

    def normal(*dims: int) -> Any:
        return (rng.standard_normal(dims, dtype=np.float32) * 0.05).astype(np.float32)

    def norm(layer: Any) -> None:
        layer.gamma = np.ones(d, np.float32)
        layer.beta = np.zeros(d, np.float32)

    def attention(layer: Any, self_attention: bool) -> None:
        norm(layer.layer_norm)
        if self_attention:
            layer.linear[0].weight = normal(3 * d, d)
            layer.linear[1].weight = normal(d, d)
        else:
            layer.linear[0].weight = normal(d, d)
            layer.linear[1].weight = normal(2 * d, d)
            layer.linear[2].weight = normal(d, d)

    def feed_forward(layer: Any) -> None:
        norm(layer.layer_norm)
        layer.linear_0.weight, layer.linear_1.weight = normal(ffn, d), normal(d, ffn)

    embeddings = normal(shape.vocab, d)  # shared, as in NLLB and OPUS-MT
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    spec.decoder.projection.weight = embeddings
    norm(spec.encoder.layer_norm)
    norm(spec.decoder.layer_norm)
    for layer in spec.encoder.layer:
        attention(layer.self_attention, True)
        feed_forward(layer.ffn)
    for layer in spec.decoder.layer:
        attention(layer.self_attention, True)
        attention(layer.attention, False)
        feed_forward(layer.ffn)


def measure(shape: Shape) -> dict[str, Any]:
    """Engine against raw translate_batch for one shape, in this process."""
    from reader.config import TranslationConfig
    from reader.core.packages import InstalledModel
    from reader.core.translation import CTranslate2Engine

    folder = build(shape)
    texts = sentences(shape.sentences)
    model = InstalledModel(
        path=folder,
        source="ko",
        target="en",
        version="bench",
        tokenizer="sentencepiece",
        multilingual=shape.family == "nllb",
        target_prefix="eng_Latn" if shape.family == "nllb" else "",
        size_bytes=0,
        family=shape.family,
        label=shape.name,
    )
    engine = CTranslate2Engine(model, TranslationConfig())
    load_started = time.perf_counter()
    engine.load()
    load_seconds = time.perf_counter() - load_started
    engine.max_decoding_length = lambda longest_input: DECODE_STEPS  # type: ignore[method-assign]
    tokenization = engine.tokenization
    batch = [tokenization.source_tokens(engine.encode(text)) for text in texts]
    options = engine.decoding_options(batch)
    translator = engine._translator

    def run_engine() -> None:
        outcomes = engine.translate(texts)
        assert all(outcome.error is None for outcome in outcomes)

    def run_raw() -> None:
        translator.translate_batch(batch, **options)

    best = {"engine": float("inf"), "raw": float("inf")}
    for _ in range(ROUNDS):
        for name, run in (("engine", run_engine), ("raw", run_raw)):
            started = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - started)
    return {
        "shape": shape.name,
        "sentences": len(texts),
        "source_tokens": sum(len(tokens) for tokens in batch),
        "load_s": load_seconds,
        "engine_s": best["engine"],
        "raw_s": best["raw"],
        "engine_sps": len(texts) / best["engine"],
        "raw_sps": len(texts) / best["raw"],
        "ratio": best["raw"] / best["engine"],
        "model_mb": sum(f.stat().st_size for f in folder.iterdir()) / 2**20,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", choices=[s.name for s in SHAPES])
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    shapes = {s.name: s for s in SHAPES}
    if args.shape and args.build_only:
        build(shapes[args.shape])
        return
    if args.shape:
        print(json.dumps(measure(shapes[args.shape])))
        return
    sentences(0)  # split the corpus here, once
    print(f"decoding {DECODE_STEPS} target tokens per sentence, beam 2, best of {ROUNDS}")
    print(
        f"{'shape':<14}{'sent.':>6}{'model':>9}{'load':>7}{'engine':>12}{'raw':>12}"
        f"{'ratio':>7}{'peak RSS':>10}"
    )
    for shape in SHAPES:
        # Generated in a process of its own, so the measuring process's RSS is the model's.
        subprocess.run(
            [sys.executable, __file__, "--shape", shape.name, "--build-only"], check=True
        )
        output = subprocess.run(
            [sys.executable, __file__, "--shape", shape.name],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(output.stdout.strip().splitlines()[-1])
        print(
            f"{r['shape']:<14}{r['sentences']:>6}{r['model_mb']:>7.0f}MB{r['load_s']:>6.1f}s"
            f"{r['engine_sps']:>8.2f} s/s{r['raw_sps']:>8.2f} s/s{r['ratio']:>7.2f}"
            f"{r['peak_rss_mb']:>8.0f}MB"
        )


if __name__ == "__main__":
    main()
