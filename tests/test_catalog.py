"""The dataset catalog (data_templates/catalogo.yaml) against its JSON Schema and against the files it lists.

The catalog is what the landing page shows and what attendees trust: every number in it must be the
number of examples they download, and every data file they download must be described in it.
"""

from __future__ import annotations

import copy
import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data_templates"
CATALOG_PATH = DATA / "catalogo.yaml"
SCHEMA_PATH = REPO / "marp_build" / "schemas" / "catalog.schema.json"

# Files in data_templates/ that are not datasets: the code templates have their own folder and tests.
NOT_DATA_DIRS = {"codigo"}
NOT_DATA_FILES = {"catalogo.yaml"}
CSV_HEADERS = {"csv-clasificador": ["text", "target"], "csv-hoja": ["sistema", "pregunta", "respuesta"]}
DATA_FORMATS = {"jsonl-chat", *CSV_HEADERS}


def _load_catalog() -> dict:
    with CATALOG_PATH.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


CATALOG = _load_catalog()
ENTRIES = CATALOG.get("conjuntos", []) if isinstance(CATALOG, dict) else []
# Entries that describe datasets (a later catalog may also list code templates, checked elsewhere).
DATA_ENTRIES = [e for e in ENTRIES if isinstance(e, dict) and e.get("formato") in DATA_FORMATS]
IDS = [str(e.get("id")) for e in DATA_ENTRIES]
PAIRED = [e for e in DATA_ENTRIES if "validacion" in e.get("archivos", {})]
CLASSIFIERS = [e for e in PAIRED if e["formato"] == "csv-clasificador"]


def _path(relative: str) -> Path:
    return DATA / relative


def _normalize(text: str) -> str:
    """Case, spacing and surrounding punctuation do not make two examples different."""
    return re.sub(r"\s+", " ", text).strip(" .,;:¡!¿?\"'«»").casefold()


def _jsonl_examples(path: Path) -> list[tuple[int, dict]]:
    examples = []
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if line.strip():
                examples.append((number, json.loads(line)))
    return examples


def _csv_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and data rows (with their line numbers); rows with only empty cells are not examples."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    return header, rows


def _count(entry: dict, relative: str) -> int:
    path = _path(relative)
    if entry["formato"] == "jsonl-chat":
        with path.open(encoding="utf-8") as f:
            return sum(1 for line in f if line.strip())
    return len(_csv_rows(path)[1])


def _example_keys(entry: dict, relative: str) -> dict[str, int]:
    """What makes an example unique, mapped to its line: the first user turn of a chat, the text of a CSV row."""
    path = _path(relative)
    keys: dict[str, int] = {}
    if entry["formato"] == "jsonl-chat":
        for number, example in _jsonl_examples(path):
            first_user = next(m["content"] for m in example["messages"] if m["role"] == "user")
            keys.setdefault(_normalize(first_user), number)
    else:
        header, rows = _csv_rows(path)
        column = header.index("pregunta" if entry["formato"] == "csv-hoja" else "text")
        for number, row in rows:
            keys.setdefault(_normalize(row[column]), number)
    return keys


def _labels(relative: str) -> Counter:
    header, rows = _csv_rows(_path(relative))
    column = header.index("target")
    return Counter(row[column] for _, row in rows)


# --- The schema and the catalog itself -------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema():
    schema = _schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_catalog_follows_its_schema():
    validator = Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(CATALOG), key=lambda e: list(map(str, e.absolute_path)))
    found = [f"{'.'.join(map(str, e.absolute_path)) or '(raíz)'}: {e.message}" for e in errors]
    assert found == [], "data_templates/catalogo.yaml no sigue catalog.schema.json:\n" + "\n".join(found)


def test_ids_are_unique():
    repeated = [name for name, n in Counter(e.get("id") for e in ENTRIES).items() if n > 1]
    assert repeated == [], f"data_templates/catalogo.yaml: ids repetidos {repeated}; cada conjunto necesita su propio id"


