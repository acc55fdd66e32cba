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
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parents[1]
CODIGO = ROOT / "data_templates" / "codigo"
REPO_TESTS = ROOT / "tests"
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


def normalize(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def requirement_pins(path: Path) -> dict[str, str]:
    """{normalized name: version} of a requirements file where every line is `name==version`."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{path.name}: '{line}' is not pinned with =="
            pins[normalize(name)] = version.strip()
    return pins


FORM_LINE = re.compile(r"^(?P<name>[A-Z0-9_]+) = .*?(?P<param>  # @param.*)$", re.MULTILINE)


def set_form(nb, values: dict) -> None:
    """Change form fields the way Colab does when a person edits them: the `NAME = value  # @param` line changes."""
    pending = dict(values)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue

        def replace(match):
            name = match["name"]
            if name not in pending:
                return match[0]
            return f"{name} = {pending.pop(name)!r}{match['param']}"

        cell.source = FORM_LINE.sub(replace, cell.source)
    assert not pending, f"no form field named {sorted(pending)}"


def run_notebook(
    name: str,
    parameters: dict,
    workdir: Path,
    timeout: int = 600,
    form: dict | None = None,
    setup: str | None = None,
    after: str | None = None,
    steps: list[int] | None = None,
):
    """Execute a notebook with `parameters` injected after its "parameters" cell; return the executed notebook.

    `form` edits form fields of any cell (as a person does in Colab); `setup` is test code run right after the
    injected parameters (stand-ins for Colab and the Hub); `after` is test code run at the end, while the kernel
    is still alive; `steps` keeps only the cells of those step numbers (1 = the parameters cell), to run a step
    out of order as a person may. Raises nbclient's CellExecutionError when a cell fails; the partially executed
    notebook is still saved.
    """
    import nbclient
    import nbformat

    nb = nbformat.read(CODIGO / name, as_version=4)
    if form:
        set_form(nb, form)
    if steps is not None:
        numbered = {int(m[1]): cell for cell in nb.cells if (m := re.match(r"# @title (\d+)\. ", cell.source))}
        nb.cells = [numbered[step] for step in steps]
    index = next(i for i, cell in enumerate(nb.cells) if "parameters" in cell.metadata.get("tags", []))
    source = "# Parameters injected by the test\n" + "\n".join(f"{key} = {value!r}" for key, value in parameters.items())
    injected = [nbformat.v4.new_code_cell(source)]
    if setup:
        injected.append(nbformat.v4.new_code_cell(setup))
    for offset, cell in enumerate(injected, start=1):
        cell.metadata["tags"] = ["injected-parameters"]
        nb.cells.insert(index + offset, cell)
    if after:
        nb.cells.append(nbformat.v4.new_code_cell(after))
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


def colab_stand_in(downloads: Path, secrets: dict[str, str] | None = None, drive_fails: bool = False) -> str:
    """Kernel code that plays google.colab (files, drive, userdata) locally, and Gradio's share server.

    Downloads land in `downloads`; `drive.mount(path)` makes `path` a local folder; `userdata.get` reads `secrets`;
    a share link is "https://prueba-curso.gradio.live", served by the local Gradio server.
    """
    return f"""
import importlib.machinery as _machinery, shutil as _shutil, sys as _sys, types as _types
from pathlib import Path as _Path

class SecretNotFoundError(Exception):
    pass

class NotebookAccessError(Exception):
    pass

_colab = _types.ModuleType("google.colab")
_files = _types.ModuleType("google.colab.files")
_drive = _types.ModuleType("google.colab.drive")
_userdata = _types.ModuleType("google.colab.userdata")

def _download(path):
    _Path({str(downloads)!r}).mkdir(parents=True, exist_ok=True)
    _shutil.copy(path, _Path({str(downloads)!r}) / _Path(path).name)

def _upload():
    raise AssertionError("the test files are already in the working folder: nothing should be uploaded")

def _mount(path):
    if {drive_fails!r}:
        raise ValueError("mount failed")
    (_Path(path) / "MyDrive").mkdir(parents=True, exist_ok=True)

def _get(name):
    secrets = {dict(secrets or {})!r}
    if name not in secrets:
        raise SecretNotFoundError(name)
    return secrets[name]

_files.download, _files.upload = _download, _upload
_drive.mount = _mount
_userdata.get, _userdata.SecretNotFoundError, _userdata.NotebookAccessError = _get, SecretNotFoundError, NotebookAccessError
_colab.files, _colab.drive, _colab.userdata = _files, _drive, _userdata
for _module in (_colab, _files, _drive, _userdata):
    _module.__spec__ = _machinery.ModuleSpec(_module.__name__, None)
try:
    import google
except ImportError:
    _sys.modules["google"] = _types.ModuleType("google")
_sys.modules.update({{"google.colab": _colab, "google.colab.files": _files, "google.colab.drive": _drive,
                     "google.colab.userdata": _userdata}})

import gradio.networking as _networking
SHARE_REQUESTS = []

def _setup_tunnel(local_host, local_port, share_token, share_server_address, share_server_tls_certificate):
    SHARE_REQUESTS.append((local_host, local_port))
    return "https://prueba-curso.gradio.live"

_networking.setup_tunnel = _setup_tunnel
"""


class HubStandIn:
    """A local HTTP server answering the Hugging Face Hub calls of the notebooks' publish step.

    Accepts the token `hf_prueba` for user `participante`, answers 403 to `hf_lectura` on writes, and keeps the
    files of every commit in `self.repos[repo_id]`.
    """

    def __init__(self):
        self.repos: dict[str, dict[str, bytes]] = {}
        self.calls: list[tuple[str, str]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status: int, payload: dict):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _token(self) -> str:
                return self.headers.get("Authorization", "").removeprefix("Bearer ")

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self):
                stand_in.calls.append(("GET", self.path))
                if self.path.startswith("/api/whoami-v2"):
                    if self._token() not in ("hf_prueba", "hf_lectura"):
                        return self._reply(401, {"error": "Invalid credentials in Authorization header"})
                    return self._reply(200, {"type": "user", "name": "participante", "auth": {"accessToken": {"role": "write"}}})
                self._reply(404, {"error": "not found"})

            def do_POST(self):
                body = self._body()
                stand_in.calls.append(("POST", self.path))
                if self._token() == "hf_lectura" and self.path != "/api/validate-yaml":
                    return self._reply(403, {"error": "You don't have the rights to create a model under this namespace"})
                if self.path == "/api/validate-yaml":
                    return self._reply(200, {"errors": [], "warnings": []})
                if self.path == "/api/repos/create":
                    payload = json.loads(body)
                    repo_id = f"{payload.get('organization') or 'participante'}/{payload['name']}"
                    stand_in.repos.setdefault(repo_id, {})
                    return self._reply(200, {"url": f"{stand_in.url}/{repo_id}", "name": repo_id, "id": repo_id})
                match = re.fullmatch(r"/api/models/(.+?)/(preupload|commit)/main", self.path)
                if match and match[2] == "preupload":
                    files = json.loads(body)["files"]
                    return self._reply(200, {"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False, "oid": None} for f in files]})
                if match:
                    import base64

                    repo = stand_in.repos.setdefault(match[1], {})
                    for line in body.decode().splitlines():
                        item = json.loads(line)
                        if item["key"] == "file":
                            repo[item["value"]["path"]] = base64.b64decode(item["value"]["content"])
                    return self._reply(200, {"commitUrl": f"{stand_in.url}/{match[1]}/commit/abc123", "commitOid": "abc123"})
                self._reply(404, {"error": f"not found: {self.path}"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


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


@pytest.fixture(scope="module", autouse=True)
def offline(tmp_path_factory):
    """No hub access from this module's tests or the kernels they start (kernels inherit os.environ).

    Module-scoped and autouse, so it is in place before the tiny models are built.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("TRANSFORMERS_OFFLINE", "1")
        patch.setenv("HF_DATASETS_OFFLINE", "1")
        patch.setenv("HF_HOME", str(tmp_path_factory.mktemp("hf_home")))
        patch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        patch.setenv("TOKENIZERS_PARALLELISM", "false")
        patch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
        patch.delenv("HF_TOKEN", raising=False)
        yield


# ---------------------------------------------------------------- tiny models


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
def tiny_classifier(tiny_encoder, tmp_path_factory) -> Path:
    """The tiny encoder with a classification head for the three sentiment labels, as a published model would be."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    labels = sorted({row["target"] for row in read_csv_rows(SENTIMENT_TRAIN)})
    torch.manual_seed(1)
    model = AutoModelForSequenceClassification.from_pretrained(
        tiny_encoder,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: index for index, label in enumerate(labels)},
    )
    folder = tmp_path_factory.mktemp("tiny_classifier")
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(tiny_encoder).save_pretrained(folder)
    return folder


# ---------------------------------------------------------------- committed notebooks


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_committed_clean_with_a_parameters_cell(name):
    import nbformat

    nb = nbformat.read(CODIGO / name, as_version=4)
    nbformat.validate(nb)
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code_cells), "clear the outputs"
    tagged = [i for i, cell in enumerate(nb.cells) if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    install = next(i for i, cell in enumerate(nb.cells) if "PINNED = {" in cell.source)
    assert tagged[0] < install, "the parameters cell comes first, so Colab's form shows it at the top"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    # Every step is explained: each code cell follows a Spanish markdown cell.
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert nb.cells[i - 1].cell_type == "markdown", f"cell {i} has no explanation before it"
    assert nb.metadata["accelerator"] == "GPU"
    for i, cell in enumerate(code_cells):
        ast.parse(cell.source, filename=f"{name}, celda de código {i + 1}")  # plain Python: no magics needed


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_installed_versions_equal_the_notebook_pins(name):
    pins = pinned_versions(name)
    assert pins, name
    for package, version in pins.items():
        assert importlib.metadata.version(package) == version, f"{name} pins {package}=={version}"
    test_pins = requirement_pins(REPO_TESTS / "requirements-cuadernos.txt")
    for package, version in pins.items():
        assert test_pins.get(normalize(package)) == version, f"requirements-cuadernos.txt disagrees on {package}"
    assert "torch" not in pins, "Colab ships its own torch"


def test_requirements_test_pins_are_installed():
    for package, version in requirement_pins(REPO_TESTS / "requirements-cuadernos.txt").items():
        installed = importlib.metadata.version(package)
        assert installed.split("+")[0] == version, f"{package}: installed {installed}, pinned {version}"


# ---------------------------------------------------------------- classifier notebook


def test_clasificador_notebook_trains_evaluates_saves_shares_and_publishes(tiny_encoder, tmp_path, monkeypatch):
    import zipfile

    import numpy as np
    import torch
    from sklearn.metrics import accuracy_score, f1_score
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    # As in Colab after the upload: the course files sit in the working folder under their default names.
    for path in (SENTIMENT_TRAIN, SENTIMENT_VALIDATION):
        shutil.copy(path, tmp_path / path.name)
    results, downloads, drive = tmp_path / "resultados", tmp_path / "descargas", tmp_path / "drive"
    sentences = ["La entrega fue rapidísima y el producto es excelente.", "Nunca respondieron mi reclamo."]
    with HubStandIn() as hub:
        monkeypatch.setenv("HF_HUB_OFFLINE", "0")
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        nb = run_notebook(
            "clasificador_colab.ipynb",
            {
                "MODELO_BASE": str(tiny_encoder),
                "CARPETA_DE_RESULTADOS": str(results),
                "CARPETA_DRIVE": str(drive),
                "EPOCAS": 1,
                "MAX_PASOS": 8,
            },
            tmp_path,
            form={
                "FRASE_1": sentences[0], "FRASE_2": "", "FRASE_3": "", "FRASE_5": sentences[1],
                "GUARDAR_EN": "Las dos cosas", "PUBLICAR": True,
            },
            setup=colab_stand_in(downloads, secrets={"HF_TOKEN": "hf_prueba"}),
            after=(
                "from gradio_client import Client\n"
                "print('Respuesta por el enlace:', Client(demo.local_url, verbose=False).predict("
                "text='Me encantó la atención', api_name='/clasificar')['label'])\n"
                "demo.close()"
            ),
        )
    output = text_outputs(nb)
    assert "Las bibliotecas ya están instaladas con las versiones correctas." in output
    assert f"Entrenamiento: {SENTIMENT_TRAIN.name} · Validación: {SENTIMENT_VALIDATION.name}" in output

    validation = read_csv_rows(SENTIMENT_VALIDATION)
    labels = sorted({row["target"] for row in read_csv_rows(SENTIMENT_TRAIN)})
    metrics = json.loads((results / "metricas.json").read_text(encoding="utf-8"))
    assert metrics["validation_examples"] == len(validation)
    for key in ("accuracy", "precision_macro", "recall_macro", "f1_macro"):
        assert 0.0 <= metrics[key] <= 1.0

    # The saved model reproduces the reported figures when scored here, outside the notebook.
    model_dir = results / "modelo"
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    assert [model.config.id2label[i] for i in range(len(labels))] == labels
    encoded = tokenizer([row["text"] for row in validation], truncation=True, max_length=128, padding=True, return_tensors="pt")
    with torch.no_grad():
        predicted = model(**encoded).logits.argmax(-1).numpy()
    truth = np.array([labels.index(row["target"]) for row in validation])
    assert metrics["accuracy"] == pytest.approx(accuracy_score(truth, predicted), abs=1e-6)
    assert metrics["f1_macro"] == pytest.approx(f1_score(truth, predicted, average="macro", zero_division=0), abs=1e-6)

    png = (results / "matriz_confusion.png").read_bytes()
    assert png.startswith(PNG_MAGIC) and len(png) > 5_000
    assert len(image_outputs(nb)) == 1, "the confusion matrix is shown in the notebook"
    card = (model_dir / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\nlanguage: es\n")
    assert f"| F1 (macro) | {metrics['f1_macro']:.3f} |" in card
    assert f"Medidos con {len(validation)} ejemplos" in card
    # Step 9: one phrase per form field, empty ones skipped.
    for sentence in sentences:
        assert re.search(re.escape(f"«{sentence}»") + r"\n   → (" + "|".join(labels) + r") \(confianza \d+,\d %\)", output)
    assert output.count("   → ") == len(sentences)

    # Step 10: the zip, in the computer's downloads and in Drive, holds a model that loads.
    zip_name = "clasificador-sentimiento-es.zip"
    assert (downloads / zip_name).read_bytes() == (drive / "MyDrive" / "curso-fine-tuning" / zip_name).read_bytes()
    with zipfile.ZipFile(downloads / zip_name) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "del_zip")
    assert {"modelo/config.json", "modelo/model.safetensors", "modelo/README.md", "modelo/tokenizer.json",
            "metricas.json", "matriz_confusion.png", "pruebas.csv"} <= names
    unzipped = AutoModelForSequenceClassification.from_pretrained(tmp_path / "del_zip" / "modelo").eval()
    with torch.no_grad():
        assert torch.equal(unzipped(**encoded).logits.argmax(-1), torch.from_numpy(predicted))

    # Step 11: the page answers through Gradio's API with one of the labels; the link was printed.
    assert "Tu enlace público: https://prueba-curso.gradio.live" in output
    assert re.search(r"Respuesta por el enlace: (" + "|".join(labels) + ")\n", output)

    # Step 12: published with the secret's token; the Space's MODEL_ID is printed.
    repo = hub.repos["participante/clasificador-sentimiento-es"]
    assert {"config.json", "model.safetensors", "README.md"} <= set(repo)
    assert 'model="participante/clasificador-sentimiento-es"' in repo["README.md"].decode("utf-8")
    assert "Para la demo permanente en un Space, usa MODEL_ID = participante/clasificador-sentimiento-es" in output


def test_clasificador_notebook_publish_with_a_read_token_says_to_make_a_write_one(tiny_encoder, tmp_path, monkeypatch):
    import nbclient

    for path in (SENTIMENT_TRAIN, SENTIMENT_VALIDATION):
        shutil.copy(path, tmp_path / path.name)
    with HubStandIn() as hub, pytest.raises(nbclient.exceptions.CellExecutionError) as caught:
        monkeypatch.setenv("HF_HUB_OFFLINE", "0")
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        run_notebook(
            "clasificador_colab.ipynb",
            {"MODELO_BASE": str(tiny_encoder), "CARPETA_DE_RESULTADOS": str(tmp_path / "r"),
             "CARPETA_DRIVE": str(tmp_path / "drive"), "MAX_PASOS": 1},
            tmp_path,
            form={"PUBLICAR": True},
            setup=colab_stand_in(tmp_path / "descargas", secrets={"HF_TOKEN": "hf_lectura"}),
        )
    assert caught.value.ename == "NotebookStop"
    assert caught.value.evalue.startswith("El token no tiene permiso para escribir. Crea uno de tipo Write")
    assert hub.repos == {}
    # By default the model went to Drive (the classroom's network is spared a 550 MB download).
    assert (tmp_path / "drive" / "MyDrive" / "curso-fine-tuning" / "clasificador-sentimiento-es.zip").is_file()
    assert not (tmp_path / "descargas").exists()


def test_clasificador_notebook_explains_a_blocked_drive(tiny_encoder, tmp_path):
    """A company account that blocks Drive: the save step says what to choose instead."""
    import nbclient

    for path in (SENTIMENT_TRAIN, SENTIMENT_VALIDATION):
        shutil.copy(path, tmp_path / path.name)
    with pytest.raises(nbclient.exceptions.CellExecutionError) as caught:
        run_notebook(
            "clasificador_colab.ipynb",
            {"MODELO_BASE": str(tiny_encoder), "CARPETA_DE_RESULTADOS": str(tmp_path / "r"),
             "CARPETA_DRIVE": str(tmp_path / "drive"), "MAX_PASOS": 1},
            tmp_path,
            setup=colab_stand_in(tmp_path / "descargas", drive_fails=True),
        )
    assert caught.value.ename == "NotebookStop"
    assert caught.value.evalue == (
        "No se pudo conectar Google Drive (mount failed). Si usas una cuenta de empresa o de institución, quizás no "
        "lo permite: elige «Descargar un zip» en GUARDAR_EN y presiona ▶ otra vez."
    )


def test_clasificador_notebook_reads_a_spreadsheet_export_without_validation_file(tiny_encoder, tmp_path):
    """An attendee's own file: `;`-separated, Windows-1252, header in capitals, one row without label."""
    rows = read_csv_rows(SENTIMENT_TRAIN)
    lines = ["Text;Target"] + [f"{row['text'].replace(';', ',')};{row['target']}" for row in rows]
    lines.insert(3, "Este texto quedó sin etiqueta;")
    own = tmp_path / "mis_opiniones.csv"
    own.write_bytes("\r\n".join(lines).encode("cp1252"))
    results = tmp_path / "resultados"
    nb = run_notebook(
        "clasificador_colab.ipynb",
        {
            "MODELO_BASE": str(tiny_encoder),
            "ARCHIVO_ENTRENAMIENTO": str(own),
            "ARCHIVO_VALIDACION": "",
            "CARPETA_DE_RESULTADOS": str(results),
            "MAX_PASOS": 2,
        },
        tmp_path,
    )
    output = text_outputs(nb)
    assert "no está en UTF-8; lo leí como Windows-1252" in output
    assert "salté 1 fila(s)" in output and "línea 4: falta la etiqueta (columna target)" in output
    assert "mis_opiniones.csv (20 % apartado)" in output
    per_label = {}
    for row in rows:
        per_label[row["target"]] = per_label.get(row["target"], 0) + 1
    expected_validation = sum(max(1, round(count * 0.2)) for count in per_label.values())
    metrics = json.loads((results / "metricas.json").read_text(encoding="utf-8"))
    assert metrics["validation_examples"] == expected_validation


def test_clasificador_notebook_stops_with_a_spanish_message_on_a_wrong_header(tiny_encoder, tmp_path):
    import nbclient

    bad = tmp_path / "opiniones.csv"
    bad.write_text("frase,sentimiento\nMe gustó mucho,positivo\n", encoding="utf-8")
    with pytest.raises(nbclient.exceptions.CellExecutionError) as caught:
        run_notebook(
            "clasificador_colab.ipynb",
            {"MODELO_BASE": str(tiny_encoder), "ARCHIVO_ENTRENAMIENTO": str(bad), "CARPETA_DE_RESULTADOS": str(tmp_path)},
            tmp_path,
        )
    assert caught.value.ename == "NotebookStop"
    assert caught.value.evalue == (
        "«opiniones.csv», línea 1: las columnas son frase, sentimiento, pero hacen falta «text» (el texto) y "
        "«target» (la etiqueta). Cambia la primera línea del archivo a: text,target"
    )


# ---------------------------------------------------------------- chat notebook


def test_chat_notebook_trains_saves_shares_and_publishes(tiny_chat_model, tmp_path, monkeypatch):
    """The whole route on the tiny model: train, compare, test questions from the form, zip to the computer and
    to Drive, a share link that answers, and a publish to the Hub stand-in with the token from Colab's secrets."""
    from safetensors.torch import load_file

    for path in (CHAT_TRAIN, CHAT_VALIDATION):
        shutil.copy(path, tmp_path / path.name)
    results, downloads, drive = tmp_path / "resultados", tmp_path / "descargas", tmp_path / "drive"
    n_compare = 2
    with HubStandIn() as hub:
        monkeypatch.setenv("HF_HUB_OFFLINE", "0")
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        nb = run_notebook(
            "chat_lora_colab.ipynb",
            {
                "MODELO_BASE": str(tiny_chat_model),
                "CARPETA_DE_RESULTADOS": str(results),
                "CARPETA_DRIVE": str(drive),
                "MAX_PASOS": 6,
                "N_COMPARACIONES": n_compare,
                "MAX_TOKENS_RESPUESTA": 10,
            },
            tmp_path,
            form={
                "PREGUNTA_1": "¿Cuál es el horario de atención?",
                "PREGUNTA_2": "",
                "PREGUNTA_3": "  ¿Hacen envíos al interior?  ",
                "GUARDAR_EN": "Las dos cosas",
                "PUBLICAR": True,
            },
            setup=colab_stand_in(downloads, secrets={"HF_TOKEN": "hf_prueba"}),
            after=(
                "from gradio_client import Client\n"
                "print('Respuesta por el enlace:', repr(Client(demo.local_url, verbose=False).predict("
                "message='¿Tienen garantía?', api_name='/responder')))\n"
                "print('Pedidos de enlace:', len(SHARE_REQUESTS))\n"
                "demo.close()"
            ),
        )
    output = text_outputs(nb)
    assert "Las bibliotecas ya están instaladas con las versiones correctas." in output
    # Qwen3's template is one TRL can mask, so only the assistant's answers are trained on.
    assert "Se entrenará solo con las respuestas del asistente." in output
    assert f"Entrenamiento: {CHAT_TRAIN.name}, {len(read_jsonl(CHAT_TRAIN))} conversaciones" in output

    adapter = results / "adaptador"
    config = json.loads((adapter / "adapter_config.json").read_text(encoding="utf-8"))
    assert config["r"] == 16 and config["lora_alpha"] == 16 and config["peft_type"] == "LORA"
    weights = load_file(adapter / "adapter_model.safetensors")
    lora_b = [tensor for key, tensor in weights.items() if "lora_B" in key]
    assert lora_b and any(float(tensor.abs().sum()) > 0 for tensor in lora_b), "LoRA B starts at zero: training moved it"
    trainable = sum(tensor.numel() for tensor in weights.values())
    assert f"el adaptador ocupará unos {round(trainable * 4 / 1e6)} MB" in output

    history = json.loads((results / "historial_entrenamiento.json").read_text(encoding="utf-8"))
    assert [step for step, _ in history["entrenamiento"]] == list(range(1, 7))
    assert history["validacion"], "validation loss recorded"
    png = (results / "perdida.png").read_bytes()
    assert png.startswith(PNG_MAGIC) and len(png) > 5_000
    assert len(image_outputs(nb)) == 1

    with (results / "comparacion.csv").open(encoding="utf-8", newline="") as handle:
        comparison = list(csv.DictReader(handle))
    validation = read_jsonl(CHAT_VALIDATION)[:n_compare]
    assert len(comparison) == n_compare
    for row, record in zip(comparison, validation):
        messages = record["messages"]
        assert row["pregunta"] == next(m["content"] for m in reversed(messages[:-1]) if m["role"] == "user")
        assert row["respuesta esperada"] == messages[-1]["content"]
        assert row["modelo base"] and row["modelo ajustado"]
    assert "<th>Modelo base</th><th>Modelo ajustado</th>" in output
    assert re.search(rf"El adaptador cambió \d de {n_compare} respuestas \(\d+ s\)\.", output)

    # Step 9: one question per form field; empty fields are skipped and spaces trimmed.
    assert "Tú: ¿Cuál es el horario de atención?\nModelo ajustado: " in output
    assert "Tú: ¿Hacen envíos al interior?\nModelo ajustado: " in output
    with (results / "pruebas.csv").open(encoding="utf-8", newline="") as handle:
        assert [row["pregunta"] for row in csv.DictReader(handle)] == ["¿Cuál es el horario de atención?", "¿Hacen envíos al interior?"]

    # Step 10: the same zip in the computer's downloads and in Drive, with everything needed to keep the model.
    zip_name = "asistente-lora-es.zip"
    assert (downloads / zip_name).read_bytes() == (drive / "MyDrive" / "curso-fine-tuning" / zip_name).read_bytes()
    import zipfile

    with zipfile.ZipFile(downloads / zip_name) as archive:
        names = set(archive.namelist())
        card = archive.read("adaptador/README.md").decode("utf-8")
    assert {"adaptador/adapter_model.safetensors", "adaptador/adapter_config.json", "adaptador/README.md",
            "perdida.png", "comparacion.csv", "pruebas.csv", "historial_entrenamiento.json"} <= names
    assert card.startswith("---\nlanguage: es\n") and "pipeline_tag: text-generation" in card
    assert "Copiado a tu Google Drive: Mi unidad → curso-fine-tuning → asistente-lora-es.zip" in output
    assert "Descargando «asistente-lora-es.zip»" in output

    # Step 11: a share link was asked for, printed, and the page answers through Gradio's API.
    assert "Tu enlace público: https://prueba-curso.gradio.live" in output
    assert "Pedidos de enlace: 1" in output
    assert re.search(r"Respuesta por el enlace: '.+'", output)

    # Step 12: published with the secret's token, card naming the repository.
    repo = hub.repos["participante/asistente-lora-es"]
    assert {"adapter_model.safetensors", "adapter_config.json", "README.md"} <= set(repo)
    assert repo["adapter_model.safetensors"] == (adapter / "adapter_model.safetensors").read_bytes()
    assert 'from_pretrained("participante/asistente-lora-es")' in repo["README.md"].decode("utf-8")
    assert f"¡Publicado! {hub.url}/participante/asistente-lora-es" in output


def test_chat_notebook_publish_explains_the_token_steps_without_a_secret(tiny_chat_model, tmp_path):
    """Publishing with no HF_TOKEN secret stops in Spanish with the clicks to create it; nothing else is needed."""
    import nbclient

    for path in (CHAT_TRAIN, CHAT_VALIDATION):
        shutil.copy(path, tmp_path / path.name)
    with pytest.raises(nbclient.exceptions.CellExecutionError) as caught:
        run_notebook(
            "chat_lora_colab.ipynb",
            {"MODELO_BASE": str(tiny_chat_model), "CARPETA_DE_RESULTADOS": str(tmp_path / "r"), "MAX_PASOS": 1,
             "N_COMPARACIONES": 1, "MAX_TOKENS_RESPUESTA": 2},
            tmp_path,
            form={"PUBLICAR": True},
            setup=colab_stand_in(tmp_path / "descargas"),
        )
    assert caught.value.ename == "NotebookStop"
    message = caught.value.evalue
    assert message.startswith("Para publicar falta tu token de Hugging Face, guardado como secreto de Colab.")
    assert "Settings → Access Tokens → Create new token → pestaña Write" in message and "HF_TOKEN" in message
    # The model was saved before the publish step stopped.
    assert (tmp_path / "descargas" / "asistente-lora-es.zip").is_file()


def test_chat_notebook_step_run_out_of_order_says_what_to_run_first(tiny_chat_model, tmp_path):
    """A person who presses ▶ on step 9 before training gets the step to run, in Spanish; with an empty
    session (Colab restarted), the same press says to run everything."""
    import nbclient

    with pytest.raises(nbclient.exceptions.CellExecutionError) as caught:
        run_notebook("chat_lora_colab.ipynb", {"MODELO_BASE": str(tiny_chat_model)}, tmp_path, steps=[1, 2, 3, 4, 9])
    assert caught.value.ename == "NotebookStop"
    assert caught.value.evalue.startswith("Este paso usa el resultado del paso 7. Entrenar con LoRA, que no se ejecutó")
    assert "desde el 1 hasta el 7." in caught.value.evalue

    with pytest.raises(nbclient.exceptions.CellExecutionError) as caught:
        run_notebook("chat_lora_colab.ipynb", {}, tmp_path, steps=[1, 10])
    assert caught.value.ename == "RuntimeError"
    assert caught.value.evalue == "⛔ Faltan los pasos anteriores. Usa el menú Entorno de ejecución → Ejecutar todo."


# ---------------------------------------------------------------- Space app


def load_space_app(monkeypatch, model_id: str):
    monkeypatch.setenv("MODEL_ID", model_id)
    spec = importlib.util.spec_from_file_location("space_app_under_test", CODIGO / "space_clasificador" / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_space_classify_returns_a_probability_per_label(tiny_classifier, monkeypatch):
    import gradio as gr

    app = load_space_app(monkeypatch, str(tiny_classifier))
    labels = sorted({row["target"] for row in read_csv_rows(SENTIMENT_TRAIN)})
    for text in app.EXAMPLES + ["muy " * 2000]:
        scores = app.classify(text)
        assert sorted(scores) == labels
        assert sum(scores.values()) == pytest.approx(1.0, abs=1e-5)
        assert all(0.0 <= value <= 1.0 for value in scores.values())
    assert app.classify("   ") == {}
    assert isinstance(app.demo, gr.Interface)
    assert str(tiny_classifier) in app.demo.description


def test_space_without_model_id_explains_how_to_set_it(monkeypatch):
    import gradio as gr

    app = load_space_app(monkeypatch, "")
    with pytest.raises(gr.Error) as caught:
        app.classify("Me encantó")
    assert "Settings → Variables and secrets" in caught.value.message and "MODEL_ID" in caught.value.message
    assert app.demo.description.startswith("⚠️ Falta indicar qué modelo usar.")


def test_space_front_matter_and_requirements_match_the_tested_versions():
    import yaml

    readme = (CODIGO / "space_clasificador" / "README.md").read_text(encoding="utf-8")
    front = yaml.safe_load(readme.split("---\n")[1])
    assert front["sdk"] == "gradio"
    assert front["sdk_version"] == importlib.metadata.version("gradio")
    assert front["python_version"] == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert (CODIGO / "space_clasificador" / front["app_file"]).is_file()
    assert len(front["short_description"]) <= 60
    space_pins = requirement_pins(CODIGO / "space_clasificador" / "requirements.txt")
    test_pins = requirement_pins(REPO_TESTS / "requirements-cuadernos.txt")
    assert space_pins and all(test_pins[name] == version for name, version in space_pins.items())


# ---------------------------------------------------------------- OpenAI / Azure script


class OpenAIStandIn:
    """A local HTTP server that answers the calls of api_finetuning.py the way the OpenAI API does."""

    def __init__(self, deny_training: bool = False, file_status_sequence=("processed",)):
        self.requests: list[dict] = []
        self.deny_training = deny_training
        self.file_statuses = list(file_status_sequence)
        self.job_polls = 0
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def _reply(self, status: int, payload: dict):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _record(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                stand_in.requests.append(
                    {"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                )
                return body

            def do_POST(self):
                body = self._record()
                if self.path == "/v1/files":
                    name = re.search(rb'filename="([^"]+)"', body).group(1).decode()
                    file_id = f"file-{len([r for r in stand_in.requests if r['path'] == '/v1/files'])}"
                    return self._reply(200, stand_in.file(file_id, name, stand_in.file_statuses[0]))
                if self.path == "/v1/fine_tuning/jobs":
                    if stand_in.deny_training:
                        return self._reply(
                            403,
                            {
                                "error": {
                                    "message": "Fine-tuning is not available for this organization.",
                                    "type": "invalid_request_error",
                                    "param": None,
                                    "code": "training_not_available",
                                }
                            },
                        )
                    stand_in.job_request = json.loads(body)
                    return self._reply(200, stand_in.job("validating_files"))
                self._reply(404, {"error": {"message": "not found", "code": None}})

            def do_GET(self):
                self._record()
                path = self.path.split("?")[0]
                if path.startswith("/v1/files/"):
                    status = stand_in.file_statuses.pop(0) if len(stand_in.file_statuses) > 1 else stand_in.file_statuses[0]
                    return self._reply(200, stand_in.file(path.rsplit("/", 1)[1], "x.jsonl", status))
                if path == "/v1/fine_tuning/jobs/ftjob-curso1":
                    stand_in.job_polls += 1
                    status = ["validating_files", "running", "succeeded"][min(stand_in.job_polls, 3) - 1]
                    return self._reply(200, stand_in.job(status))
                if path == "/v1/fine_tuning/jobs/ftjob-curso1/events":
                    return self._reply(200, {"object": "list", "data": stand_in.events(), "has_more": False})
                self._reply(404, {"error": {"message": "not found", "code": None}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def file(self, file_id: str, name: str, status: str) -> dict:
        return {"id": file_id, "object": "file", "bytes": 1, "created_at": 1764547200, "filename": name,
                "purpose": "fine-tune", "status": status}

    def job(self, status: str) -> dict:
        done = status == "succeeded"
        return {
            "id": "ftjob-curso1", "object": "fine_tuning.job", "created_at": 1764547200, "error": None,
            "fine_tuned_model": "ft:gpt-4.1-mini-2025-04-14:curso::abc123" if done else None,
            "finished_at": 1764550800 if done else None, "hyperparameters": {"n_epochs": 3},
            "model": "gpt-4.1-mini-2025-04-14", "organization_id": "org-curso", "result_files": [], "seed": 1,
            "status": status, "trained_tokens": 123456 if done else None, "training_file": "file-1",
            "validation_file": None,
        }

    def events(self) -> list[dict]:
        messages = ["Validating training file", "Fine-tuning job started", "Step 10/30: training loss=0.52",
                    "The job has successfully completed"][: self.job_polls + 1]
        # Newest first, like the API.
        return [
            {"id": f"ftevent-{i}", "object": "fine_tuning.job.event", "created_at": 1764547200 + 60 * i,
             "level": "info", "message": message}
            for i, message in reversed(list(enumerate(messages)))
        ]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def run_api_script(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI_"))}
    env.update({"OPENAI_API_KEY": "sk-prueba", "PYTHONIOENCODING": "utf-8", "NO_PROXY": "127.0.0.1"})
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, str(CODIGO / "api_finetuning.py"), *args],
        capture_output=True, text=True, env=env, timeout=120, cwd=CODIGO,
    )


def test_api_script_uploads_creates_the_job_and_prints_the_model(tmp_path):
    with OpenAIStandIn(file_status_sequence=("uploaded", "processed")) as api:
        result = run_api_script(
            str(CHAT_TRAIN), "--validacion", str(CHAT_VALIDATION), "--base-url", api.url, "--intervalo", "0",
            "--sufijo", "retail", "--epocas", "2", "--modelo", "gpt-4.1-mini-2025-04-14",
        )
    assert result.returncode == 0, result.stderr
    calls = [(r["method"], r["path"].split("?")[0]) for r in api.requests]
    assert calls[:2] == [("POST", "/v1/files"), ("GET", "/v1/files/file-1")]
    assert ("POST", "/v1/fine_tuning/jobs") in calls
    assert calls.count(("POST", "/v1/files")) == 2
    uploads = [r for r in api.requests if r["path"] == "/v1/files"]
    assert all(r["headers"]["authorization"] == "Bearer sk-prueba" for r in api.requests)
    assert b'name="purpose"\r\n\r\nfine-tune' in uploads[0]["body"]
    assert CHAT_TRAIN.read_bytes() in uploads[0]["body"] and CHAT_VALIDATION.read_bytes() in uploads[1]["body"]
    assert api.job_request == {
        "model": "gpt-4.1-mini-2025-04-14", "training_file": "file-1", "validation_file": "file-2",
        "suffix": "retail", "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2}}},
    }
    assert calls.count(("GET", "/v1/fine_tuning/jobs/ftjob-curso1")) == 3
    out = result.stdout
    assert "Trabajo creado: ftjob-curso1" in out
    # Events printed once each, oldest first.
    positions = [out.index(m) for m in ("Validating training file", "Fine-tuning job started", "Step 10/30", "successfully completed")]
    assert positions == sorted(positions) and out.count("Validating training file") == 1
    assert "Estado: entrenando" in out and "Estado: terminado con éxito" in out
    assert out.rstrip().splitlines()[-2] == "Modelo listo: ft:gpt-4.1-mini-2025-04-14:curso::abc123"


def test_api_script_explains_the_2026_wind_down_on_403_training_not_available():
    with OpenAIStandIn(deny_training=True) as api:
        result = run_api_script(str(CHAT_TRAIN), "--base-url", api.url, "--intervalo", "0", "--modelo", "gpt-4.1-mini-2025-04-14")
    assert result.returncode == 3
    err = result.stderr
    assert "403 «training_not_available»" in err
    assert "desde el 7 de mayo de 2026" in err and "desde el 2 de julio de 2026" in err and "desde el 6 de enero de 2027" in err
    assert "para gpt-4o, gpt-4o-mini,\ngpt-4.1 y gpt-4.1-mini, el 14 de enero de 2027" in err
    assert "chat_lora_colab.ipynb" in err and "Microsoft Foundry" in err
    assert "Traceback" not in err
    assert "Modelo listo" not in result.stdout


def test_api_script_refuses_an_invalid_file_before_any_upload(tmp_path):
    bad = tmp_path / "datos.jsonl"
    lines = CHAT_TRAIN.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[2])
    broken["messages"] = [m for m in broken["messages"] if m["role"] != "assistant"]
    lines[2] = json.dumps(broken, ensure_ascii=False)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with OpenAIStandIn() as api:
        result = run_api_script(str(bad), "--base-url", api.url, "--intervalo", "0", "--modelo", "m")
    assert result.returncode == 2
    assert api.requests == []
    assert f"{bad}:3: error:" in result.stdout
    assert "no se subió" in result.stderr and "Traceback" not in result.stderr


def test_api_script_uses_the_azure_variables(tmp_path):
    with OpenAIStandIn() as api:
        endpoint = api.url.removesuffix("/v1") + "/azure"
        result = run_api_script(
            str(CHAT_TRAIN), "--intervalo", "0", "--modelo", "gpt-4.1-mini",
            env_extra={"OPENAI_API_KEY": "", "AZURE_OPENAI_API_KEY": "clave-azure", "AZURE_OPENAI_ENDPOINT": endpoint},
        )
    # The stand-in only serves /v1: the request reached Azure's v1 path with Azure's key header.
    assert result.returncode == 1
    first = api.requests[0]
    assert first["path"] == "/azure/openai/v1/files"
    assert first["headers"]["api-key"] == "clave-azure"
    assert "La API respondió 404" in result.stderr


def test_api_script_help_is_in_spanish():
    result = subprocess.run(
        [sys.executable, str(CODIGO / "api_finetuning.py"), "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.startswith("uso: api_finetuning.py")
    assert "opciones:" in result.stdout and "--base-url URL" in result.stdout and "--seguir ID_TRABAJO" in result.stdout
    wrong = subprocess.run(
        [sys.executable, str(CODIGO / "api_finetuning.py"), "datos.jsonl", "--epocas", "dos"],
        capture_output=True, text=True, timeout=60,
    )
    assert wrong.returncode == 2
    assert wrong.stderr.endswith("api_finetuning.py: error: opción --epocas: no es un número entero: 'dos'\n")


def test_api_script_without_key_says_how_to_set_it():
    result = run_api_script(str(CHAT_TRAIN), "--modelo", "m", env_extra={"OPENAI_API_KEY": ""})
    assert result.returncode == 2
    assert "Falta la clave de la API" in result.stderr and "OPENAI_API_KEY" in result.stderr


def test_api_script_has_no_default_model_and_says_what_to_do_after_january_2027():
    """Every model OpenAI lets you tune shuts down on 2027-01-14 (announced 2026-10-14): no default is safe."""
    source = (CODIGO / "api_finetuning.py").read_text(encoding="utf-8")
    assert "gpt-4" not in re.sub(r'""".*?"""|#.*', "", source, flags=re.DOTALL).split("MISSING_MODEL_MESSAGE")[0]
    with OpenAIStandIn() as api:
        result = run_api_script(str(CHAT_TRAIN), "--base-url", api.url, "--intervalo", "0")
    assert result.returncode == 2
    assert api.requests == [], "nothing is uploaded before a model is chosen"
    err = result.stderr
    assert err.startswith("Falta elegir el modelo base con --modelo")
    assert "se apagan el 14 de enero de 2027" in err and "desde el 6 de enero de 2027 OpenAI no acepta trabajos" in err
    assert "chat_lora_colab.ipynb" in err and "Traceback" not in err


# ---------------------------------------------------------------- guides and READMEs follow the notebooks


GUIDES = {
    "chat_lora_colab.ipynb": ROOT / "decks" / "guias" / "guia-1-modelo-de-chat.md.j2",
    "clasificador_colab.ipynb": ROOT / "decks" / "guias" / "guia-2-clasificador.md.j2",
}


def notebook_steps(name: str) -> dict[int, str]:
    """{step number: title} from the `# @title N. Title {…}` line of each code cell."""
    import nbformat

    nb = nbformat.read(CODIGO / name, as_version=4)
    steps = {}
    for cell in nb.cells:
        match = re.match(r"# @title (\d+)\. (.+?)(?: \(no hace falta leerlas\))? \{", cell.source)
        if match:
            steps[int(match[1])] = match[2]
    return steps


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_guide_lists_the_notebook_steps_with_their_titles(name):
    """A person with the printed guide finds each row's title, in order, on the notebook's step."""
    guide = GUIDES[name].read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>(\d+) · (.+?)</td>", guide)
    assert [int(number) for number, _ in rows] == list(range(1, 13))
    assert {int(number): title for number, title in rows} == notebook_steps(name)
    # Both notebooks share numbers and step names where they do the same thing.
    other = notebook_steps(next(n for n in NOTEBOOKS if n != name))
    same = {1, 2, 3, 4, 5, 6, 10, 11, 12}
    assert {k: v for k, v in notebook_steps(name).items() if k in same} == {k: v for k, v in other.items() if k in same}


def test_codigo_readme_table_names_both_notebooks_steps():
    readme = (CODIGO / "LEEME.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (.+?) \| (.+?) \|$", readme, flags=re.MULTILINE)
    assert {int(n): chat for n, chat, _ in rows} == notebook_steps("chat_lora_colab.ipynb")
    assert {int(n): clasif for n, _, clasif in rows} == notebook_steps("clasificador_colab.ipynb")


def test_space_folder_has_the_three_files_the_readmes_count():
    files = sorted(path.name for path in (CODIGO / "space_clasificador").iterdir() if path.is_file())
    assert files == ["README.md", "app.py", "requirements.txt"]
    assert "los **3 archivos** de la carpeta `space_clasificador`" in (CODIGO / "LEEME.md").read_text(encoding="utf-8")
    assert "sube los 3 archivos de esta carpeta" in (CODIGO / "space_clasificador" / "README.md").read_text(encoding="utf-8")
