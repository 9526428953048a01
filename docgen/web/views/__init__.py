"""The pages of the web app, one blueprint per page group."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from docgen.web.views import archive, auth, cases, intake, ledger, search, stats, today, visits

    for module in (auth, today, intake, visits, cases, search, stats, ledger, archive):
        app.register_blueprint(module.bp)