def test_every_data_file_is_listed():
    listed = {relative for e in ENTRIES for relative in e.get("archivos", {}).values()}
    present = {
        path.relative_to(DATA).as_posix()
        for path in DATA.rglob("*")
        if path.is_file()
        and path.relative_to(DATA).parts[0] not in NOT_DATA_DIRS
        and path.suffix != ".md"
        and path.name not in NOT_DATA_FILES
    }
    unlisted = sorted(present - listed)
    assert unlisted == [], f"archivos de data_templates/ que no figuran en catalogo.yaml (agrégalos): {unlisted}"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda e: e.update(autor="alguien"), "Additional properties"),
        (lambda e: e["archivos"].pop("validacion"), "'validacion' is a required property"),
        (lambda e: e["filas"].pop("validacion"), "'validacion' is a required property"),
        (lambda e: e.update(formato="csv-clasificador"), "is not one of ['jsonl-chat']"),
        (lambda e: e.update(tarea="traductor"), "is not one of"),
        (lambda e: e.update(id="Chat Salud"), "does not match"),
        (lambda e: e["archivos"].update(entrenamiento="chat/Salud entrenamiento.jsonl"), "does not match"),
        (lambda e: e["archivos"].update(validacion="chat/salud_validacion.csv"), "does not match '\\\\.jsonl$'"),
        (lambda e: e["filas"].update(entrenamiento=9), "is less than the minimum of 10"),
        (lambda e: e.update(licencia="MIT"), "is not one of ['CC BY 4.0']"),
    ],
    ids=["campo-extra", "sin-archivo-validacion", "sin-filas-validacion", "formato-de-otra-tarea",
         "tarea-desconocida", "id-no-kebab", "ruta-con-espacios", "extension-equivocada", "menos-de-10",
         "otra-licencia"],
)
def test_schema_rejects_a_broken_entry(change, expected):
    chat = {
        "id": "chat-ejemplo", "titulo": "Ejemplo", "industria": "Salud", "tarea": "chat", "formato": "jsonl-chat",
        "archivos": {"entrenamiento": "chat/a_entrenamiento.jsonl", "validacion": "chat/a_validacion.jsonl"},
        "filas": {"entrenamiento": 60, "validacion": 15}, "descripcion": "Un ejemplo.",
        "modelo_sugerido": "Qwen/Qwen3-0.6B", "plataforma_sugerida": "Unsloth Studio en Google Colab",
        "licencia": "CC BY 4.0",
    }
    validator = Draft202012Validator(_schema())
    assert list(validator.iter_errors({"conjuntos": [chat]})) == []
    broken = copy.deepcopy(chat)
    change(broken)
    messages = [e.message for e in validator.iter_errors({"conjuntos": [broken]})]
    assert any(expected in m for m in messages), messages


CLASSIFIER_ENTRY = {
    "id": "clasificador-ejemplo", "titulo": "Ejemplo", "industria": "Comercio", "tarea": "clasificador",
    "formato": "csv-clasificador",
    "archivos": {"entrenamiento": "clasificadores/a_entrenamiento.csv", "validacion": "clasificadores/a_validacion.csv"},
    "filas": {"entrenamiento": 60, "validacion": 60}, "descripcion": "Un ejemplo.",
    "reglas_etiquetado": {"consulta": "Pregunta por un producto.", "reclamo": "Cuenta algo que salió mal."},
    "modelo_sugerido": "jhu-clsp/mmBERT-small", "plataforma_sugerida": "Colab", "licencia": "CC BY 4.0",
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda e: e.pop("reglas_etiquetado"), "'reglas_etiquetado' is a required property"),
        (lambda e: e["reglas_etiquetado"].update(reclamo=""), "should be non-empty"),
        (lambda e: e["reglas_etiquetado"].pop("reclamo"), "does not have enough properties"),
        (lambda e: e["reglas_etiquetado"].update({"con espacios": "Una regla."}), "does not match"),
    ],
    ids=["sin-reglas", "regla-vacia", "una-sola-regla", "etiqueta-con-espacios"],
)
def test_schema_requires_a_rule_for_each_classifier_label(change, expected):
    validator = Draft202012Validator(_schema())
    assert list(validator.iter_errors({"conjuntos": [CLASSIFIER_ENTRY]})) == []
    broken = copy.deepcopy(CLASSIFIER_ENTRY)
    change(broken)
    messages = [e.message for e in validator.iter_errors({"conjuntos": [broken]})]
    assert any(expected in m for m in messages), messages


