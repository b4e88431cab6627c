"""The top layer: pages that show everything about a client (the caseload, the client record,
the portal, the client's copy of their records). They may import from every app; nothing below
imports them (tests/test_layers.py).
"""
