"""I/O adapters for outgoing messages: SMTP, iCalendar and Slack; they take plain data only."""