def test_a_template_needs_no_validation_file():
    template = {
        "id": "plantilla-x", "titulo": "X", "industria": "Tu propio caso", "tarea": "plantilla",
        "formato": "csv-hoja", "archivos": {"entrenamiento": "plantillas/x.csv"}, "filas": {"entrenamiento": 10},
        "descripcion": "X.", "modelo_sugerido": "Qwen/Qwen3-0.6B", "plataforma_sugerida": "Colab",
        "licencia": "CC BY 4.0",
    }
    assert list(Draft202012Validator(_schema()).iter_errors({"conjuntos": [template]})) == []


# --- Each dataset against its files ---------------------------------------------------------------


@pytest.mark.parametrize("entry", DATA_ENTRIES, ids=IDS)
def test_listed_files_exist(entry):
    missing = [rel for rel in entry["archivos"].values() if not _path(rel).is_file()]
    assert missing == [], f"catalogo.yaml ({entry['id']}) lista archivos que no existen en data_templates/: {missing}"


@pytest.mark.parametrize("entry", DATA_ENTRIES, ids=IDS)
def test_files_are_utf8_lf_without_bom(entry):
    for relative in entry["archivos"].values():
        raw = _path(relative).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), f"{relative}: empieza con BOM; guárdalo como UTF-8 sin BOM"
        raw.decode("utf-8")  # raises on anything that is not UTF-8
        assert b"\r" not in raw, f"{relative}: tiene finales de línea de Windows (CRLF); usa LF"
        assert raw.endswith(b"\n"), f"{relative}: la última línea no termina en salto de línea"


@pytest.mark.parametrize("entry", DATA_ENTRIES, ids=IDS)
def test_content_matches_format(entry):
    for relative in entry["archivos"].values():
        path = _path(relative)
        if entry["formato"] == "jsonl-chat":
            for number, example in _jsonl_examples(path):
                messages = example.get("messages")
                assert isinstance(messages, list) and messages, f"{relative}:{number}: falta la lista «messages»"
                roles = [m["role"] for m in messages]
                assert set(roles) <= {"system", "user", "assistant"}, f"{relative}:{number}: roles {roles}"
                assert "user" in roles and roles[-1] == "assistant", f"{relative}:{number}: roles {roles}"
                assert all(isinstance(m["content"], str) and m["content"].strip() for m in messages), (
                    f"{relative}:{number}: hay un mensaje vacío"
                )
        else:
            header, rows = _csv_rows(path)
            assert header == CSV_HEADERS[entry["formato"]], f"{relative}:1: encabezado {header}"
            for number, row in rows:
                assert len(row) == len(header), f"{relative}:{number}: {len(row)} columnas en vez de {len(header)}"


@pytest.mark.parametrize("entry", DATA_ENTRIES, ids=IDS)
def test_row_counts_match_the_files(entry):
    for role, relative in entry["archivos"].items():
        declared = entry["filas"].get(role)
        actual = _count(entry, relative)
        assert declared == actual, (
            f"data_templates/catalogo.yaml ({entry['id']}): filas.{role} dice {declared}, "
            f"pero {relative} tiene {actual} ejemplos; corrige el número en el catálogo"
        )


@pytest.mark.parametrize("entry", DATA_ENTRIES, ids=IDS)
def test_no_repeated_examples_within_a_file(entry):
    for relative in entry["archivos"].values():
        total = _count(entry, relative)
        unique = len(_example_keys(entry, relative))
        assert unique == total, f"{relative}: {total - unique} ejemplo(s) repetido(s)"


@pytest.mark.parametrize("entry", PAIRED, ids=[str(e["id"]) for e in PAIRED])
def test_training_and_validation_do_not_overlap(entry):
    train = _example_keys(entry, entry["archivos"]["entrenamiento"])
    valid = _example_keys(entry, entry["archivos"]["validacion"])
    shared = [
        f"{entry['archivos']['entrenamiento']}:{train[k]} y {entry['archivos']['validacion']}:{valid[k]}"
        for k in sorted(train.keys() & valid.keys())
    ]
    assert shared == [], "el mismo ejemplo está en entrenamiento y en validación: " + "; ".join(shared)


