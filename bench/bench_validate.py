"""Benchmark of `marp-build data validate` (a script, not a test).

Generates chat JSONL files of 10,000 and 100,000 varied Spanish examples under /tmp, then:
- times `validate_path` against a bare `for line in f: json.loads(line)` loop over the same file
  (best of several runs each) and prints the ratio (target: at most 3x);
- measures the peak Python memory (tracemalloc) of validating each file, to show it does not grow with the
  size of the file (only a small hash per example is kept, for duplicates).

Run: `.venv/bin/python bench/bench_validate.py [--examples 100000] [--runs 3]`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from datacheck import validate_path  # noqa: E402

OUT_DIR = Path("/tmp/bench_validate")

SYSTEMS = [
    "Eres Sofía, la asistente virtual de la Clínica Ejemplo. Respondes con amabilidad, das información de "
    "horarios, turnos y precios, y nunca das diagnósticos ni recomiendas medicamentos.",
    "Eres Tomás, el tutor de matemática del Colegio Ejemplo para estudiantes de secundaria. Explicas paso a paso, "
    "con ejemplos sencillos, y no resuelves la tarea completa: guías al estudiante.",
    "Eres Lía, la asistente de la tienda en línea Casa y Tecnología Ejemplo. Ayudas con pedidos, envíos, "
    "devoluciones y garantías, con un tono cercano y breve.",
    "Eres el asistente del Banco Digital Ejemplo. Explicas productos y trámites; no das asesoría financiera "
    "personal ni pides contraseñas.",
]
SUBJECTS = ["mi pedido", "la cita del martes", "la tarjeta de débito", "el ejercicio de fracciones", "la factura",
            "el envío a Guadalajara", "la garantía del televisor", "mi contraseña", "el horario del sábado",
            "la transferencia a otra cuenta", "el examen de álgebra", "la devolución de las zapatillas"]
VERBS = ["necesito saber", "quisiera consultar", "me pueden ayudar con", "tengo una duda sobre",
         "no entiendo", "¿cómo hago para revisar", "quiero cambiar", "¿me explican"]
EXTRAS = ["por favor", "es urgente", "gracias de antemano", "lo antes posible", "desde ayer",
          "porque no me llegó el correo", "antes del viernes", "si se puede"]
OPENERS = ["Claro, con gusto te ayudo.", "¡Hola! Gracias por escribirnos.", "Entiendo tu consulta.",
           "Con gusto lo revisamos.", "Buena pregunta."]
FACTS = ["El horario de atención es de lunes a viernes de 8:00 a 18:00 y los sábados de 9:00 a 13:00.",
         "Puedes revisarlo en la aplicación, en la sección «Mis pedidos», con tu número de orden.",
         "El plazo habitual es de 3 a 5 días hábiles desde la confirmación.",
         "Para eso necesitamos tu número de cliente; nunca te pediremos tu contraseña.",
         "Primero escribe la fracción como un solo número: por ejemplo, 3/4 es 0,75.",
         "Si el producto llegó dañado, la devolución no tiene costo dentro de los 30 días.",
         "Te recomiendo llamar al 555-0100 si necesitas atención inmediata.",
         "También puedes escribirnos a ayuda@ejemplo.com y te respondemos en el día."]
CLOSERS = ["¿Te ayudo con algo más?", "Quedo atenta a tu respuesta.", "¡Que tengas un buen día!",
           "Si tienes otra duda, aquí estoy."]


def _question(rnd: random.Random, i: int) -> str:
    return (f"{rnd.choice(VERBS)} {rnd.choice(SUBJECTS)} (consulta {i}), {rnd.choice(EXTRAS)}. "
            + " ".join(rnd.choice(FACTS) for _ in range(rnd.randint(0, 2)))).strip()


def _answer(rnd: random.Random) -> str:
    return " ".join([rnd.choice(OPENERS)] + rnd.sample(FACTS, rnd.randint(1, 4)) + [rnd.choice(CLOSERS)])


def generate(path: Path, n: int, seed: int = 7) -> None:
    """Write n varied chat examples (a quarter multi-turn) as JSONL."""
    rnd = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for i in range(n):
            messages = [{"role": "system", "content": SYSTEMS[i % len(SYSTEMS)]},
                        {"role": "user", "content": _question(rnd, i)},
                        {"role": "assistant", "content": _answer(rnd)}]
            if rnd.random() < 0.25:
                messages += [{"role": "user", "content": _question(rnd, i + n)},
                             {"role": "assistant", "content": _answer(rnd)}]
            f.write(json.dumps({"messages": messages}, ensure_ascii=False) + "\n")


def bare_loop(path: Path) -> int:
    n = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            json.loads(line)
            n += 1
    return n


def best_times(fns, runs: int) -> list[tuple[float, float]]:
    """Best (CPU seconds, wall seconds) of each function, runs interleaved so a busy machine hurts all alike.

    CPU time is the fair measure on a shared machine; wall time is printed too.
    """
    best = [(float("inf"), float("inf")) for _ in fns]
    for _ in range(runs):
        for i, fn in enumerate(fns):
            gc.collect()
            cpu, wall = time.process_time(), time.perf_counter()
            fn()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            best[i] = (min(best[i][0], cpu), min(best[i][1], wall))
    return best


def peak_memory(path: Path) -> int:
    gc.collect()
    tracemalloc.start()
    validate_path(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    small_n = args.examples // 10
    big = OUT_DIR / f"chat_{args.examples}.jsonl"
    small = OUT_DIR / f"chat_{small_n}.jsonl"
    for path, n in ((big, args.examples), (small, small_n)):
        if not path.exists():
            generate(path, n)
    size_mb = big.stat().st_size / 1e6

    validate_path(small)  # load the tokenizer once, outside every measurement
    report = validate_path(big)
    (c_bare, w_bare), (c_val, w_val) = best_times([lambda: bare_loop(big), lambda: validate_path(big)], args.runs)
    counting = report.stats["token_counting"]

    print(f"archivo: {big} ({args.examples} ejemplos, {size_mb:.1f} MB)")
    print(f"hallazgos: {len(report.errors)} errores, {len(report.warnings)} avisos; "
          f"tokens: {report.stats['total_tokens']} ({counting['method']} {counting['encoding']}, "
          f"exactos 1 de cada {counting['sampled_every']})")
    print(f"bucle json.loads: {c_bare:.3f} s CPU ({w_bare:.3f} s reloj)   validate_path: {c_val:.3f} s CPU "
          f"({w_val:.3f} s reloj)")
    print(f"proporción: {c_val / c_bare:.2f}x en CPU, {w_val / w_bare:.2f}x en reloj (meta <= 3x)")

    peak_small = peak_memory(small)
    peak_big = peak_memory(big)
    print(f"pico de memoria Python (tracemalloc): {small_n} ejemplos {peak_small / 1e6:.1f} MB, "
          f"{args.examples} ejemplos {peak_big / 1e6:.1f} MB "
          f"(archivo {small.stat().st_size / 1e6:.1f} MB vs {size_mb:.1f} MB)")
    per_example = (peak_big - peak_small) / (args.examples - small_n)
    print(f"memoria adicional por ejemplo: {per_example:.0f} bytes (el índice de duplicados)")
    print(f"RSS máximo del proceso: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"(Python {sys.version.split()[0]}, {os.cpu_count()} núcleos)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
