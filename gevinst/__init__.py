"""gevinst: benefits realisation (gevinstrealisering) and cost/benefit (kost/nytte)
for public-sector digitalisation projects."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gevinst")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+local"