@pytest.mark.parametrize("entry", CLASSIFIERS, ids=[str(e["id"]) for e in CLASSIFIERS])
def test_every_class_is_present_in_validation(entry):
    train = set(_labels(entry["archivos"]["entrenamiento"]))
    valid = set(_labels(entry["archivos"]["validacion"]))
    assert len(train) >= 2, f"{entry['archivos']['entrenamiento']}: un clasificador necesita al menos dos clases"
    assert valid == train, (
        f"{entry['id']}: clases solo en entrenamiento {sorted(train - valid)}, "
        f"solo en validación {sorted(valid - train)}"
    )


def test_sentiment_set_is_balanced():
    entry = next(e for e in DATA_ENTRIES if e["id"] == "clasificador-sentimiento")
    for relative in entry["archivos"].values():
        counts = _labels(relative)
        assert set(counts) == {"positivo", "negativo", "neutro"}, f"{relative}: clases {sorted(counts)}"
        assert len(set(counts.values())) == 1, f"{relative}: clases desbalanceadas {dict(counts)}"


# --- What the course asks of its own datasets --------------------------------------------------------

CSV_CLASSIFIERS = [e for e in DATA_ENTRIES if e["formato"] == "csv-clasificador"]
CHATS = [e for e in DATA_ENTRIES if e["formato"] == "jsonl-chat"]
MIN_VALIDATION_ROWS = 60  # with fewer, one error moves the accuracy by two points or more


@pytest.mark.parametrize("entry", CSV_CLASSIFIERS, ids=[str(e["id"]) for e in CSV_CLASSIFIERS])
def test_every_label_has_its_rule_and_every_rule_its_label(entry):
    labels = set()
    for relative in entry["archivos"].values():
        labels |= set(_labels(relative))
    rules = set(entry.get("reglas_etiquetado", {}))
    assert rules == labels, (
        f"data_templates/catalogo.yaml ({entry['id']}): reglas_etiquetado sin etiqueta en los datos "
        f"{sorted(rules - labels)}; etiquetas de los datos sin regla {sorted(labels - rules)}"
    )


@pytest.mark.parametrize("entry", CLASSIFIERS, ids=[str(e["id"]) for e in CLASSIFIERS])
def test_classifier_validation_is_large_and_balanced_like_training(entry):
    train = _labels(entry["archivos"]["entrenamiento"])
    valid = _labels(entry["archivos"]["validacion"])
    total_train, total_valid = sum(train.values()), sum(valid.values())
    assert total_valid >= MIN_VALIDATION_ROWS, (
        f"{entry['archivos']['validacion']}: {total_valid} filas; hacen falta al menos {MIN_VALIDATION_ROWS}"
    )
    expected = {label: n * total_valid / total_train for label, n in train.items()}
    off = {label: (valid[label], round(share, 1)) for label, share in expected.items() if abs(valid[label] - share) > 1}
    assert off == {}, f"{entry['archivos']['validacion']}: clases (filas, esperadas) fuera de la proporción del entrenamiento: {off}"


@pytest.mark.parametrize("entry", CHATS, ids=[str(e["id"]) for e in CHATS])
def test_one_system_prompt_per_chat_dataset(entry):
    """The same system message on every line: the model learns to use it, and a business changes its facts there."""
    prompts = {}
    for relative in entry["archivos"].values():
        for number, example in _jsonl_examples(_path(relative)):
            first = example["messages"][0]
            assert first["role"] == "system", f"{relative}:{number}: la conversación no empieza con el mensaje de sistema"
            prompts.setdefault(first["content"], f"{relative}:{number}")
    assert len(prompts) == 1, f"{entry['id']}: {len(prompts)} mensajes de sistema distintos, el primero en " + ", ".join(prompts.values())


def test_no_two_chat_assistants_share_a_name():
    names = Counter()
    for entry in CHATS:
        if entry["tarea"] != "chat":
            continue
        relative = entry["archivos"]["entrenamiento"]
        system = _jsonl_examples(_path(relative))[0][1]["messages"][0]["content"]
        found = re.match(r"Eres (\w+),", system)
        assert found, f"{relative}:1: el mensaje de sistema no empieza con «Eres <nombre>,»"
        names[found.group(1)] += 1
    assert [name for name, n in names.items() if n > 1] == [], f"asistentes con el mismo nombre: {dict(names)}"
