"""The command line: `validar`, `convertir` and `explicar`, in Spanish (English option names accepted too).

The same functions run `python validar_datos.py …` (the generated single file), `python -m datacheck …`
and `marp-build data validate|convert …`, so the command lines cannot drift apart. Exit codes: 0 the file
has no errors (warnings allowed), 1 it has errors, 2 the command was called wrongly (missing file, bad
option).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from datacheck.catalog import CODES, messages_of
from datacheck.findings import ERROR, WARNING
from datacheck.sheet import convert_sheet, default_output
from datacheck.summary import report_lines, report_to_dict
from datacheck.tokens import DEFAULT_MAX_TOKENS
from datacheck.validate import FORMATS, input_problem, validate_path

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
PROG = "validar_datos.py"
VALIDATE_HELP = ("Revisa un archivo de entrenamiento (JSONL de chat o de preferencias, o CSV de clasificador) antes "
                 "de subirlo: un hallazgo por línea (archivo:línea) y un resumen con tokens y costo.")
CONVERT_HELP = ("Convierte una hoja de ejemplos (CSV con las columnas sistema, pregunta y respuesta) en un JSONL de "
                "chat y lo revisa. Una fila por ejemplo; si la celda «sistema» está vacía, se usa el mensaje de "
                "sistema de la fila de arriba. Si alguna fila tiene errores, no escribe nada.")

# argparse's own English messages (Python 3.11 to 3.13 wordings) and their Spanish.
_ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (?P<a>.+)", "falta {a}"),
    (r"unrecognized arguments: (?P<a>.+)", "no conozco {a}"),
    (r"argument (?P<a>\S+): expected one argument", "{a} necesita un valor"),
    (r"argument (?P<a>\S+): invalid choice: (?P<b>.+?) \(choose from (?P<c>.+)\)",
     "{a}: {b} no es válido; usa uno de: {c}"),
    (r"argument (?P<a>\S+): ignored explicit argument (?P<b>.+)", "{a} no lleva valor ({b})"),
    (r"argument (?P<a>\S+): (?P<b>.+)", "{a}: {b}"),
)


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "uso: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Spanish help and errors; usage errors exit 2 with a hint to --help."""

    def __init__(self, prog: str, description: str):
        super().__init__(prog=prog, description=description, formatter_class=_Formatter, add_help=False,
                         allow_abbrev=False)
        self.arguments = self.add_argument_group("argumentos")
        self.options = self.add_argument_group("opciones")
        self.options.add_argument("-h", "--help", "--ayuda", action="help", help="muestra esta ayuda y termina")

    def error(self, message: str) -> NoReturn:
        for pattern, spanish in _ARGPARSE_MESSAGES:
            match = re.fullmatch(pattern, message)
            if match:
                message = spanish.format(**{k: v.replace("'", "") for k, v in match.groupdict().items()})
                break
        self.exit(EXIT_USAGE, f"{self.prog}: error de uso: {message}\nEscribe «{self.prog} --help» para ver las "
                              "opciones.\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} no es un número entero") from None
    if value < 1:
        raise argparse.ArgumentTypeError("debe ser un número mayor que 0")
    return value


