"""Packaging hook: install the family modules of derivations/ as ``symfisher.catalog``.

The repository keeps the worked catalog in its top-level ``derivations/`` folder; nothing named
``derivations`` is installed. Everything else is configured in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalog(build_py):
    """``build_py`` that also copies ``derivations/*.py`` into ``symfisher/catalog/``."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "symfisher" / "catalog"
        target.mkdir(parents=True, exist_ok=True)
        for source in sorted(Path(__file__).parent.joinpath("derivations").glob("*.py")):
            self.copy_file(str(source), str(target / source.name))


setup(cmdclass={"build_py": BuildWithCatalog})
