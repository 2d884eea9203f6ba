"""Reading the user's TOML files (profiles, waivers, attestations) with one-line errors."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from hvaudit.errors import InputError

__all__ = ["read_toml"]


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse `path`; a missing, unreadable or invalid file is an InputError naming it and `what`."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what} file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what} file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: {what} file is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML ({exc})") from None
