"""The one exception type for problems the user can fix (bad input, unknown case, ...).

The CLI turns it into a Chinese message on stderr and exit code 1. Programming errors are
left as tracebacks on purpose.
"""


class DocgenError(Exception):
    """A problem with the user's input or data; ``str(err)`` is a Chinese message for people."""

    exit_code = 1


class VerifyFailed(DocgenError):
    """``docgen verify`` found damaged or missing archived files (exit 3)."""

    exit_code = 3
