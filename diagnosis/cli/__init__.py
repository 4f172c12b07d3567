"""The `diagnosis` command line: a thin layer over the library.

Each command lives in its own module under `diagnosis.cli` and registers itself on `cli`;
expected errors (`DiagnosisError`) become a clean message and exit 1, wrong usage exits 2.
"""

from __future__ import annotations

import sys
from typing import Callable

import click

from diagnosis import __version__
from diagnosis.errors import DiagnosisError, InvalidFile


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="diagnosis")
def cli() -> None:
    """Guided six-step process diagnosis for customer-service teams (诊断与优化六步法)."""


def fail(exc: DiagnosisError) -> None:
    """Print an expected error without a traceback and exit 1."""
    if isinstance(exc, InvalidFile):
        for problem in exc.problems:
            click.echo(str(problem), err=True)
    else:
        click.echo(f"error: {exc}", err=True)
    sys.exit(1)


def write_output(output: str, make: Callable[[], bytes]) -> None:
    """Make a file's content and write it atomically; expected errors end the command cleanly."""
    from diagnosis.project.files import atomic_write

    try:
        atomic_write(output, make(), backup=False)
    except DiagnosisError as exc:
        fail(exc)
    except OSError as exc:
        click.echo(f"error: cannot write {output}: {exc.strerror}", err=True)
        sys.exit(1)
    click.echo(f"wrote {output}", err=True)


def _register_commands() -> None:
    """Every module of this package registers its commands on import (one file per area)."""
    import importlib
    import pkgutil

    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{module}")


_register_commands()


def main() -> None:
    try:
        cli.main(prog_name="diagnosis", standalone_mode=True)
    except DiagnosisError as exc:  # pragma: no cover - commands handle their own
        fail(exc)
