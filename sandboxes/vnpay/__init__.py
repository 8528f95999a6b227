"""A VNPay-compatible payment gateway sandbox (version 2.1.0): payment page, IPN, return, querydr.

Standard library only, and no product code: it checks the merchant against VNPay's own rules.
"""

from .server import VnpaySandbox, start_in_thread

__all__ = ["VnpaySandbox", "start_in_thread"]
