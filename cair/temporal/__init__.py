"""Temporal wiring: payload encryption, the data converter, search attributes, the client."""
