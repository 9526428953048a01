"""``docgen serve``: the office's own web app (issue 11). ``create_app`` builds it."""

from __future__ import annotations


def create_app(*args, **kwargs):
    from docgen.web.app import create_app as make

    return make(*args, **kwargs)
