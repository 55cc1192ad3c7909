"""Search: one index of published public content, kept in step after every commit (DESIGN §6)."""


def init_app(app):
    """Open the app's index backend and make sure content changes reach it."""
    from forum.search import hooks
    from forum.search.index import create_backend

    app.extensions["search"] = create_backend(app)
    app.extensions["search_worker"] = hooks.Worker(app)
    hooks.install()