def _usage_error(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_USAGE


def _parse(parser: _Parser, argv: list[str]) -> argparse.Namespace | int:
    """The parsed arguments, or the exit code when argparse finished the command (--help, usage error)."""
    try:
        return parser.parse_args(argv)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else EXIT_USAGE


# --------------------------------------------------------------------------------------------------------
# validar


def validate_parser(prog: str) -> _Parser:
    parser = _Parser(prog, VALIDATE_HELP)
    parser.arguments.add_argument("files", nargs="+", metavar="ARCHIVO", help="archivo .jsonl o .csv a revisar")
    add = parser.options.add_argument
    add("--formato", "--format", dest="fmt", choices=FORMATS, metavar="FORMATO",
        help="chat, preferencias o clasificador; si no lo indicas, se detecta")
    add("--validacion", "--validation", dest="validation", metavar="ARCHIVO",
        help="archivo de validación: se revisa también y se buscan ejemplos repetidos entre los dos")
    add("--columna-texto", "--text-column", dest="text_column", default="text", metavar="NOMBRE",
        help="columna del texto en el CSV (por defecto: text)")
    add("--columna-clase", "--label-column", dest="label_column", default="target", metavar="NOMBRE",
        help="columna de la clase en el CSV (por defecto: target)")
    # 65,536 tokens per example: the limit in OpenAI's fine-tuning guide for gpt-4o / gpt-4o-mini (2024);
    # longer examples are truncated. See tokens.DEFAULT_MAX_TOKENS.
    add("--max-tokens", type=_positive, default=DEFAULT_MAX_TOKENS, metavar="N",
        help="tokens máximos por ejemplo; los más largos se truncan al entrenar (por defecto: 65536)")
    add("--json", action="store_true", help="imprime los hallazgos y las estadísticas en JSON")
    return parser


def validate_command(argv: list[str], prog: str = f"{PROG} validar") -> int:
    """`validar ARCHIVO… [opciones]`: print the findings and the summary; 0 no errors, 1 errors, 2 usage."""
    args = _parse(validate_parser(prog), argv)
    if isinstance(args, int):
        return args
    if args.validation and len(args.files) > 1:
        return _usage_error("--validacion se usa con un solo archivo de entrenamiento; revisa los archivos de a uno")
    for candidate in args.files + ([args.validation] if args.validation else []):
        problem = input_problem(candidate)
        if problem:
            return _usage_error(problem)
    reports = []
    for path in args.files:
        try:
            reports.append(validate_path(path, args.fmt, validation=args.validation, text_column=args.text_column,
                                         label_column=args.label_column, max_tokens=args.max_tokens))
        except OSError as err:
            return _usage_error(f"{err.filename or path}: no pude leer el archivo ({err.strerror})")
    if args.json:
        payload = {"ok": all(r.ok for r in reports), "reports": [report_to_dict(r) for r in reports]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for i, report in enumerate(reports):
            if i:
                print()
            for line in report_lines(report):
                print(line)
    return EXIT_OK if all(r.ok for r in reports) else EXIT_ERRORS


# --------------------------------------------------------------------------------------------------------
# convertir


def convert_parser(prog: str) -> _Parser:
    parser = _Parser(prog, CONVERT_HELP)
    argument = parser.arguments.add_argument
    argument("sheet", metavar="HOJA.csv",
             help="CSV exportado de la hoja de cálculo, con el encabezado sistema,pregunta,respuesta")
    argument("output", nargs="?", metavar="SALIDA.jsonl",
             help="JSONL a escribir (por defecto, HOJA.jsonl junto a la hoja)")
    add = parser.options.add_argument
    add("-o", "--salida", "--output", dest="output_option", metavar="ARCHIVO",
        help="otra forma de indicar SALIDA.jsonl")
    add("--forzar", "--force", dest="force", action="store_true", help="reemplaza el JSONL de salida si ya existe")
    return parser


def convert_command(argv: list[str], prog: str = f"{PROG} convertir") -> int:
    """`convertir HOJA.csv [SALIDA.jsonl]`: write the JSONL, then validate it; 0, 1 or 2 like `validar`."""
    args = _parse(convert_parser(prog), argv)
    if isinstance(args, int):
        return args
    if args.output and args.output_option:
        return _usage_error("indica la salida una sola vez: como segundo argumento o con --salida")
    sheet = Path(args.sheet)
    problem = input_problem(sheet)
    if problem:
        return _usage_error(problem)
    given = args.output or args.output_option
    output = Path(given) if given else default_output(sheet)
    if output.resolve() == sheet.resolve():
        return _usage_error(f"{output}: la salida no puede ser el mismo archivo de entrada; usa --salida otro.jsonl")
    if output.exists() and not args.force:
        return _usage_error(f"{output}: ya existe; usa --forzar para reemplazarlo o elige otro nombre con --salida")
    try:
        result = convert_sheet(sheet, output)
    except OSError as err:
        return _usage_error(f"{err.filename or sheet}: no pude leer o escribir el archivo ({err.strerror})")
    for finding in result.findings:
        print(finding.format())
    if not result.ok:
        print(f"No escribí {output}: corrige las filas marcadas y vuelve a convertir.")
        return EXIT_ERRORS
    print(f"Convertí {sheet} en {output} ({result.examples} {'ejemplo' if result.examples == 1 else 'ejemplos'}).")
    report = validate_path(output, "chat")
    for line in report_lines(report):
        print(line)
    return EXIT_OK if report.ok else EXIT_ERRORS


# --------------------------------------------------------------------------------------------------------
# explicar


class _Blank(dict):
    """Template fields shown as "…" (and no prefix) when a message is explained without a real file."""

    def __missing__(self, key: str) -> str:
        return "" if key == "where" else "…"


def explain_command(argv: list[str], prog: str = f"{PROG} explicar") -> int:
    """`explicar [CÓDIGO]`: what a finding code (the "code" of --json) means and how to fix it."""
    parser = _Parser(prog, "Explica un código de hallazgo (el campo «code» de --json): si es un error o un aviso, "
                           "cómo corregirlo y los mensajes que lo anuncian. Sin código, lista todos.")
    parser.arguments.add_argument("code", nargs="?", metavar="CÓDIGO", help="por ejemplo rol-invalido")
    args = _parse(parser, argv)
    if isinstance(args, int):
        return args
    level_names = {ERROR: "error", WARNING: "aviso"}
    if args.code is None:
        width = max(len(name) for name in CODES)
        for name, entry in sorted(CODES.items()):
            print(f"{name:<{width}}  {level_names[entry.level]:<5}  {entry.fix}")
        return EXIT_OK
    entry = CODES.get(args.code.strip().lower())
    if entry is None:
        return _usage_error(f"no conozco el código «{args.code}»; escribe «{prog}» sin código para ver la lista")
    print(f"{entry.code} ({level_names[entry.level]})")
    print(f"Cómo corregirlo: {entry.fix}")
    print("Mensajes:")
    for message in messages_of(entry):
        print(f"  {message.template.substitute(_Blank())}")
    return EXIT_OK


# --------------------------------------------------------------------------------------------------------
# The program


_COMMANDS: dict[str, Callable[[list[str], str], int]] = {
    "validar": validate_command,
    "convertir": convert_command,
    "explicar": explain_command,
}
_COMMAND_ALIASES = {"validate": "validar", "convert": "convertir", "explain": "explicar"}


def _help(prog: str) -> str:
    return f"""uso: {prog} [validar] ARCHIVO… [opciones]
     {prog} convertir HOJA.csv [SALIDA.jsonl] [opciones]
     {prog} explicar [CÓDIGO]

Revisa tus datos de entrenamiento antes de subirlos (JSONL de chat o de preferencias, o CSV de clasificador)
y convierte una hoja de ejemplos (CSV sistema, pregunta, respuesta) en JSONL de chat.

subcomandos:
  validar     revisa archivos .jsonl o .csv (el subcomando por defecto: «{prog} datos.jsonl» basta)
  convertir   convierte una hoja de ejemplos en JSONL de chat y lo revisa
  explicar    explica un código de hallazgo y cómo corregirlo

Escribe «{prog} SUBCOMANDO --help» para ver las opciones de cada uno.
"""


def main(argv: list[str] | None = None, prog: str = PROG) -> int:
    """`validar_datos.py [validar|convertir|explicar] …`; without a subcommand, `validar`. Returns 0, 1 or 2."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        sys.stderr.write(_help(prog))
        return EXIT_USAGE
    if argv[0] in ("-h", "--help", "--ayuda"):
        sys.stdout.write(_help(prog))
        return EXIT_OK
    name = _COMMAND_ALIASES.get(argv[0], argv[0])
    command = _COMMANDS.get(name)
    if command is None:  # `validar_datos.py datos.jsonl`: validar is the default
        return validate_command(argv, prog)
    return command(argv[1:], f"{prog} {name}")
