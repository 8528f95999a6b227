"""The delivery service: postal collection and delivery."""
