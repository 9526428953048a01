"""The ``docgen`` command line: click commands only; the work is done by library modules."""
