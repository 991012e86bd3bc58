"""The ``gevinst`` command: a thin click layer over the package.

Each area has its own module with its commands; this one only assembles them.
"""

from __future__ import annotations

import click

from gevinst import __version__
from gevinst.cli import cba, excel, explore, report, tracking, workspace


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gevinst")
def cli() -> None:
    """gevinst – gevinstrealisering og kost/nytte for digitaliseringsprosjekter."""


for module in (workspace, excel, cba, tracking, report, explore):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    cli(prog_name="gevinst")


if __name__ == "__main__":  # pragma: no cover
    main()
