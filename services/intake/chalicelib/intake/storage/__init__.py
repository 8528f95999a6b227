"""Intake's tables: ``models`` (the PynamoDB items, bound to their tables when wired),
``repositories`` (the adapters of the service layer's stores) and ``paging`` (cursors)."""
