"""YAML reading with the C loader when PyYAML was built with it (several times faster)."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML text safely."""
    return yaml.load(text, Loader=_LOADER)
