"""Label printing: page languages (PDF, later ZPL) kept apart from transports (file, network)."""
