"""The payment service: online fee payment."""
