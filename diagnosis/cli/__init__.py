"""The `diagnosis` command line: a thin layer over the library.

`COMMANDS` below names the module of every command (`diagnosis kpi` is `diagnosis/cli/kpi.py`);
a module registers its commands on `cli` with `@cli.command()` and is imported only when one of
its commands runs (or `--help` lists them all), so `validate` never loads the ticket engine.
Expected errors (`DiagnosisError`) become a clean message and exit 1, wrong usage exits 2.
"""

from __future__ import annotations

import importlib
import sys
from typing import Callable

import click

from diagnosis import __version__
from diagnosis.errors import DiagnosisError, InvalidFile
from diagnosis.i18n import pick, system_language


# every command -> the module of this package that defines it, in the order of the README
COMMANDS: dict[str, str] = {
    "validate": "core",
    "check-project": "core",
    "demo": "core",
    "schema": "core",
    "metrics": "metrics",
    "kpi": "kpi",
    "pareto": "pareto",
    "fishbone": "pareto",
    "plan": "plan",
    "evaluate": "plan",
    "spc": "spc",
    "report": "report",
}


class Commands(click.Group):
    """The commands of `COMMANDS`, each module imported when one of its commands is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            importlib.import_module(f"{__name__}.{COMMANDS[name]}")
        return self.commands.get(name)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="diagnosis")
def cli() -> None:
    """Guided six-step process diagnosis for customer-service teams (诊断与优化六步法)."""


def fail(exc: DiagnosisError) -> None:
    """Print an expected error without a traceback and exit 1."""
    if isinstance(exc, InvalidFile):
        for problem in exc.problems:
            click.echo(str(problem), err=True)
    else:
        lang = system_language()
        click.echo(f"{pick(lang, '错误', 'error')}: {exc.text(lang)}", err=True)
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


def main() -> None:
    try:
        cli.main(prog_name="diagnosis", standalone_mode=True)
    except DiagnosisError as exc:  # pragma: no cover - commands handle their own
        fail(exc)
