"""The code templates for attendees (data_templates/codigo/) run for real.

The notebooks are executed top to bottom with nbclient, against the library versions they pin, on tiny models
built here from random weights (a tokenizer trained on the bundled data, a small config of the same
architecture as the default model). Nothing is downloaded from a hub: HF_HUB_OFFLINE=1.
The OpenAI script runs against a local HTTP stand-in that records every request.
"""

from __future__ import annotations

import ast
import csv
import importlib.metadata
import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parents[1]
CODIGO = ROOT / "data_templates" / "codigo"
SENTIMENT_TRAIN = ROOT / "data_templates" / "clasificadores" / "sentimiento_entrenamiento.csv"
SENTIMENT_VALIDATION = ROOT / "data_templates" / "clasificadores" / "sentimiento_validacion.csv"
CHAT_TRAIN = ROOT / "data_templates" / "chat" / "retail_entrenamiento.jsonl"
CHAT_VALIDATION = ROOT / "data_templates" / "chat" / "retail_validacion.jsonl"
NOTEBOOKS = ["clasificador_colab.ipynb", "chat_lora_colab.ipynb"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Where executed notebooks are also written, for a person to look at (unset: only tmp_path).
SAVE_EXECUTED = os.environ.get("CODIGO_NOTEBOOKS_EJECUTADOS")


# ---------------------------------------------------------------- helpers


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def pinned_versions(notebook_name: str) -> dict[str, str]:
    """The PINNED dict literal of a notebook's install cell."""
    import nbformat

    nb = nbformat.read(CODIGO / notebook_name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "PINNED = {" in cell.source:
            tree = ast.parse(cell.source)
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "PINNED":
                    return ast.literal_eval(node.value)
    raise AssertionError(f"{notebook_name}: no install cell with a PINNED dict")


def requirement_pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{path.name}: '{line}' is not pinned with =="
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def normalize(name: str) -> str:
    return name.lower().replace("_", "-")


def run_notebook(name: str, parameters: dict, workdir: Path, timeout: int = 600):
    """Execute a notebook with `parameters` injected after its "parameters" cell; return the executed notebook.

    Raises nbclient's CellExecutionError when a cell fails; the partially executed notebook is still saved.
    """
    import nbclient
    import nbformat

    nb = nbformat.read(CODIGO / name, as_version=4)
    index = next(i for i, cell in enumerate(nb.cells) if "parameters" in cell.metadata.get("tags", []))
    source = "# Parameters injected by the test\n" + "\n".join(f"{key} = {value!r}" for key, value in parameters.items())
    injected = nbformat.v4.new_code_cell(source)
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(index + 1, injected)
    client = nbclient.NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    try:
        client.execute()
    finally:
        nbformat.write(nb, workdir / f"ejecutado_{name}")
        if SAVE_EXECUTED:
            Path(SAVE_EXECUTED).mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, Path(SAVE_EXECUTED) / f"{workdir.name}_{name}")
    return nb


def text_outputs(nb) -> str:
    """Everything the executed notebook printed or displayed as text, in order."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                parts.append(output.text)
            elif output.output_type in ("display_data", "execute_result"):
                parts.append(output.data.get("text/html") or output.data.get("text/plain", ""))
            elif output.output_type == "error":
                parts.append(f"{output.ename}: {output.evalue}")
    return "\n".join(parts)


def image_outputs(nb) -> list[str]:
    return [
        output.data["image/png"]
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if output.output_type == "display_data" and "image/png" in output.data
    ]


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No hub access from the test process or the kernels it starts (kernels inherit os.environ)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "false")
    monkeypatch.delenv("HF_TOKEN", raising=False)


# ---------------------------------------------------------------- tiny models


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory) -> Path:
    """A ModernBERT (mmBERT's architecture) with random weights and a WordPiece tokenizer trained on the CSVs."""
    import torch
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import ModernBertConfig, ModernBertForMaskedLM, PreTrainedTokenizerFast

    texts = [row["text"] for path in (SENTIMENT_TRAIN, SENTIMENT_VALIDATION) for row in read_csv_rows(path)]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=800, special_tokens=specials))
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)]
    )
    tokenizer.decoder = decoders.WordPiece()
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        pad_token="[PAD]",
        unk_token="[UNK]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=512,
    )
    config = ModernBertConfig(
        vocab_size=len(wrapped),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        max_position_embeddings=512,
        local_attention=16,
        global_attn_every_n_layers=2,
        pad_token_id=wrapped.pad_token_id,
        cls_token_id=cls_id,
        sep_token_id=sep_id,
        bos_token_id=cls_id,
        eos_token_id=sep_id,
    )
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny_encoder")
    ModernBertForMaskedLM(config).save_pretrained(folder)
    wrapped.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_chat_model(tmp_path_factory) -> Path:
    """A Qwen3 causal LM with random weights, a byte-level BPE trained on the JSONL and Qwen3's own chat template."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GenerationConfig, PreTrainedTokenizerFast, Qwen3Config, Qwen3ForCausalLM
    from trl.chat_template_utils import qwen3_chat_template

    texts = [
        message["content"] for path in (CHAT_TRAIN, CHAT_VALIDATION) for record in read_jsonl(path) for message in record["messages"]
    ]
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.train_from_iterator(
        texts,
        trainers.BpeTrainer(
            vocab_size=1200, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
        ),
    )
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, eos_token="<|im_end|>", pad_token="<|endoftext|>", model_max_length=4096
    )
    # Qwen3 has <think> and </think> as added, non-special tokens.
    wrapped.add_tokens(["<think>", "</think>"])
    wrapped.chat_template = qwen3_chat_template
    config = Qwen3Config(
        vocab_size=len(wrapped),
        hidden_size=48,
        intermediate_size=96,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=12,
        max_position_embeddings=4096,
        tie_word_embeddings=False,
        pad_token_id=wrapped.pad_token_id,
        eos_token_id=wrapped.eos_token_id,
        bos_token_id=None,
    )
    torch.manual_seed(0)
    model = Qwen3ForCausalLM(config)
    model.generation_config = GenerationConfig(eos_token_id=wrapped.eos_token_id, pad_token_id=wrapped.pad_token_id)
    folder = tmp_path_factory.mktemp("tiny_chat")
    model.save_pretrained(folder)
    wrapped.save_pretrained(folder)
    return folder
