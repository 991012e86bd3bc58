"""Regenerate the column table of docs/excel.md: ``python -m gevinst.io.excel [nb|en]``."""

import sys

from gevinst.io.excel.help import column_table_markdown

sys.stdout.write(column_table_markdown(sys.argv[1] if len(sys.argv) > 1 else "nb"))
