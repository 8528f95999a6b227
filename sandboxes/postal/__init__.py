"""A post office sandbox: a stand-in for the public postal service (Vietnam Post).

It books shipments, walks them through the delivery statuses and sends signed status callbacks.
Standard library only, and no product code: it checks the product against the protocol.
"""

from .server import PostalSandbox, start_in_thread

__all__ = ["PostalSandbox", "start_in_thread"]
