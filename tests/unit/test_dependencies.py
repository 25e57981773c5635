"""A plain install brings no torch, stanza, spacy or CUDA package.

The dependency closure of ``bilingual-reader`` (no extras) is followed through the
installed distributions' metadata, honouring environment markers and the extras each
requirement asks for: what ``pip install .`` would install on this machine.
"""

from __future__ import annotations

import re
from importlib import metadata

from packaging.requirements import Requirement

HEAVY = re.compile(r"^(torch|torchvision|torchaudio|stanza|spacy|nvidia-.*|triton)$")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(root: str) -> dict[str, list[str]]:
    """Every distribution ``root`` needs, with the chain that brings it in."""
    chains: dict[str, list[str]] = {canonical(root): [root]}
    pending: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    seen: set[tuple[str, frozenset[str]]] = set()
    while pending:
        name, extras = pending.pop()
        if (canonical(name), extras) in seen:
            continue
        seen.add((canonical(name), extras))
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            wanted = ["", *sorted(extras)]
            if requirement.marker is not None and not any(
                requirement.marker.evaluate({"extra": extra}) for extra in wanted
            ):
                continue
            child = canonical(requirement.name)
            chains.setdefault(child, [*chains[canonical(name)], requirement.name])
            pending.append((requirement.name, frozenset(requirement.extras)))
    return chains


def test_a_plain_install_has_no_torch_stanza_spacy_or_nvidia() -> None:
    chains = closure("bilingual-reader")
    assert "argos-translate-lt" in chains or "argostranslate" in chains
    assert "ctranslate2" in chains and "sentencepiece" in chains
    heavy = {name: " → ".join(chain) for name, chain in chains.items() if HEAVY.match(name)}
    assert heavy == {}


def test_the_dev_extra_is_declared_but_not_followed() -> None:
    """The walk honours markers: the dev tools are in the metadata, behind ``extra == "dev"``."""
    requires = [Requirement(line) for line in metadata.requires("bilingual-reader") or []]
    dev = [r.name for r in requires if r.marker is not None and "extra" in str(r.marker)]
    assert "pytest" in dev and "mypy" in dev
    chains = closure("bilingual-reader")
    assert "pytest" not in chains and "mypy" not in chains
