"""The outbox: which reminders and digests are due, queued once each; their e-mail; delivery
to SMTP or a Maildir with leases and retries; and the scheduler that does both on a timer."""
