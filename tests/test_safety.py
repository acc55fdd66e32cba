"""Every attack of the safety review, tried through the real command line.

Each scenario asserts the exit code, the message, that no traceback is shown, that nothing outside the
project reaches an output (a marker file's contents are looked for in every HTML, PDF and zip) and that
nothing was deleted.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from marp_build.build import build
from marp_build.publish import project_lock

REPO = Path(__file__).resolve().parents[1]
MARKER = "MARCADOR-SECRETO-7f3a"


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    """`marp-build …` as a user runs it: a new process, through main()'s error boundary."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    environment.pop("MARP_BUILD_DEPURAR", None)
    return subprocess.run([sys.executable, "-m", "marp_build.cli", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300, check=False)


def no_traceback(done: subprocess.CompletedProcess[str]) -> str:
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    return output


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the project whose contents must never appear in anything we publish."""
    path = tmp_path / "fuera" / "secreto.txt"
    path.parent.mkdir()
    path.write_text(f"{MARKER}\n", encoding="utf-8")
    return path


def published_text(dist: Path) -> str:
    """Everything a reader could see in dist/: HTML and other text, PDF text, zip members."""
    parts = []
    for path in dist.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".pdf":
            parts += [page.extract_text() or "" for page in PdfReader(path).pages]
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
        else:
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


# 1. The output folder -------------------------------------------------------------------------------

@pytest.mark.parametrize("where", [".", "decks", "..", "ajena"])
def test_build_refuses_output_folders_it_could_hurt(make_course, where):
    root = make_course()
    (root / "ajena").mkdir()
    (root / "ajena" / "mis-notas.txt").write_text("no borrar", encoding="utf-8")
    (root / "borrador.md").write_text("sin guardar en git", encoding="utf-8")
    before = sorted(p.relative_to(root.parent).as_posix() for p in root.parent.rglob("*"))
    done = run_cli("build", "--raiz", str(root), "--salida", where, "-f", "html", cwd=root)
    output = no_traceback(done)
    assert done.returncode == 1
    assert "--salida" in output and "usa la carpeta por defecto (dist/) o una carpeta nueva" in output
    assert sorted(p.relative_to(root.parent).as_posix() for p in root.parent.rglob("*")) == before


@pytest.mark.e2e
def test_build_writes_into_a_new_or_empty_folder_and_then_owns_it(make_course, tmp_path):
    root = make_course()
    target = tmp_path / "publicar"
    target.mkdir()
    assert build(root, target, ["html"]).converted
    assert (target / "index.html").is_file()
    (target / "mio.txt").write_text("un archivo del usuario", encoding="utf-8")
    (root / "decks" / "01-prueba.md.j2").write_text(
        (root / "decks" / "01-prueba.md.j2").read_text(encoding="utf-8").replace("Los tokens", "Tokens"), encoding="utf-8")
    done = run_cli("build", "--raiz", str(root), "--salida", str(target), "-f", "html")
    assert done.returncode == 1 and "mio.txt" in no_traceback(done)
    assert (target / "mio.txt").read_text(encoding="utf-8") == "un archivo del usuario"


# 2. Nothing outside the project reaches the output ---------------------------------------------------

@pytest.mark.e2e
def test_course_text_is_text_in_html_and_pdf(make_course, secret):
    root = make_course()
    course = root / "course.yaml"
    text = course.read_text(encoding="utf-8")
    text = text.replace('subtitulo: "Escenario para las pruebas"',
                        f"subtitulo: \"<iframe src='file://{secret}'></iframe> <b>negrita</b> ![x](file://{secret})\"")
    text = text.replace('titulo: "Curso mínimo de prueba"', 'titulo: "Curso <script>while(1){}</script> :x: --> ---"')
    course.write_text(text, encoding="utf-8")
    started = time.monotonic()
    result = build(root, formats=["html", "pdf", "notas"])
    assert time.monotonic() - started < 90  # a <script> in the title no longer hangs the PDF step
    assert result.converted
    assert MARKER not in published_text(root / "dist")
    html = (root / "dist" / "01-prueba.html").read_text(encoding="utf-8")
    assert "<iframe" not in html and "<script>while" not in html and "<b>negrita" not in html
    pdf_text = " ".join((p.extract_text() or "") for p in PdfReader(root / "dist" / "01-prueba.pdf").pages)
    assert "<b>negrita</b>" in " ".join(pdf_text.split()) and ":x:" in pdf_text  # shown as text, not run
    landing = (root / "dist" / "index.html").read_text(encoding="utf-8")
    assert "<script>while" not in landing and "&lt;script&gt;while" in landing


@pytest.mark.e2e
def test_templates_cannot_put_local_files_in_a_pdf(make_course, secret):
    root = make_course()
    build(root, formats=["html", "pdf"])
    before = {p: p.read_bytes() for p in (root / "dist").rglob("*") if p.is_file()}
    deck = root / "decks" / "01-prueba.md.j2"
    attacks = (
        f'<iframe src="file://{secret}"></iframe>\n'
        f'<object data="file://{secret}"></object>\n'
        f'<embed src="file://{secret}">\n'
        f'<img src="file://{secret}" alt="x">\n'
        f'<link rel="stylesheet" href="file://{secret}">\n'
        f'<div style="background: url(file://{secret})">fondo</div>\n'
        f'<iframe src="../../fuera/secreto.txt"></iframe>\n'
        f'![fuga](../../fuera/./secreto.txt)\n'
    )
    _edit(deck, "## Los tokens de una frase", "## Los tokens de una frase\n\n" + attacks)
    done = run_cli("build", "--raiz", str(root), "-f", "html", "-f", "pdf")
    output = no_traceback(done)
    # The printing browser reads no local file; marp-cli reports the attempt and nothing is published.
    assert done.returncode == 1 and "una diapositiva intenta leer archivos de esta computadora" in output
    assert {p: p.read_bytes() for p in (root / "dist").rglob("*") if p.is_file()} == before
    assert MARKER not in published_text(root / "dist")
    # The HTML alone is built: the tags outside the allowlist are text there, never frames.
    build(root, formats=["html"])
    html = (root / "dist" / "01-prueba.html").read_text(encoding="utf-8")
    assert MARKER not in html
    assert "<iframe" not in html and "<object" not in html and "<embed" not in html and "<link rel" not in html
    # check names each way out of the project, with its line.
    done = run_cli("check", "--raiz", str(root), "--sin-navegador", "--json")
    findings = json.loads(no_traceback(done))["hallazgos"]
    mine = {(f["code"], f["line"]) for f in findings if f["file"] == "decks/01-prueba.md.j2"}
    assert {("etiqueta-no-permitida", 15), ("etiqueta-no-permitida", 16), ("etiqueta-no-permitida", 17),
            ("etiqueta-no-permitida", 19), ("fuera-del-proyecto", 15), ("fuera-del-proyecto", 22)} <= mine


@pytest.mark.e2e
def test_printed_pages_fetch_nothing_from_the_network(make_course):
    # A PDF never depends on the network: the printing browser refuses every request that would leave the
    # computer, and the build says which one and what to do, with nothing published.
    import http.server
    import threading

    asked: list[str] = []

    class Server(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        root = make_course()
        build(root, formats=["html", "pdf"])
        before = {p: p.read_bytes() for p in (root / "dist").rglob("*") if p.is_file()}
        _edit(root / "decks" / "01-prueba.md.j2", "## Los tokens de una frase",
              f'## Los tokens de una frase\n\n<img src="{url}/logo.png" alt="Logo">\n\n'
              f'<div style="background: url({url}/fondo.png)">fondo</div>\n')
        done = run_cli("build", "--raiz", str(root), "-f", "html", "-f", "pdf")
        output = no_traceback(done)
    finally:
        server.shutdown()
    assert done.returncode == 1, output
    assert f"01-prueba: una diapositiva pide {url}/fondo.png, {url}/logo.png a internet" in output and "los PDF se generan sin conexión" in output
    assert "guarda el archivo en decks/img/" in output
    assert asked == []  # refused in the browser: nothing reached the server
    assert {p: p.read_bytes() for p in (root / "dist").rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("place", ["data_templates/fuga.csv", "decks/img/fuga.svg", "partials/fuga.md.j2",
                                   "themes/fuga.css"])
def test_symlinks_leading_outside_are_refused_by_build_and_check(make_course, secret, place):
    root = make_course()
    (root / place).symlink_to(secret)
    done = run_cli("build", "--raiz", str(root), "-f", "html")
    output = no_traceback(done)
    assert done.returncode == 1
    assert f"{place}: es un enlace simbólico a {secret.resolve()}, fuera del proyecto" in output
    assert not (root / "dist").exists()
    done = run_cli("check", "--raiz", str(root), "--sin-navegador")
    output = no_traceback(done)
    assert done.returncode == 1 and f"{place}:0: error: [enlace-simbolico]" in output


@pytest.mark.e2e
def test_symlinks_inside_the_project_still_work(make_course):
    root = make_course()
    (root / "data_templates" / "copia.csv").symlink_to(root / "data_templates" / "ejemplo.csv")
    build(root, formats=["html"])
    with zipfile.ZipFile(root / "dist" / "datos-curso.zip") as archive:
        assert "datos-curso/copia.csv" in archive.namelist()


# 3. No traceback for anything a user can type or write -------------------------------------------------

def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_impossible_dates_are_schema_errors_with_their_line(make_course):
    root = make_course()
    _edit(root / "course.yaml", 'revisado: "2026-11-30"', 'revisado: "2026-02-30"')
    expected = "course.yaml:3: revisado: la fecha '2026-02-30' no existe en el calendario; revisa el día y el mes (AAAA-MM-DD)"
    for args in (["build", "-f", "html"], ["rehearse"]):
        done = run_cli(*args, "--raiz", str(root))
        assert done.returncode == 1 and expected in no_traceback(done), args
    done = run_cli("check", "--raiz", str(root), "--sin-navegador")
    assert done.returncode == 1 and "course.yaml:3: error: [esquema] revisado: la fecha '2026-02-30'" in no_traceback(done)
    done = run_cli("check", "--raiz", str(root), "--sin-navegador", "--json")
    report = json.loads(no_traceback(done))
    assert report["errores"] >= 1 and any(f["line"] == 3 and f["code"] == "esquema" for f in report["hallazgos"])


@pytest.mark.parametrize(("expression", "message"), [
    ("{{ 1 / 0 }}", "división por cero (ZeroDivisionError: division by zero)"),
    ('{{ curso.duracion_minutos + "x" }}', "operación entre valores de tipos distintos"),
    ('{{ extracto("ejemplo.csv", "2") }}', "extracto(): 'desde' debe ser un número entero desde 1, sin comillas (no '2')"),
    ('{{ extracto(3) }}', "la ruta debe ser un texto entre comillas"),
    ('{{ extracto("latin1.csv") }}', "data_templates/latin1.csv no está en UTF-8"),
    ('{{ filas_csv("ejemplo.csv", 0) }}', "filas_csv(): 'desde' debe ser un número entero desde 1"),
    ('{{ extracto("../course.yaml") }}', "está fuera de data_templates/"),
])
def test_template_runtime_errors_name_the_template_and_line(make_course, expression, message):
    root = make_course()
    (root / "data_templates" / "latin1.csv").write_bytes("texto,etiqueta\ncañón,sí\n".encode("latin-1"))
    _edit(root / "decks" / "01-prueba.md.j2", "## Los tokens de una frase", f"## Los tokens de una frase\n\n{expression}")
    done = run_cli("build", "--raiz", str(root), "-f", "html")
    output = no_traceback(done)
    assert done.returncode == 1
    assert "decks/01-prueba.md.j2:15: " in output and message in output


@pytest.mark.e2e
def test_a_missing_landing_stylesheet_and_a_missing_font_are_named(make_course):
    root = make_course()
    (root / "themes" / "landing.css").unlink()
    done = run_cli("build", "--raiz", str(root), "-f", "html")
    assert done.returncode == 1 and "themes/landing.css: no se pudo leer" in no_traceback(done)
    root = make_course()
    fonts = sorted((root / "themes" / "fonts").glob("*.woff2"))
    fonts[0].unlink()
    done = run_cli("build", "--raiz", str(root), "-f", "html")
    assert done.returncode == 1 and f"fonts/{fonts[0].name}: no se puede leer la fuente" in no_traceback(done)


@pytest.mark.parametrize(("args", "message"), [
    (["serve", "--puerto", "99999"], "--puerto 99999: el puerto debe ser un número de 1 a 65 535"),
    (["serve", "--puerto", "abc"], "error: valor no válido para --puerto / --port: debe ser un número entero"),
    (["rehearse", "--ppm", "0"], "--ppm 0: las palabras por minuto deben ser un número mayor que 0"),
    (["rehearse", "--ppm", "-150"], "--ppm -150: las palabras por minuto deben ser un número mayor que 0"),
    (["check", "--ppm", "0"], "--ppm 0: las palabras por minuto deben ser un número mayor que 0"),
    (["nada"], "error: no existe el comando 'nada'; la lista está en --help"),
    (["build", "--xx"], "error: no existe la opción --xx"),
    (["build", "-f", "docx"], "formato desconocido: docx; usa html, pdf, notas, pptx"),
])
def test_option_values_are_validated_in_spanish(make_course, args, message):
    root = make_course()
    done = run_cli(*args, cwd=root)
    output = no_traceback(done)
    assert done.returncode == 2, output
    assert message in output


def test_help_is_in_spanish():
    done = run_cli("build", "--help")
    output = no_traceback(done)
    assert done.returncode == 0
    assert "Uso: marp-build build [OPCIONES]" in output and "Opciones:" in output
    assert "Muestra esta ayuda y termina." in output
    assert "Usage" not in output and "Show this message" not in output


def test_our_own_bugs_get_a_short_spanish_message_and_the_traceback_only_when_debugging(make_course, monkeypatch,
                                                                                        capsys):
    from marp_build import _console

    def broken() -> None:
        raise RuntimeError("fallo de prueba")

    app = _console.typer.Typer()
    app.command()(broken)
    assert _console.run_app(app, "marp-build", []) == 70
    err = capsys.readouterr().err  # the console writes to whatever sys.stderr is: no stream patched to restore
    assert "error interno de marp-build (RuntimeError: fallo de prueba)" in err
    assert "MARP_BUILD_DEPURAR=1" in err
    monkeypatch.setenv("MARP_BUILD_DEPURAR", "1")
    with pytest.raises(RuntimeError):
        _console.run_app(app, "marp-build", [])


# 5. Interrupted and concurrent builds; 6. dist/ independent of the cache ------------------------------

@pytest.mark.e2e
def test_leftover_staging_folders_are_removed_only_when_ours(make_course):
    root = make_course()
    ours = root / ".dist-nuevo-99999"
    ours.mkdir()
    (ours / ".marp-build-temporal").write_text("", encoding="utf-8")
    theirs = root / ".dist-nuevo-12345"
    theirs.mkdir()
    (theirs / "importante.txt").write_text("de otra persona", encoding="utf-8")
    build(root, formats=["html"])
    assert not ours.exists()
    assert (theirs / "importante.txt").is_file()


@pytest.mark.e2e
def test_a_second_build_waits_for_the_first_and_says_so(make_course):
    root = make_course()
    cache = root / ".cache" / "marp-build"
    cache.mkdir(parents=True)
    said: list[str] = []
    handle = open(cache / "construccion.lock", "a+b")  # noqa: SIM115 - held across the thread below
    fcntl.flock(handle, fcntl.LOCK_EX)
    waiting = threading.Thread(target=lambda: build(root, formats=["html"], report=said.append))
    waiting.start()
    time.sleep(1.0)
    assert waiting.is_alive() and any("otra construcción de este curso está en marcha" in m for m in said)
    fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()
    waiting.join(timeout=120)
    assert (root / "dist" / "index.html").is_file()
    with project_lock(cache, said.append):  # released again: taken at once
        pass


@pytest.mark.e2e
def test_editing_or_deleting_dist_never_changes_what_a_later_build_publishes(make_course):
    root = make_course()
    build(root, formats=["html"])
    page = root / "dist" / "01-prueba.html"
    original = page.read_bytes()
    page.write_text("editado a mano", encoding="utf-8")
    result = build(root, formats=["html"])
    assert not result.up_to_date and page.read_bytes() == original
    page.unlink()
    build(root, formats=["html"])
    assert page.read_bytes() == original
    assert os.stat(page).st_nlink == 1  # a copy, never a hard link into the cache


@pytest.mark.e2e
def test_everything_a_build_writes_is_ignored_by_git(make_course, tmp_path):
    root = make_course()
    for name in (".gitignore",):
        (root / name).write_text((REPO / name).read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    before = set(subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=root, capture_output=True,
                                text=True, check=True).stdout.splitlines())
    build(root, formats=["html"])
    (root / ".dist-nuevo-1").mkdir()  # as a killed build would leave it
    after = set(subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=root, capture_output=True,
                               text=True, check=True).stdout.splitlines())
    assert after == before


# 7. The schedule; 8. messages ---------------------------------------------------------------------------

def test_duplicate_keys_are_errors_with_both_lines(make_course):
    root = make_course()
    _edit(root / "course.yaml", 'nivel: "Básico"', 'nivel: "Básico"\nnivel: "Medio"')
    done = run_cli("build", "--raiz", str(root), "-f", "html")
    assert done.returncode == 1
    assert ("course.yaml:6: la clave 'nivel' está repetida (ya aparece en la línea 5); deja una sola"
            in no_traceback(done))


@pytest.mark.e2e
def test_build_warns_when_minutes_do_not_add_up(make_course):
    root = make_course()
    _edit(root / "course.yaml", 'minutos: 15', 'minutos: 20')
    said: list[str] = []
    build(root, formats=["html"], report=said.append)
    assert ("aviso: course.yaml:17: las subsecciones de la sección 1 suman 45 minutos, pero la sección dice 40: la "
            "agenda se solaparía; ajusta los minutos para que coincidan") in said


def test_messages_keep_shortcodes_count_in_spanish_and_say_aviso(make_course):
    from marp_build._console import plural

    assert [plural(1, "error", "errores"), plural(2, "error", "errores"), plural(0, "aviso", "avisos")] == [
        "1 error", "2 errores", "0 avisos"]
    assert plural(12345, "conversión", "conversiones") == "12 345 conversiones"
    root = make_course()
    _edit(root / "course.yaml", 'revisado: "2026-11-30"', 'revisado: ":x: 2026-11-30"')
    done = run_cli("build", "--raiz", str(root), "-f", "html")
    assert ":x:" in no_traceback(done) and "❌" not in done.stderr
    root = make_course("no-notes")
    done = run_cli("check", "--raiz", str(root), "--sin-navegador")
    assert ": aviso: [sin-notas]" in done.stdout and ": warning:" not in done.stdout
    assert done.stdout.splitlines()[-1].endswith("0 errores, 1 aviso")


# Arbitrary text in course.yaml ---------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402 - kept next to the one test that uses it
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029"), min_size=1,
                max_size=40)
_FIELDS = ('titulo: "Curso mínimo de prueba"', 'subtitulo: "Escenario para las pruebas"',
           'instructor: "Equipo de pruebas"', 'titulo: "Tokens"', 'modalidad: "Presencial"')


@pytest.mark.e2e
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.tuples(_TEXT, st.sampled_from(["<x-prueba>", "-->", "\n---\n", "{{ curso }}", "", "![a](b)"])),
                       min_size=len(_FIELDS), max_size=len(_FIELDS)))
def test_arbitrary_course_text_never_crashes_and_never_becomes_markup(make_course, values):
    from marp_build.check import run_check

    root = make_course()
    course = root / "course.yaml"
    text = course.read_text(encoding="utf-8")
    for field, (value, attack) in zip(_FIELDS, values):
        key = field.split(":")[0]
        text = text.replace(field, f"{key}: {json.dumps(value + attack, ensure_ascii=False)}", 1)
    course.write_text(text, encoding="utf-8")
    try:
        build(root, formats=["html"])
    except Exception as err:  # noqa: BLE001 - only the user-facing error class is acceptable
        from marp_build.errors import MarpBuildError

        assert isinstance(err, MarpBuildError), repr(err)
        assert "Traceback" not in str(err)
    else:
        for page in (root / "dist").rglob("*.html"):
            html = page.read_text(encoding="utf-8")
            assert "<x-prueba" not in html, page.name
    report = run_check(root, browser=False)  # never raises: every problem is a finding
    assert all(f.file and f.message for f in report.findings)


@pytest.mark.e2e
@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_an_interrupted_build_stops_marp_and_its_browser_and_keeps_dist(make_course, how):
    import signal

    root = make_course()
    build(root, formats=["html"])
    before = {p: p.read_bytes() for p in (root / "dist").rglob("*") if p.is_file()}
    cache = str(root / ".cache")
    process = subprocess.Popen([sys.executable, "-m", "marp_build.cli", "build", "--raiz", str(root), "--forzar"],
                               env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)

    def ours() -> list[str]:
        found = subprocess.run(["pgrep", "-af", cache], capture_output=True, text=True, check=False).stdout
        return [line for line in found.splitlines() if "marp_build.cli" not in line and "pgrep" not in line]

    deadline = time.monotonic() + 60
    while not ours() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ours(), "marp-cli never started"
    process.send_signal(getattr(signal, how))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0 and "Traceback" not in stderr
    deadline = time.monotonic() + 10
    while ours() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not ours()
    assert {p: p.read_bytes() for p in (root / "dist").rglob("*") if p.is_file()} == before
    assert not list(root.glob(".dist-*"))
