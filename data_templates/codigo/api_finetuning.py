"""Fine-tuning por API, para cuentas que todavía lo tienen: OpenAI o Microsoft Foundry / Azure OpenAI.

Revisa tu archivo JSONL con el validador del curso, lo sube, crea el trabajo de fine-tuning, muestra su
avance hasta que termina e imprime el nombre del modelo ajustado.

No hay modelo por defecto: el que elijas con --modelo debe seguir disponible en tu cuenta. OpenAI apaga el
14 de enero de 2027 gpt-4o, gpt-4o-mini, gpt-4.1 y gpt-4.1-mini, y con ellos los modelos ajustados sobre
ellos; desde el 6 de enero de 2027 no acepta trabajos nuevos de fine-tuning. Después de esas fechas:
entrena con el cuaderno chat_lora_colab.ipynb de esta carpeta (el mismo JSONL, gratis en Google Colab) o,
si tu organización lo tiene, con Microsoft Foundry y el modelo que muestre su portal.

Uso:
    pip install openai==3.57.0
    export OPENAI_API_KEY=sk-...            (en Windows: set OPENAI_API_KEY=sk-...)
    python api_finetuning.py retail_entrenamiento.jsonl --validacion retail_validacion.jsonl --modelo MODELO

Para Microsoft Foundry / Azure OpenAI (el nombre del modelo lo muestra el portal, en Fine-tuning):
    export AZURE_OPENAI_API_KEY=...
    export AZURE_OPENAI_ENDPOINT=https://TU-RECURSO.openai.azure.com
    python api_finetuning.py retail_entrenamiento.jsonl --modelo MODELO

Retomar el seguimiento de un trabajo ya creado:
    python api_finetuning.py --seguir ftjob-abc123

Códigos de salida: 0 modelo listo · 1 el trabajo falló o la API dio un error · 2 archivo rechazado u opción
mal usada (también si falta --modelo) · 3 la cuenta no tiene fine-tuning (403 training_not_available).
"""
# hecho: openai.modelos.apagado_gpt4
# hecho: openai.ajuste.cierre_total

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_AVAILABLE = 0, 1, 2, 3
TERMINAL_STATUSES = ("succeeded", "failed", "cancelled")
FILE_WAIT_SECONDS = 600  # Azure processes an upload before a job may use it; OpenAI is usually instant

STATUS_ES = {
    "validating_files": "revisando los archivos",
    "queued": "en cola",
    "running": "entrenando",
    "succeeded": "terminado con éxito",
    "failed": "falló",
    "cancelled": "cancelado",
    "paused": "en pausa",
}

# Dates from developers.openai.com/api/docs/deprecations, checked 2026-12-02.
# hecho: openai.ajuste.cierre_nuevas
# hecho: openai.ajuste.cierre_inactivas
# hecho: openai.ajuste.cierre_total
# hecho: openai.ajuste.modelos_existentes
# hecho: openai.modelos.apagado_gpt4
ALTERNATIVES = """\
Qué hacer en su lugar (tu archivo JSONL sirve tal como está):
  1. El cuaderno chat_lora_colab.ipynb de esta misma carpeta, gratis en Google Colab con una GPU T4:
     «Entorno de ejecución → Ejecutar todo», sube tu archivo y al final descarga tu modelo (guía 1 del curso).
  2. Si tu organización tiene Microsoft Foundry / Azure OpenAI con fine-tuning, vuelve a ejecutar este script
     con AZURE_OPENAI_API_KEY y AZURE_OPENAI_ENDPOINT (o con --base-url) y el modelo que muestre su portal."""

NOT_AVAILABLE_MESSAGE = f"""\
OpenAI respondió 403 «training_not_available»: esta cuenta ya no puede crear trabajos de fine-tuning.

OpenAI está cerrando el fine-tuning de autoservicio:
  - desde el 7 de mayo de 2026, las organizaciones que nunca hicieron fine-tuning no pueden crear trabajos;
  - desde el 2 de julio de 2026, tampoco las que no usaron un modelo ajustado en los 60 días anteriores;
  - desde el 6 de enero de 2027, nadie podrá crear trabajos nuevos.
Los modelos que ya ajustaste siguen funcionando hasta que se retire su modelo base: para gpt-4o, gpt-4o-mini,
gpt-4.1 y gpt-4.1-mini, el 14 de enero de 2027.
Fuente: developers.openai.com/api/docs/deprecations (revisado el 2 de diciembre de 2026).

{ALTERNATIVES}"""

