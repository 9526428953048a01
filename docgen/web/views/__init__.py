"""The pages of the web app, one blueprint per page group."""

from __future__ import annotations

from flask import Flask, g


def whole_numbers() -> bool:
    """Whether the logged-in user sees ID and phone numbers whole (not 只读)."""
    from docgen.web.library import sees_whole_numbers

    return sees_whole_numbers(g.get("user"))


def register(app: Flask) -> None:
    from docgen.web import library
    from docgen.web.views import archive, auth, cases, intake, ledger, search, stats, today, visits

    for module in (auth, today, intake, visits, cases, search, stats, ledger, archive):
        app.register_blueprint(module.bp)
    # personal data as the user's role may see it: every template shows ID and phone numbers,
    # and the free text that may hold them, through these
    app.jinja_env.filters.update(
        pii_id=lambda v: library.shown_id(v, whole_numbers()),
        pii_phone=lambda v: library.shown_phone(v, whole_numbers()),
        pii_text=lambda v: library.shown_text(v, whole_numbers()),
        pii_snippet=lambda v: library.shown_snippet(v, whole_numbers()),
    )
    app.jinja_env.globals.update(whole_numbers=whole_numbers, date_placeholder=library.DATE_PLACEHOLDER)
