"""Reading the user's TOML files (profiles, waivers, attestations) with one-line errors."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

from hvaudit.errors import InputError, one_line
from hvaudit.fsguard import UnsafeFileError, read_regular

__all__ = ["read_toml"]


MAX_TOML_BYTES = 4 * 1024 * 1024
"""A profile or waiver file is kilobytes."""


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text}: not a finite number")
    return value


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse `path`; a missing, unreadable or invalid file is an InputError naming it and `what`.

    The file is read through the file-system guard (a FIFO or device is refused, not waited on),
    bounded in size; numbers must be finite; nesting too deep for the parser is one line too."""
    try:
        data = read_regular(str(path), MAX_TOML_BYTES)
        return tomllib.loads(data.decode("utf-8"), parse_float=_finite)
    except RecursionError:
        raise InputError(f"{path}: {what} file nested too deeply") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: {what} file is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML ({exc})") from None
    except ValueError as exc:
        raise InputError(f"{path}: invalid {what} file ({one_line(exc, 100)})") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what} file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what} file ({exc.strerror})") from None
    except UnsafeFileError as exc:
        raise InputError(f"{what} file {one_line(exc)}") from None