MISSING_MODEL_MESSAGE = f"""\
Falta elegir el modelo base con --modelo (este script no trae uno por defecto, porque los que se pueden
ajustar en OpenAI tienen fecha de apagado).

  - En OpenAI: el modelo que tu organización todavía pueda ajustar (mira la sección Fine-tuning de
    platform.openai.com). gpt-4o, gpt-4o-mini, gpt-4.1 y gpt-4.1-mini se apagan el 14 de enero de 2027,
    junto con los modelos ajustados sobre ellos, y desde el 6 de enero de 2027 OpenAI no acepta trabajos
    nuevos (developers.openai.com/api/docs/deprecations, revisado el 2 de diciembre de 2026).
  - En Microsoft Foundry: el nombre que muestra el portal en Fine-tuning para tu recurso y tu región.

Ejemplo: python api_finetuning.py retail_entrenamiento.jsonl --modelo NOMBRE-DEL-MODELO

{ALTERNATIVES}"""


class ScriptError(Exception):
    """A problem the user can fix: printed in Spanish without a traceback, with its exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED):
        super().__init__(message)
        self.exit_code = exit_code


def say(message: str = "") -> None:
    print(message, flush=True)


def load_validator():
    """`validate_path` of the course validator: validar_datos.py beside this script, else the course package.

    Raises:
        ScriptError: neither is available.
    """
    try:
        from validar_datos import validate_path
    except ImportError:
        try:
            from datacheck import validate_path
        except ImportError:
            msg = (
                "No encuentro el validador del curso. Copia validar_datos.py (viene en la misma descarga) a la "
                f"carpeta de este script, {Path(__file__).resolve().parent}, y vuelve a intentarlo."
            )
            raise ScriptError(msg, EXIT_USAGE) from None
    return validate_path


def check_file(validate_path, path: Path) -> None:
    """Validate one JSONL file; print warnings; refuse it (before any upload) when it has errors.

    Raises:
        ScriptError: the file is missing, has errors, or is not a chat JSONL.
    """
    if not path.is_file():
        raise ScriptError(f"{path}: no existe ese archivo. Revisa el nombre y la carpeta.", EXIT_USAGE)
    report = validate_path(path)
    for finding in report.findings:
        say(f"  {finding.format()}")
    if not report.ok:
        errors = sum(1 for finding in report.findings if finding.level == "error")
        msg = (
            f"{path}: el archivo tiene {errors} error(es) y no se subió. Corrígelos (cada línea de arriba dice "
            "dónde y cómo) y vuelve a ejecutar el script."
        )
        raise ScriptError(msg, EXIT_USAGE)
    fmt = getattr(report, "format", "chat")
    if fmt != "chat":
        msg = (
            f"{path}: es un archivo de formato «{fmt}»; este script entrena con conversaciones (formato chat, "
            'una línea {"messages": [...]} por ejemplo).'
        )
        raise ScriptError(msg, EXIT_USAGE)
    say(f"{path.name}: válido ({len(report.findings)} aviso(s)).")


def make_client(base_url: str | None, timeout: float):
    """An `openai.OpenAI` client for OpenAI, Azure (AZURE_OPENAI_* variables) or any compatible URL.

    Raises:
        ScriptError: the openai package or the API key is missing.
    """
    try:
        import openai
    except ImportError:
        raise ScriptError("Falta la biblioteca openai. Instálala con: pip install openai==3.57.0", EXIT_USAGE) from None
    azure_key, azure_endpoint = os.environ.get("AZURE_OPENAI_API_KEY"), os.environ.get("AZURE_OPENAI_ENDPOINT")
    headers = {}
    if azure_key and (azure_endpoint or base_url):
        api_key = azure_key
        # Azure's v1 API takes the same calls as OpenAI's under /openai/v1/ and reads the key from `api-key`.
        base_url = base_url or azure_endpoint.rstrip("/") + "/openai/v1/"
        headers["api-key"] = azure_key
    else:
        api_key = os.environ.get("OPENAI_API_KEY")
        base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
    if not api_key:
        msg = (
            "Falta la clave de la API. Crea una en platform.openai.com → API keys y guárdala en la variable "
            "OPENAI_API_KEY (export OPENAI_API_KEY=sk-... ; en Windows: set OPENAI_API_KEY=sk-...). "
            "Para Azure, usa AZURE_OPENAI_API_KEY y AZURE_OPENAI_ENDPOINT."
        )
        raise ScriptError(msg, EXIT_USAGE)
    return openai.OpenAI(api_key=api_key, base_url=base_url, default_headers=headers, timeout=timeout)


def upload(client, path: Path, poll_seconds: float) -> str:
    """Upload a JSONL for fine-tuning and wait until the service has processed it; return the file id."""
    with path.open("rb") as handle:
        uploaded = client.files.create(file=handle, purpose="fine-tune")
    say(f"Subido {path.name} → {uploaded.id}")
    deadline = time.monotonic() + FILE_WAIT_SECONDS
    status = getattr(uploaded, "status", None)
    while status not in (None, "processed"):
        if status == "error":
            detail = getattr(uploaded, "status_details", None) or "sin detalle"
            raise ScriptError(f"{path.name}: el servicio rechazó el archivo ({detail}).")
        if time.monotonic() > deadline:
            raise ScriptError(f"{path.name}: el servicio no terminó de procesar el archivo en 10 minutos.")
        time.sleep(poll_seconds)
        uploaded = client.files.retrieve(uploaded.id)
        status = getattr(uploaded, "status", None)
    return uploaded.id


def create_job(client, training_id: str, validation_id: str | None, model: str, suffix: str | None, epochs: int | None):
    """Create a supervised fine-tuning job; return it."""
    hyperparameters = {"n_epochs": epochs if epochs else "auto"}
    options = {
        "model": model,
        "training_file": training_id,
        "method": {"type": "supervised", "supervised": {"hyperparameters": hyperparameters}},
    }
    if validation_id:
        options["validation_file"] = validation_id
    if suffix:
        options["suffix"] = suffix
    job = client.fine_tuning.jobs.create(**options)
    say(f"Trabajo creado: {job.id} (modelo base {model}).")
    return job


def follow(client, job_id: str, poll_seconds: float) -> str:
    """Print the job's events in order until it ends; return the fine-tuned model id.

    Raises:
        ScriptError: the job failed or was cancelled.
    """
    seen: set[str] = set()
    last_status = None
    while True:
        job = client.fine_tuning.jobs.retrieve(job_id)
        # Events come newest first; print the new ones oldest first.
        events = list(client.fine_tuning.jobs.list_events(job_id, limit=100).data)
        for event in reversed(events):
            if event.id not in seen:
                seen.add(event.id)
                moment = datetime.datetime.fromtimestamp(event.created_at).strftime("%H:%M:%S")
                say(f"  {moment}  {event.message}")
        if job.status != last_status:
            say(f"Estado: {STATUS_ES.get(job.status, job.status)}")
            last_status = job.status
        if job.status in TERMINAL_STATUSES:
            break
        time.sleep(poll_seconds)
    if job.status != "succeeded":
        error = getattr(job, "error", None)
        detail = getattr(error, "message", None) if error else None
        raise ScriptError(f"El trabajo {job_id} terminó como «{STATUS_ES.get(job.status, job.status)}». {detail or ''}".strip())
    trained = getattr(job, "trained_tokens", None)
    if trained:
        say(f"Tokens entrenados: {trained:,}".replace(",", "."))
    return job.fine_tuned_model


# The few fixed phrases of argparse's own errors that a user of this script can trigger.
ARGPARSE_ES = (
    ("unrecognized arguments:", "opciones desconocidas:"),
    ("expected one argument", "falta su valor"),
    ("invalid int value:", "no es un número entero:"),
    ("invalid float value:", "no es un número:"),
    ("argument ", "opción "),
)


class SpanishHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix or "uso: ")


class SpanishArgumentParser(argparse.ArgumentParser):
    """argparse with its fixed texts (usage, headings, errors) in Spanish."""

    def __init__(self, **kwargs):
        super().__init__(formatter_class=SpanishHelpFormatter, add_help=False, **kwargs)
        self._positionals.title = "argumentos"
        self._optionals.title = "opciones"
        self.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")

    def error(self, message):
        for english, spanish in ARGPARSE_ES:
            message = message.replace(english, spanish)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = SpanishArgumentParser(
        prog="api_finetuning.py",
        description=(
            "Sube un archivo JSONL de conversaciones, crea un trabajo de fine-tuning en OpenAI o en Azure OpenAI "
            "y sigue su avance hasta que el modelo está listo."
        ),
        epilog="La clave se lee de OPENAI_API_KEY (o de AZURE_OPENAI_API_KEY con AZURE_OPENAI_ENDPOINT).",
    )
    parser.add_argument("entrenamiento", nargs="?", type=Path, help="archivo JSONL de entrenamiento")
    parser.add_argument("--validacion", type=Path, metavar="ARCHIVO", help="archivo JSONL de validación (opcional, recomendado)")
    parser.add_argument(
        "--modelo", metavar="MODELO", help="modelo base que tu cuenta puede ajustar (obligatorio: no hay uno por defecto)"
    )
    parser.add_argument("--sufijo", metavar="TEXTO", help="texto que se agrega al nombre del modelo ajustado (hasta 64 caracteres)")
    parser.add_argument("--epocas", type=int, metavar="N", help="número de épocas (por defecto, lo elige el servicio)")
    parser.add_argument("--base-url", metavar="URL", help="dirección de la API (por defecto OpenAI, o Azure si hay variables AZURE_*)")
    parser.add_argument("--intervalo", type=float, default=30.0, metavar="SEGUNDOS", help="segundos entre consultas de avance (30)")
    parser.add_argument("--seguir", metavar="ID_TRABAJO", help="solo seguir un trabajo ya creado (ftjob-...)")
    args = parser.parse_args(argv)
    if not args.seguir and args.entrenamiento is None:
        parser.error("falta el archivo de entrenamiento (o --seguir ID_TRABAJO)")
    if not args.seguir and not args.modelo:
        print(MISSING_MODEL_MESSAGE, file=sys.stderr)
        parser.exit(EXIT_USAGE)
    if args.epocas is not None and not 1 <= args.epocas <= 50:
        parser.error("--epocas debe estar entre 1 y 50")
    return args


def run(args: argparse.Namespace) -> str:
    """The whole flow; return the fine-tuned model id."""
    if not args.seguir:
        validate_path = load_validator()
        files = [args.entrenamiento] + ([args.validacion] if args.validacion else [])
        for path in files:
            check_file(validate_path, path)
    client = make_client(args.base_url, timeout=120)
    import openai

    job_id = args.seguir
    try:
        if not job_id:
            training_id = upload(client, args.entrenamiento, args.intervalo)
            validation_id = upload(client, args.validacion, args.intervalo) if args.validacion else None
            job_id = create_job(client, training_id, validation_id, args.modelo, args.sufijo, args.epocas).id
        return follow(client, job_id, args.intervalo)
    except openai.PermissionDeniedError as error:
        if error.code == "training_not_available":
            raise ScriptError(NOT_AVAILABLE_MESSAGE, EXIT_NOT_AVAILABLE) from error
        raise ScriptError(f"La API negó el permiso (403): {error.message}") from error
    except openai.AuthenticationError as error:
        msg = "La API rechazó la clave (401). Revisa que OPENAI_API_KEY (o AZURE_OPENAI_API_KEY) esté completa y vigente."
        raise ScriptError(msg) from error
    except openai.APIStatusError as error:
        raise ScriptError(f"La API respondió {error.status_code}: {error.message}") from error
    except openai.APIConnectionError as error:
        msg = f"No pude conectarme con la API ({client.base_url}). Revisa la conexión a internet y la dirección."
        raise ScriptError(msg) from error
    except KeyboardInterrupt:
        if not job_id:
            raise ScriptError("Interrumpido antes de crear el trabajo: no se entrenó nada.") from None
        msg = (
            f"Dejaste de seguir el trabajo, pero sigue en marcha en el servicio. Para retomarlo: "
            f"python api_finetuning.py --seguir {job_id}"
        )
        raise ScriptError(msg) from None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        model_id = run(args)
    except ScriptError as error:
        print(f"\n{error}", file=sys.stderr, flush=True)
        return error.exit_code
    say()
    say(f"Modelo listo: {model_id}")
    say("Úsalo como cualquier modelo, por ejemplo en el Playground o con la API de chat, con ese nombre.")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
