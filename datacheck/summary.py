"""Statistics gathered while streaming, the Spanish summary a person reads, and the JSON view of a report."""

from __future__ import annotations

from typing import Any

from datacheck.findings import Report, num, plural


class Running:
    """min / max / sum of a stream of numbers, without keeping them."""

    __slots__ = ("n", "total", "low", "high")

    def __init__(self) -> None:
        self.n = 0
        self.total = 0
        self.low = 0
        self.high = 0

    def add(self, x: int) -> None:
        if self.n == 0 or x < self.low:
            self.low = x
        if self.n == 0 or x > self.high:
            self.high = x
        self.n += 1
        self.total += x

    def as_dict(self) -> dict[str, Any]:
        mean = self.total / self.n if self.n else 0.0
        return {"min": self.low, "max": self.high, "mean": round(mean, 1), "total": self.total}


def _dec(x: float) -> str:
    """One decimal, with a decimal comma as Spanish writes it: 3,4."""
    return f"{x:.1f}".replace(".", ",")


def _span(low: int, high: int) -> str:
    return num(low) if low == high else f"{num(low)} a {num(high)}"


def _token_note(counting: dict[str, Any] | None) -> list[str]:
    if not counting:
        return []
    if counting["method"] != "tiktoken":
        return [
            "Conteo aproximado (caracteres ÷ 4) porque no está tiktoken; con «pip install tiktoken» el conteo es "
            "exacto con cl100k_base."
        ]
    lines = [
        "Tokens contados con cl100k_base (tiktoken), como el cuaderno de OpenAI; los modelos nuevos usan "
        "o200k_base, así que toma las cifras como estimación."
    ]
    if counting["sampled_every"] > 1 and counting["estimated_examples"]:
        lines.append(
            f"Archivo grande: conté exactamente 1 de cada {counting['sampled_every']} ejemplos y estimé el resto "
            "según su largo."
        )
    return lines


def _jsonl_summary(stats: dict[str, Any], training: bool) -> list[str]:
    kind = "pares de preferencias" if stats["format"] == "preferencias" else "ejemplos"
    lines = [f"Archivo: {stats['path']} (formato {stats['format']})"]
    valid = stats["valid_examples"]
    line = f"{kind.capitalize()}: {num(stats['examples'])}"
    if valid != stats["examples"]:
        line += f" (sin errores: {num(valid)})"
    if valid:
        m = stats["messages_per_example"]
        line += f"; mensajes por ejemplo: {_span(m['min'], m['max'])}"
        if m["min"] != m["max"]:
            line += f", promedio {_dec(m['mean'])}"
    lines.append(line)
    if not valid:
        return lines
    t = stats["tokens_per_example"]
    lines.append(
        f"Tokens por ejemplo: {_span(t['min'], t['max'])}"
        + (f", promedio {_dec(t['mean'])}" if t["min"] != t["max"] else "")
        + "; en total "
        f"{num(stats['total_tokens'])} (de las respuestas del asistente: {num(stats['assistant_tokens'])})"
    )
    over = stats["over_limit"]
    lines.append(
        f"Ejemplos de más de {num(stats['max_tokens'])} tokens: "
        + ("ninguno" if not over else f"{num(over)} (se truncarán al entrenar)")
    )
    if training:
        epochs = stats["epochs"]
        lines.append(f"Épocas por defecto (regla del cuaderno de OpenAI): {epochs}")
        per_epoch = stats["billed_tokens"] // epochs if epochs else 0
        lines.append(
            f"Tokens que se cobrarían (estimación): {num(stats['billed_tokens'])} = "
            f"{plural(epochs, 'época', 'épocas')}"
            f" × {num(per_epoch)} tokens"
        )
    else:
        lines.append("La validación no se cobra; sirve para medir al modelo con ejemplos que no vio.")
    return lines


def _csv_summary(stats: dict[str, Any]) -> list[str]:
    lines = [
        f"Archivo: {stats['path']} (formato clasificador, columnas {stats['text_column']} y {stats['label_column']})"
    ]
    classes = stats["classes"]
    shown = ", ".join(f"{label} {num(n)}" for label, n in list(classes.items())[:12])
    if len(classes) > 12:
        shown += ", …"
    line = f"Filas: {num(stats['examples'])}; clases: {len(classes)}"
    if classes:
        line += f" ({shown})"
    lines.append(line)
    length = stats["text_length"]
    if stats["examples"] and length["total"]:
        lines.append(
            f"Largo del texto: {_span(length['min'], length['max'])} caracteres, promedio {_dec(length['mean'])}"
        )
    return lines


def summarize(report: Report) -> list[str]:
    """The Spanish summary: examples, tokens, epochs, billed tokens, classes, and the verdict."""
    stats = report.stats
    lines: list[str] = []
    if report.format == "clasificador":
        lines += _csv_summary(stats)
        if "validation" in stats:
            lines += ["Validación:"] + ["  " + s for s in _csv_summary(stats["validation"])]
    else:
        lines += _jsonl_summary(stats, training=True)
        if "validation" in stats:
            lines += ["Validación:"] + ["  " + s for s in _jsonl_summary(stats["validation"], training=False)]
        if stats.get("valid_examples"):
            lines += _token_note(stats.get("token_counting"))
    n_err, n_warn = report.n_errors, report.n_warnings
    if n_err:
        counts = plural(n_err, "error", "errores")
        if n_warn:
            counts += f" y {plural(n_warn, 'aviso', 'avisos')}"
        verdict = f"Resultado: {counts}; corrige los errores antes de subir el archivo."
    elif n_warn:
        warnings = plural(n_warn, "aviso", "avisos")
        verdict = f"Resultado: sin errores, {warnings}; puedes subirlo, pero revisa los avisos."
    else:
        verdict = "Resultado: sin errores ni avisos; el archivo está listo para subir."
    lines.append(verdict)
    return lines


def report_lines(report: Report) -> list[str]:
    """What the command prints: one finding per line, then the summary."""
    return [f.format() for f in report.findings] + summarize(report)


def report_to_dict(report: Report) -> dict[str, Any]:
    """A JSON-ready view of a report (for --json)."""
    return {
        "path": report.path,
        "format": report.format,
        "ok": report.ok,
        "errors": report.n_errors,
        "warnings": report.n_warnings,
        "findings": [
            {"path": f.file, "line": f.line, "column": f.column, "level": f.level, "code": f.code,
             "message": f.message}
            for f in report.findings
        ],
        "stats": report.stats,
    }
