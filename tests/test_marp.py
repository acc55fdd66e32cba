"""Error paths of the marp-cli stage, with the process faked at the boundary."""

import subprocess
from pathlib import Path

import pytest

from marp_build import marp
from marp_build.errors import BrowserNotFoundError, MarpError, MarpNotFoundError
from marp_build.marp import FORMATS, Batch, prepare_themes, start_batches


class FakePopen:
    """Stands in for marp-cli: writes the outputs it was asked for and prints what the test says."""

    def __init__(self, returncode=0, stdout="", stderr="", write=True):
        self.result = (returncode, stdout, stderr, write)
        self.calls = []

    def __call__(self, cmd, **kwargs):
        self.calls.append((cmd, kwargs))
        returncode, stdout, stderr, write = self.result
        out = Path(cmd[cmd.index("--output") + 1])
        suffix = ".pdf" if "--pdf" in cmd else ".html"
        if write:
            for md in Path(cmd[cmd.index("--input-dir") + 1]).glob("*.md"):
                (out / f"{md.stem}{suffix}").write_text("x")
        fake = self

        class Process:
            def __init__(self):
                self.returncode = returncode

            def communicate(self):
                return stdout, stderr

        fake.last = Process()
        return fake.last


@pytest.fixture
def setup(tmp_path, monkeypatch):
    root = tmp_path
    (root / "node_modules" / ".bin").mkdir(parents=True)
    (root / "node_modules" / ".bin" / "marp").write_text("")
    monkeypatch.setattr(marp, "find_browser", lambda: Path("/usr/bin/chromium"))
    monkeypatch.setattr("marp_build.doctor.shutil.which", lambda name: "/usr/bin/" + name)
    inputs = root / "in"
    inputs.mkdir()
    (inputs / "a.md").write_text("---\nmarp: true\n---\n# A\n")
    return root, Batch(FORMATS["pdf"], inputs, root / "out", ("a",))


def test_command_is_an_argument_list_with_no_stdin(setup, monkeypatch):
    root, batch = setup
    fake = FakePopen()
    monkeypatch.setattr(subprocess, "Popen", fake)
    start_batches(root, [batch], [root / "curso.css"], root).wait()
    cmd, kwargs = fake.calls[0]
    assert cmd[0].endswith("node_modules/.bin/marp") and "--no-stdin" in cmd
    # The printing browser reads no local file, and raw HTML follows the allowlist in the config file.
    assert "--allow-local-files" not in cmd and "--html" not in cmd
    assert cmd[cmd.index("--browser-path") + 1] == "/usr/bin/chromium"
    assert kwargs["stdin"] is subprocess.DEVNULL
    assert "shell" not in kwargs


def test_warnings_are_errors(setup, monkeypatch):
    root, batch = setup
    stderr = (
        "[  WARN ] Cannot register theme CSS: themes/x.css (Marpit\n"
        "          theme CSS requires @theme meta.)\n"
    )
    monkeypatch.setattr(subprocess, "Popen", FakePopen(stderr=stderr))
    with pytest.raises(MarpError) as err:
        start_batches(root, [batch], [], root).wait()
    message = str(err.value)
    assert message.startswith(
        "marp-cli falló al generar PDF (avisos que cambian el resultado: [  WARN ] Cannot register theme CSS: "
        "themes/x.css (Marpit theme CSS requires @theme meta.))"
    )
    assert "\nComando: " in message and "--no-stdin" in message
    assert "Salida de marp-cli:\n[  WARN ] Cannot register theme CSS" in message


def test_failure_shows_command_and_output(setup, monkeypatch):
    root, batch = setup
    monkeypatch.setattr(subprocess, "Popen", FakePopen(returncode=1, stderr="[ ERROR ] Failed converting", write=False))
    with pytest.raises(MarpError, match=r"^marp-cli falló al generar PDF .*\(no generó: a\)"):
        start_batches(root, [batch], [], root).wait()


def test_exit_code_2_means_no_browser(setup, monkeypatch):
    root, batch = setup
    monkeypatch.setattr(subprocess, "Popen", FakePopen(returncode=2, write=False))
    with pytest.raises(BrowserNotFoundError, match="sudo apt-get install -y chromium"):
        start_batches(root, [batch], [], root).wait()


def test_marp_not_installed(tmp_path):
    batch = Batch(FORMATS["html"], tmp_path, tmp_path / "out", ("a",))
    with pytest.raises(MarpNotFoundError) as err:
        start_batches(tmp_path, [batch], [], tmp_path).wait()
    assert str(err.value) == (
        f"no se encontró marp-cli en {tmp_path}/node_modules/.bin/marp; ejecuta `npm ci` en {tmp_path} "
        "(o `make slides`, que lo instala)"
    )


def test_no_browser_anywhere(monkeypatch):
    from marp_build import doctor

    monkeypatch.delenv("CHROME_PATH", raising=False)
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    with pytest.raises(BrowserNotFoundError) as err:
        doctor.find_browser()
    assert "sudo apt-get install -y chromium fonts-noto-color-emoji" in str(err.value)


def test_chrome_path_wins(monkeypatch, tmp_path):
    from marp_build import doctor

    browser = tmp_path / "mi-chrome"
    browser.write_text("")
    monkeypatch.setenv("CHROME_PATH", str(browser))
    assert doctor.find_browser() == browser


def test_themes_get_fonts_inlined_and_skip_non_themes(tmp_path):
    themes = Path(__file__).resolve().parents[1] / "themes"
    written = prepare_themes(themes, tmp_path)
    assert sorted(p.name for p in written) == ["curso.css", "guia.css"]
    css = (tmp_path / "curso.css").read_text()
    assert "data:font/woff2;base64," in css and 'url("fonts/' not in css
