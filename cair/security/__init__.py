"""Secrets handling: random tokens, Argon2id hashes, and sealing with the server key."""
