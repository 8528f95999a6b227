"""What every motcua service needs: settings, errors, auth, events, outbox, consumers, logging.

Nothing here knows the rules of a single service; those live in each service's chalicelib.
"""
