"""Local events calendar: events and recurring series, RSVPs with capacity and waitlist,
iCalendar feeds and imports, reminders."""
