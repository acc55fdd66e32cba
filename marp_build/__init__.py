"""marp-build: el curso de fine-tuning como código (Jinja + Marp → HTML, PDF y descargas)."""

__version__ = "0.1.0"
