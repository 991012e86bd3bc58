"""``gevinst cache``: where the results cache is, how much it holds, and emptying it."""

from __future__ import annotations

import click

from gevinst.cli.common import echo, lang_option, say
from gevinst.io import cache
from gevinst.report.text import fmt_number


@click.command("cache")
@click.option("--clear", is_flag=True, help="Tøm mellomlageret (alle oppføringene).")
@lang_option
def cache_cmd(clear: bool, lang: str) -> None:
    """Mellomlageret for resultater: planer, målinger og kost/nytte-analyser som ikke er endret.

    Oppføringene er nøklet på alt de er regnet ut fra (filene, konfigurasjonen, datoen,
    gevinst-koden), så et endret grunnlag gir alltid en ny utregning. Mappen er
    $GEVINST_CACHE_DIR, ellers $XDG_CACHE_HOME/gevinst eller ~/.cache/gevinst;
    GEVINST_CACHE=off slår det av."""
    folder = cache.directory()
    if folder is None:
        echo(say(lang, "Mellomlageret er slått av (GEVINST_CACHE=off).",
                 "The results cache is off (GEVINST_CACHE=off)."))  # fmt: skip
        return
    if clear:
        n = cache.clear()
        echo(say(lang, f"Tømte mellomlageret i {folder}: {fmt_number(n, 0, lang)} oppføringer.",
                 f"Emptied the results cache in {folder}: {fmt_number(n, 0, lang)} entries."))  # fmt: skip
        return
    sizes = cache.sizes()
    echo(say(lang, f"Mellomlageret: {folder}", f"Results cache: {folder}"))
    if not sizes:
        echo(say(lang, "  tomt", "  empty"))
    for kind, (n, size) in sizes.items():
        mb = fmt_number(size / 1e6, 1, lang)
        echo(say(lang, f"  {kind}: {fmt_number(n, 0, lang)} oppføringer, {mb} MB",
                 f"  {kind}: {fmt_number(n, 0, lang)} entries, {mb} MB"))  # fmt: skip


COMMANDS = [cache_cmd]
