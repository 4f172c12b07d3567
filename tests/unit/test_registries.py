"""The explicit tables say the truth: `diagnosis.cli.COMMANDS` names every command's module,
`ui.editors.EDITORS` every step editor."""

from __future__ import annotations

import importlib.util
import pkgutil

from click.testing import CliRunner

import diagnosis.cli
from diagnosis.cli import COMMANDS, cli


def test_every_command_is_defined_by_the_module_the_table_names():
    for module in pkgutil.iter_modules(diagnosis.cli.__path__):
        importlib.import_module(f"diagnosis.cli.{module.name}")  # every module, listed or not
    defined = {name: command.callback.__module__ for name, command in cli.commands.items()}
    assert defined == {name: f"diagnosis.cli.{module}" for name, module in COMMANDS.items()}


def test_help_lists_every_command_of_the_table():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()]
    assert sorted(listed) == sorted(COMMANDS)


def test_every_editor_module_is_in_the_editors_table_under_a_step_kind():
    import ui.editors
    from typing import get_args

    from diagnosis.questionnaire.model import Step
    from ui.editors import EDITORS

    modules = {f"ui.editors.{m.name}" for m in pkgutil.iter_modules(ui.editors.__path__)}
    drawn = {func.__module__ for func in EDITORS.values()}
    assert drawn <= modules
    # any other module is a part of one editor (e.g. step 6's tests and charts), imported by it
    sources = {name: importlib.util.find_spec(name).loader.get_source(name) for name in drawn}
    for part in modules - drawn:
        assert any(f"from {part} import" in text for text in sources.values()), f"{part} is neither an editor nor part of one"
    assert set(EDITORS) <= set(get_args(Step.model_fields["kind"].annotation))
