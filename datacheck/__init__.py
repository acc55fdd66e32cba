"""datacheck: checks a fine-tuning data file before it is uploaded, and converts a spreadsheet of examples.

Standard library only (Python 3.11+); `tiktoken` is optional. `datacheck.amalgamate` joins these modules into
the single `validar_datos.py` attendees download; `marp-build data …` runs the same command line.
"""

from datacheck.cli import main
from datacheck.findings import Finding, Report
from datacheck.sheet import SheetConversion, convert_sheet, default_output, looks_like_sheet
from datacheck.summary import report_lines, report_to_dict, summarize
from datacheck.tokens import DEFAULT_MAX_TOKENS, default_epochs
from datacheck.validate import FORMATS, detect_format, input_problem, validate_path

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "FORMATS",
    "Finding",
    "Report",
    "SheetConversion",
    "convert_sheet",
    "default_epochs",
    "default_output",
    "detect_format",
    "input_problem",
    "looks_like_sheet",
    "main",
    "report_lines",
    "report_to_dict",
    "summarize",
    "validate_path",
]
