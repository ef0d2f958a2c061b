"""Exit 0 if every requirement of pyproject.toml (with the dev extra) is installed, else 1.

`make venv` installs the pinned, hashed requirements.lock, then the project itself without
dependencies; a package added to pyproject.toml after the lock was made is then missing,
and this check tells the Makefile to install it (unpinned) until `make lock` is rerun.
"""

from __future__ import annotations

import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement


def missing() -> list[str]:
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    absent = []
    for line in wanted:
        requirement = Requirement(line)
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            absent.append(line)
            continue
        if installed not in requirement.specifier:
            absent.append(f"{line} (have {installed})")
    return absent


if __name__ == "__main__":
    absent = missing()
    for line in absent:
        print(f"not in requirements.lock: {line}")
    sys.exit(1 if absent else 0)
