"""Build step only (the metadata is in pyproject.toml): copy the bundled sample from data/sample/, its home beside
the generator, into the package, so that a normal install can run `mfa demo` (see mfa.reference)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SAMPLE = Path(__file__).resolve().parent / "data" / "sample"


class BuildWithSample(build_py):
    """build_py, plus data/sample/*.csv as mfa/reference/sample/ (an editable install reads data/sample/ itself)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "mfa" / "reference" / "sample"
        target.mkdir(parents=True, exist_ok=True)
        for csv in sorted(SAMPLE.glob("*.csv")):
            shutil.copyfile(csv, target / csv.name)


setup(cmdclass={"build_py": BuildWithSample})
