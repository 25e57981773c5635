"""Tiny, deterministic ko→en and en→ko Argos packages, built without any download.

Each package is a real ``.argosmodel``: a SentencePiece model trained here on a
few hundred generated lines, a one-layer CTranslate2 Transformer whose weights
are set by hand, and a rule-based MiniSBD ONNX model so that argostranslate's own
path runs offline too.

How the Transformer translates (every step is exact, even after int8 quantization,
because each weight row has at most one kind of non-zero value):

* ``d_model = V + P + 1``: one dimension per vocabulary piece (content), one per
  position (up to ``P`` tokens), and one "balance" dimension that keeps every
  vector's mean at zero so that layer norms only rescale.
* The encoder sees ``content(token) + position(j)``; its self-attention and FFN
  output nothing, so its output is that vector, rescaled. ``</s>`` is appended to
  the source (``add_source_eos``).
* The decoder's input embeddings are empty: at step ``t`` it only knows its
  position. Cross-attention compares position ``t`` with source position ``j``
  (a large scale makes it a hard choice of ``j = t``) and copies the content of
  source token ``t``.
* The output projection maps each source piece to itself, except for the pieces of
  a small dictionary (``고양이`` ↔ ``cat`` …), so the translation of ``S`` tokens is
  ``S`` tokens, token by token, then the copied ``</s>``.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MAX_POSITIONS = 320
"""Longest source the tiny model handles, in tokens (``</s>`` included)."""

DICTIONARY_KO_EN = {
    "고양이": "cat",
    "학교": "school",
    "사과": "apple",
    "친구": "friend",
    "오늘": "today",
    "책": "book",
}

_KO_NOUNS = [
    "고양이",
    "학교",
    "사과",
    "친구",
    "오늘",
    "책",
    "물",
    "집",
    "내일",
    "비",
    "하늘",
    "바다",
]
_KO_ENDINGS = ["간다", "잔다", "먹는다", "읽는다", "좋다", "온다", "크다", "많다", "있다", "없다"]
_KO_PARTICLES = ["", "가", "는", "를", "에", "도"]
_EN_NOUNS = ["cat", "school", "apple", "friend", "today", "book", "water", "house", "sky", "sea"]
_EN_VERBS = ["goes", "sleeps", "eats", "reads", "is", "comes", "was", "has", "likes", "sees"]
_EN_WORDS = ["the", "a", "I", "we", "he", "she", "big", "good", "new", "old", "and", "to"]


def training_lines() -> list[str]:
    """A few hundred Korean and English lines made of a small vocabulary."""
    lines = []
    for i, noun in enumerate(_KO_NOUNS):
        for j, ending in enumerate(_KO_ENDINGS):
            particle = _KO_PARTICLES[(i + j) % len(_KO_PARTICLES)]
            other = _KO_NOUNS[(i + j + 1) % len(_KO_NOUNS)]
            lines.append(f"{noun} {particle} {other} {ending}.".replace("  ", " "))
            lines.append(f"{noun} {other} {ending}? {noun} {ending}!")
    for i, noun in enumerate(_EN_NOUNS):
        for j, verb in enumerate(_EN_VERBS):
            word = _EN_WORDS[(i + j) % len(_EN_WORDS)]
            other = _EN_NOUNS[(i * 3 + j) % len(_EN_NOUNS)]
            lines.append(f"{word} {noun} {verb} {other}.")
            lines.append(f"The {noun} {verb} {word} {other}, {noun}!")
    return lines


def train_sentencepiece(
    lines: list[str] | None = None, words: list[str] | None = None, symbols: tuple[str, ...] = ()
) -> bytes:
    """A small unigram SentencePiece model with identity normalization.

    Trained on ``lines`` (both languages by default); ``words`` (every dictionary word
    by default) stay whole pieces, and so do ``symbols`` wherever they occur.
    """
    import sentencepiece as spm

    model = io.BytesIO()
    if words is None:
        words = [*DICTIONARY_KO_EN, *DICTIONARY_KO_EN.values()]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(training_lines() if lines is None else lines),
        model_writer=model,
        vocab_size=150,
        hard_vocab_limit=False,
        character_coverage=1.0,
        normalization_rule_name="identity",
        model_type="unigram",
        num_threads=1,
        minloglevel=2,
        # dictionary words stay whole
        user_defined_symbols=["▁" + word for word in words] + list(symbols),
    )
    return model.getvalue()


def pieces_of(model_bytes: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model_bytes)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _token_map(vocabulary: list[str], dictionary: dict[str, str]) -> list[int]:
    """For each source piece, the target piece it becomes (itself unless in ``dictionary``)."""
    index = {piece: i for i, piece in enumerate(vocabulary)}
    mapping = list(range(len(vocabulary)))
    for source, target in dictionary.items():
        source_piece, target_piece = "▁" + source, "▁" + target
        if source_piece not in index or target_piece not in index:
            raise ValueError(f"tiny model: {source_piece!r} or {target_piece!r} is not one piece")
        mapping[index[source_piece]] = index[target_piece]
    return mapping


def build_spec(
    vocabulary: list[str],
    mapping: list[int],
    target_vocabulary: list[str] | None = None,
    add_source_eos: bool = True,
    decoder_start_token: str = "<s>",
    also: tuple[tuple[int, int], ...] = (),
) -> Any:
    """The hand-weighted one-layer Transformer described in the module docstring.

    ``mapping[i]`` is the index in ``target_vocabulary`` (the source vocabulary when
    None) that source piece ``i`` becomes; ``also`` adds (source, target) pairs that
    are exactly as likely (an ambiguous model).
    """
    from ctranslate2.specs import transformer_spec

    targets = vocabulary if target_vocabulary is None else target_vocabulary
    vocab_size, positions = len(vocabulary), MAX_POSITIONS
    d_model = vocab_size + positions + 1
    content, position_base, balance = 0, vocab_size, vocab_size + positions
    eye_content = np.zeros((d_model, d_model), np.float32)
    eye_content[np.arange(vocab_size), np.arange(vocab_size)] = 1.0
    eye_positions = np.zeros((d_model, d_model), np.float32)
    rows = np.arange(position_base, position_base + positions)
    eye_positions[rows, rows] = 1.0

    source_embeddings = np.zeros((vocab_size, d_model), np.float32)
    source_embeddings[np.arange(vocab_size), content + np.arange(vocab_size)] = 1.0
    source_embeddings[:, balance] = -1.0
    position_table = np.zeros((positions, d_model), np.float32)
    position_table[np.arange(positions), position_base + np.arange(positions)] = 1.0
    position_table[:, balance] = -1.0
    target_embeddings = np.zeros((len(targets), d_model), np.float32)

    encoder_norm = np.sqrt(6.0 / d_model)  # rms of content + position + balance (1, 1, -2)
    decoder_norm = np.sqrt(2.0 / d_model)  # rms of position + balance (1, -1)
    attention_scale = 60.0 * np.sqrt(d_model) * encoder_norm * decoder_norm

    spec = transformer_spec.TransformerSpec.from_config(1, 1)
    spec.config.add_source_eos = add_source_eos
    spec.config.decoder_start_token = decoder_start_token
    for part, embeddings in ((spec.encoder, source_embeddings), (spec.decoder, target_embeddings)):
        part.scale_embeddings = False
        part.position_encodings.encodings = position_table
        (
            part.embeddings[0] if isinstance(part.embeddings, list) else part.embeddings
        ).weight = embeddings
        _identity_norm(part.layer_norm, d_model)
        layer = part.layer[0]
        _silent_attention(layer.self_attention, d_model, fused=3)
        _silent_ffn(layer.ffn, d_model)
    cross = spec.decoder.layer[0].attention
    _identity_norm(cross.layer_norm, d_model)
    cross.linear[0].weight = eye_positions * attention_scale
    cross.linear[1].weight = np.concatenate([eye_positions, eye_content])
    cross.linear[2].weight = eye_content * encoder_norm
    projection = np.zeros((len(targets), d_model), np.float32)
    projection[np.array(mapping), content + np.arange(vocab_size)] = 3.0
    for source_index, target_index in also:
        projection[target_index, content + source_index] = 3.0
    spec.decoder.projection.weight = projection
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(targets)
    return spec


def _identity_norm(norm: Any, d_model: int) -> None:
    norm.gamma = np.ones(d_model, np.float32)
    norm.beta = np.zeros(d_model, np.float32)


def _silent_attention(attention: Any, d_model: int, fused: int) -> None:
    _identity_norm(attention.layer_norm, d_model)
    attention.linear[0].weight = np.zeros((fused * d_model, d_model), np.float32)
    attention.linear[1].weight = np.zeros((d_model, d_model), np.float32)


def _silent_ffn(ffn: Any, d_model: int) -> None:
    _identity_norm(ffn.layer_norm, d_model)
    ffn.linear_0.weight = np.zeros((4, d_model), np.float32)
    ffn.linear_1.weight = np.zeros((d_model, 4), np.float32)


def write_ctranslate2_model(spec: Any, output_dir: Path, quantization: str | None = None) -> None:
    from ctranslate2.converters import Converter

    class SpecConverter(Converter):  # type: ignore[misc]
        def _load(self) -> Any:
            return spec

    SpecConverter().convert(str(output_dir), quantization=quantization, force=True)


# -- MiniSBD: a rule-based ONNX model ---------------------------------------------------
#
# MiniSBD runs an ONNX graph over the characters of a paragraph and reads one label
# per character (0 inside a token, 1 end of token, 2 end of sentence). This graph
# is a single Gather: every character ends a token, and ``.``, ``!`` and ``?`` end
# a sentence. The ``onnx`` package is not needed: the protobuf is written by hand.


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes | str | int) -> bytes:
    if isinstance(payload, int):
        return _varint(number << 3) + _varint(payload)
    data = payload.encode() if isinstance(payload, str) else payload
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _tensor_type(elem_type: int, dims: list[str]) -> bytes:
    shape = b"".join(_field(1, _field(2, dim)) for dim in dims)
    return _field(1, _field(1, elem_type) + _field(2, shape))


def minisbd_onnx(lang: str, split: bool = True) -> bytes:
    """The ONNX model bytes (ir_version 8, opset 13); ``split=False`` keeps each paragraph whole."""
    units = ["<PAD>", "<UNK>", ".", "!", "?"]
    end = [0, 0, 9] if split else [0, 9, 0]
    table = np.array([[9, 0, 0], [0, 9, 0], end, end, end], dtype=np.float32)
    initializer = (
        _field(1, 5)
        + _field(1, 3)
        + _field(2, 1)  # FLOAT
        + _field(8, "table")
        + _field(9, table.tobytes())
    )
    node = _field(1, "table") + _field(1, "units") + _field(2, "logits") + _field(4, "Gather")
    float_type, int64_type = 1, 7
    graph = (
        _field(1, node)
        + _field(2, "minisbd_rules")
        + _field(5, initializer)
        + _field(11, _field(1, "units") + _field(2, _tensor_type(int64_type, ["batch", "chars"])))
        + _field(
            11,
            _field(1, "features")
            + _field(2, _tensor_type(float_type, ["batch", "chars", "features"])),
        )
        + _field(
            12, _field(1, "logits") + _field(2, _tensor_type(float_type, ["batch", "chars", "3"]))
        )
    )
    vocab = {
        "lang": lang,
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_unit2id": {unit: i for i, unit in enumerate(units)},
        "_id2unit": units,
    }
    config = {"feat_funcs": ["space_before"], "max_seqlen": 1000, "batch_size": 8}
    metadata = {"lang_code": lang, "config": json.dumps(config), "vocab": json.dumps(vocab)}
    props = b"".join(_field(14, _field(1, k) + _field(2, v)) for k, v in metadata.items())
    opset = _field(8, _field(1, "") + _field(2, 13))
    return _field(1, 8) + _field(2, "reader-tests") + opset + _field(7, graph) + props


# -- packages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TinyPackages:
    ko_en: Path
    en_ko: Path


def build_package(
    work_dir: Path,
    source: str,
    target: str,
    sentencepiece_model: bytes,
    version: str = "1.0",
    rewrites: dict[str, str] | None = None,
    ambiguous: dict[str, str] | None = None,
    spec: Any = None,
) -> Path:
    """Build ``translate-<source>_<target>-tiny.argosmodel`` in ``work_dir``.

    ``rewrites`` maps source pieces to other target pieces on top of the dictionary
    (a model that damages what it should copy); ``ambiguous`` gives source pieces a
    second, equally likely target piece; ``spec`` replaces the model altogether.
    """
    vocabulary = pieces_of(sentencepiece_model)
    dictionary = (
        DICTIONARY_KO_EN
        if source == "ko"
        else {english: korean for korean, english in DICTIONARY_KO_EN.items()}
    )
    mapping = _token_map(vocabulary, dictionary)
    index = {piece: i for i, piece in enumerate(vocabulary)}
    for piece, written in (rewrites or {}).items():
        mapping[index[piece]] = index[written]
    also = tuple((index[piece], index[other]) for piece, other in (ambiguous or {}).items())
    if spec is None:
        spec = build_spec(vocabulary, mapping, also=also)
    folder_name = f"translate-{source}_{target}-tiny"
    folder = work_dir / "build" / folder_name
    write_ctranslate2_model(spec, folder / "model")
    (folder / "sentencepiece.model").write_bytes(sentencepiece_model)
    (folder / "minisbd").mkdir(exist_ok=True)
    (folder / "minisbd" / f"{source}.onnx").write_bytes(minisbd_onnx(source))
    names = {"ko": "Korean", "en": "English", "ja": "Japanese"}
    metadata = {
        "package_version": version,
        "argos_version": "1.9",
        "from_code": source,
        "from_name": names.get(source, source),
        "to_code": target,
        "to_name": names.get(target, target),
        "type": "translate",
    }
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    archive = work_dir / f"{folder_name}-{version}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zip_file:
        for path in sorted(folder.rglob("*")):
            zip_file.write(path, str(path.relative_to(folder.parent)))
    return archive


def build_tiny_packages(work_dir: Path) -> TinyPackages:
    work_dir.mkdir(parents=True, exist_ok=True)
    model = train_sentencepiece()
    return TinyPackages(
        ko_en=build_package(work_dir, "ko", "en", model),
        en_ko=build_package(work_dir, "en", "ko", model),
    )


def build_sentinel_breaking_package(work_dir: Path) -> Path:
    """A ko→en tiny package that writes every digit ``1`` as ``2``: the glossary's
    sentinel ``[1]`` comes out as ``[2]`` — dropped, and duplicated when the sentence
    also has a ``[2]`` — while everything else is translated as by the normal package."""
    work_dir.mkdir(parents=True, exist_ok=True)
    model = train_sentencepiece(symbols=("1", "2"))
    return build_package(work_dir, "ko", "en", model, rewrites={"1": "2"})


def build_ambiguous_package(work_dir: Path) -> Path:
    """A ko→en tiny package for which ``고양이`` is ``cat`` or ``friend``, exactly as
    likely: its n-best list has two real hypotheses."""
    work_dir.mkdir(parents=True, exist_ok=True)
    return build_package(
        work_dir, "ko", "en", train_sentencepiece(), ambiguous={"▁고양이": "▁friend"}
    )


def build_random_package(work_dir: Path, seed: int = 7) -> Path:
    """A ko→en tiny package with random weights: it never knows what to write."""
    from ctranslate2.specs import transformer_spec

    work_dir.mkdir(parents=True, exist_ok=True)
    sentencepiece_model = train_sentencepiece()
    vocabulary = pieces_of(sentencepiece_model)
    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config(1, 2)
    fill_random(spec, rng, len(vocabulary), d_model=32, ffn=64)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return build_package(work_dir, "ko", "en", sentencepiece_model, spec=spec)


def fill_random(spec: Any, rng: Any, vocab_size: int, d_model: int, ffn: int) -> None:
    """Give every weight of a Transformer spec a random value of the right shape."""

    def normal(*shape: int) -> Any:
        return (rng.standard_normal(shape) * 0.5).astype(np.float32)

    def norm(layer: Any) -> None:
        layer.gamma = np.ones(d_model, np.float32)
        layer.beta = np.zeros(d_model, np.float32)

    def attention(layer: Any, self_attention: bool) -> None:
        norm(layer.layer_norm)
        if self_attention:
            layer.linear[0].weight = normal(3 * d_model, d_model)
            layer.linear[1].weight = normal(d_model, d_model)
        else:
            layer.linear[0].weight = normal(d_model, d_model)
            layer.linear[1].weight = normal(2 * d_model, d_model)
            layer.linear[2].weight = normal(d_model, d_model)

    def feed_forward(layer: Any) -> None:
        norm(layer.layer_norm)
        layer.linear_0.weight, layer.linear_1.weight = normal(ffn, d_model), normal(d_model, ffn)

    spec.encoder.embeddings[0].weight = normal(vocab_size, d_model)
    spec.decoder.embeddings.weight = normal(vocab_size, d_model)
    spec.decoder.projection.weight = normal(vocab_size, d_model)
    norm(spec.encoder.layer_norm)
    norm(spec.decoder.layer_norm)
    for layer in spec.encoder.layer:
        attention(layer.self_attention, True)
        feed_forward(layer.ffn)
    for layer in spec.decoder.layer:
        attention(layer.self_attention, True)
        attention(layer.attention, False)
        feed_forward(layer.ffn)


def reference_translation(text_pieces: list[str], source: str) -> list[str]:
    """What the tiny model outputs for a list of pieces: the dictionary applied piece by piece."""
    dictionary = (
        DICTIONARY_KO_EN
        if source == "ko"
        else {english: korean for korean, english in DICTIONARY_KO_EN.items()}
    )
    lookup = {"▁" + k: "▁" + v for k, v in dictionary.items()}
    return [lookup.get(piece, piece) for piece in text_pieces]
