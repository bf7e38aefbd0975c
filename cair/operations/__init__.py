"""What people do, shared by the CLI and the web: each operation talks to Temporal through the
client and reads listings from the store, and turns failures into messages a person can act on."""
