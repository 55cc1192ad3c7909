"""The search page: `GET /search?q=` (a stable address), with filters and pages."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from forum.accounts import services as accounts
from forum.boards import services as boards
from forum.core.forms import show_error
from forum.core.paging import page_number
from forum.errors import Invalid
from forum.search import services
from forum.search.forms import SearchForm

bp = Blueprint("search", __name__)


@bp.route("/search")
def search():
    """Find published topics and replies, grouped by kind, with the words highlighted."""
    form = SearchForm(request.args)
    board_names = {board.slug: board.name for board in boards.list_boards()}
    ward_names = {ward.slug: ward.name for ward in accounts.list_wards()}
    form.kind.choices = [("", "Everything")] + [
        (name, services.kind_label(name)) for name in services.searchable_kinds()]
    form.board.choices = [("", "All boards"), *board_names.items()]
    form.ward.choices = [("", "All wards"), *ward_names.items()]
    results, unavailable, status = None, None, 200
    if request.args:
        results, unavailable, status = _run(form, page_number())
    return render_template("search/search.html", form=form, results=results,
                           unavailable=unavailable, board_names=board_names,
                           ward_names=ward_names), status


def _run(form, page):
    """(results, unavailable message, status) for a submitted form."""
    if not form.validate():
        return None, None, 400
    try:
        results = services.search(
            form.q.data, current_user, kind=form.kind.data or None,
            board=form.board.data or None, ward=form.ward.data or None,
            since=form.since.data, until=form.until.data, page=page)
    except Invalid as error:
        show_error(form, error)
        return None, None, 400
    except services.SearchUnavailable as error:
        return None, error.message, 503
    return results, None, 200
