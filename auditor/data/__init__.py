"""The package's vocabulary and rule files (auditor/data/*.yaml), read in one way: through libyaml
when it is installed (~20× faster than the pure-Python parser, which cost the first document of
every process about a second), with the same safe subset of YAML."""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # yaml.safe_load, through libyaml when there


def read(name: str | Path) -> Any:
    """A data file by name ("patterns.yaml"), or a YAML file by path, parsed (callers cache)."""
    if isinstance(name, Path) or "/" in str(name):
        with open(name, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=LOADER)
    with resources.files(__name__).joinpath(name).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=LOADER)
