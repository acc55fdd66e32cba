"""`python -m datacheck validar|convertir|explicar …`."""

import sys

from datacheck.cli import main

if __name__ == "__main__":
    for stream in (sys.stdout, sys.stderr):
        try:  # a Windows console may not print every character of a user's file
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    sys.exit(main(prog="python -m datacheck"))
