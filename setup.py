"""Bundle the dbt project into the wheel (``pipelines/_project/``).

The metadata is in ``pyproject.toml``; this file only adds a build step: an
installed wheel has no checkout beside it, so ``pipelines.paths`` finds the
models, macros, seeds and suites in the copy made here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: Keep equal to ``pipelines.paths.PROJECT_FILES`` (tests/test_paths.py checks it).
PROJECT_FILES = (
    "dbt_project.yml",
    "models",
    "macros",
    "seeds",
    "snapshots",
    "profiles",
    "expectations",
    "mappings",
)


class BuildWithProject(build_py):
    """``build_py``, then a copy of the dbt project into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        bundle = Path(self.build_lib) / "pipelines" / "_project"
        shutil.rmtree(bundle, ignore_errors=True)
        for name in PROJECT_FILES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, bundle / name, ignore=shutil.ignore_patterns("__pycache__"))
            elif source.is_file():
                bundle.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, bundle / name)


setup(cmdclass={"build_py": BuildWithProject})
