"""The ``gevinst`` command: a thin click layer over the package.

Each area has its own module with its commands (its ``COMMANDS`` list); this one only
assembles them. A module is imported when one of its commands runs, not before, so that
``gevinst check`` or ``gevinst list`` does not pay for pandas, openpyxl and the report
stack (about 0.6 s of CPU a call). :data:`MODULES` says which module holds which command;
a name it does not know makes every module load and is looked up there, so a command
added to a module's ``COMMANDS`` works even before it is added here.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import click

from gevinst import __version__

MODULES: dict[str, tuple[str, ...]] = {
    "workspace": ("check", "list", "schema"),
    "excel": ("excel",),
    "cba": ("cba",),
    "baseline": ("baseline",),
    "budget": ("budget",),
    "tracking": ("status", "measure", "owners", "portfolio"),
    "report": ("report",),
    "synth": ("synth",),
    "cache": ("cache",),
    "explore": ("explore",),
}
"""Module under :mod:`gevinst.cli` → the names of the commands in its ``COMMANDS``."""


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"gevinst.cli.{name}")


def _commands(module: ModuleType) -> dict[str, click.Command]:
    return {c.name: c for c in module.COMMANDS if c.name}


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is wanted."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        for module in MODULES:
            names.update(_commands(_module(module)))
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for module, names in MODULES.items():
            if cmd_name in names:
                found = _commands(_module(module)).get(cmd_name)
                if found is not None:
                    return found
        for module in MODULES:  # not in the table (yet): look everywhere
            found = _commands(_module(module)).get(cmd_name)
            if found is not None:
                return found
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gevinst")
def cli() -> None:
    """gevinst – gevinstrealisering og kost/nytte for digitaliseringsprosjekter."""


def main() -> None:
    cli(prog_name="gevinst")


if __name__ == "__main__":  # pragma: no cover
    main()
