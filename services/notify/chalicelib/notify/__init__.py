"""The notify service: SMS and e-mail notifications."""
