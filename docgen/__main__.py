"""``python -m docgen`` is the ``docgen`` command."""

from docgen.cli.main import main

main()
