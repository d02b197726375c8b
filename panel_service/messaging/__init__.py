"""Messaging: the outbox, its dispatcher, and what is sent to whom (email, invites, Slack)."""
