"""Signals for side effects that cross domains (indexing, notifications, data export).

A check that must be able to stop a write (moderation) is a direct call, not a signal.
"""

from blinker import Namespace

_signals = Namespace()

user_signed_up = _signals.signal("user-signed-up")
"""Sent after a new account is committed. Sender: the User. No other arguments."""

account_deleted = _signals.signal("account-deleted")
"""Sent after an account is anonymised and committed. Sender: the user id (int)."""

personal_data_requested = _signals.signal("personal-data-requested")
"""Sent while building a "download my data" file. Sender: the User.

Each receiver returns a (section name, JSON-serialisable data) pair, added to the export.
"""

ward_saved = _signals.signal("ward-saved")
"""Sent when a ward is created or renamed, BEFORE the transaction commits. Sender: the Ward.

Receivers add their own rows (a ward's board) to the same session, so both arrive together.
"""

user_blocked = _signals.signal("user-blocked")
"""Sent when someone blocks another person, BEFORE the transaction commits. Sender: the User
who blocked; `blocked`: the User they blocked. Receivers end what joins the two (matches)."""

wards_merging = _signals.signal("wards-merging")
"""Sent when one ward is merged into another, BEFORE the transaction commits and before the old
ward is deleted. Sender: the old Ward; `into`: the Ward that remains.

Each receiver moves its own domain's rows from the old ward (and anything that hangs on it, like
its board) to `into`, in the same session, and may return {what: how many rows it moved} for the
audit entry. Accounts moves the residents itself, after the receivers have run.
"""
