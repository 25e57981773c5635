"""Tiny OPUS-MT (Marian), NLLB-200 and M2M-100 models in the layouts the hub publishes.

They use the copy Transformer of tests/support/tiny_argos.py (output token ``t`` is
source token ``t`` through a small dictionary), so every output is known exactly:

* Marian ``ko-en``: separate ``source.spm`` (Korean) and ``target.spm`` (English) and
  separate source/target vocabularies in Marian's order (``</s> <unk> … <pad>``);
  the model gets no ``</s>`` of its own (the engine appends it).
* NLLB-200 and M2M-100: one ``sentencepiece.bpe.model`` and a shared vocabulary in
  fairseq order (``<s> <pad> </s> <unk>``, the pieces, the language codes,
  ``<mask>``), the decoder started with ``</s>``. The dictionary works both ways;
  language codes are copied like any token, so a source ``[kor_Hang] + pieces +
  [</s>]`` with ``target_prefix=[["eng_Latn"]]`` gives ``eng_Latn`` + the translated
  pieces. With the legacy order (code after ``</s>``) the first word is lost, and
  without the prefix the output starts with the source's own code: both show.

NLLB writes ``shared_vocabulary.json``, M2M-100 ``shared_vocabulary.txt`` (both
layouts exist on the hub).
"""

from __future__ import annotations

import json
import shutil
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tests.support.tiny_argos import (
    DICTIONARY_KO_EN,
    build_spec,
    pieces_of,
    train_sentencepiece,
    training_lines,
    write_ctranslate2_model,
)

SPECIALS = ("<unk>", "<s>", "</s>")
NLLB_CODES = ("eng_Latn", "kor_Hang")
M2M_CODES = ("__en__", "__ko__")


@dataclass(frozen=True)
class TinyFamilies:
    marian_ko_en: Path
    """A folder named ``opus-mt-ko-en`` (its pair is only in its name)."""
    nllb: Path
    m2m100: Path


def _korean_lines() -> list[str]:
    return [line for line in training_lines() if any("가" <= ch <= "힣" for ch in line)]


def _english_lines() -> list[str]:
    return [line for line in training_lines() if line.isascii()]


def build_marian(folder: Path) -> Path:
    """An OPUS-MT-like ko→en model folder with separate SentencePiece models."""
    source_spm = train_sentencepiece(_korean_lines(), list(DICTIONARY_KO_EN))
    target_spm = train_sentencepiece(_english_lines(), list(DICTIONARY_KO_EN.values()))
    source = ["</s>", "<unk>", *(p for p in pieces_of(source_spm) if p not in SPECIALS), "<pad>"]
    target = ["</s>", "<unk>", *(p for p in pieces_of(target_spm) if p not in SPECIALS), "<pad>"]
    index = {piece: i for i, piece in enumerate(target)}
    lookup = {"▁" + k: "▁" + v for k, v in DICTIONARY_KO_EN.items()}
    mapping = [index.get(lookup.get(piece, piece), index["<unk>"]) for piece in source]
    spec = build_spec(source, mapping, target, add_source_eos=False, decoder_start_token="</s>")
    write_ctranslate2_model(spec, folder)
    (folder / "source.spm").write_bytes(source_spm)
    (folder / "target.spm").write_bytes(target_spm)
    return folder


def build_multilingual(folder: Path, codes: tuple[str, str], text_vocabulary: bool) -> Path:
    """An NLLB-200- or M2M-100-like folder: one SentencePiece model, fairseq vocabulary."""
    sentencepiece_model = train_sentencepiece()
    pieces = [p for p in pieces_of(sentencepiece_model) if p not in SPECIALS]
    vocabulary = ["<s>", "<pad>", "</s>", "<unk>", *pieces, *codes, "<mask>"]
    index = {piece: i for i, piece in enumerate(vocabulary)}
    both_ways = {"▁" + k: "▁" + v for k, v in DICTIONARY_KO_EN.items()}
    both_ways.update({v: k for k, v in both_ways.items()})
    mapping = [index[both_ways.get(piece, piece)] for piece in vocabulary]
    spec = build_spec(vocabulary, mapping, add_source_eos=False, decoder_start_token="</s>")
    write_ctranslate2_model(spec, folder)
    (folder / "sentencepiece.bpe.model").write_bytes(sentencepiece_model)
    if text_vocabulary:
        json_file = folder / "shared_vocabulary.json"
        tokens = json.loads(json_file.read_text(encoding="utf-8"))
        (folder / "shared_vocabulary.txt").write_text("\n".join(tokens) + "\n", encoding="utf-8")
        json_file.unlink()
    return folder


def build_tiny_families(work_dir: Path) -> TinyFamilies:
    work_dir.mkdir(parents=True, exist_ok=True)
    return TinyFamilies(
        marian_ko_en=build_marian(work_dir / "opus-mt-ko-en"),
        nllb=build_multilingual(work_dir / "nllb-tiny", NLLB_CODES, text_vocabulary=False),
        m2m100=build_multilingual(work_dir / "m2m100-tiny", M2M_CODES, text_vocabulary=True),
    )


def zip_folder(folder: Path, archive: Path) -> Path:
    """``folder`` as a zip archive with the folder at its top."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zip_file:
        for path in sorted(folder.rglob("*")):
            zip_file.write(path, str(path.relative_to(folder.parent)))
    return archive


def tar_folder(folder: Path, archive: Path) -> Path:
    """``folder`` as a ``.tar.gz`` archive with the folder at its top."""
    with tarfile.open(archive, "w:gz") as tar_file:
        tar_file.add(folder, arcname=folder.name)
    return archive


def copy_folder(folder: Path, destination: Path) -> Path:
    shutil.copytree(folder, destination)
    return destination
