"""The central PostgreSQL database of a warehouse: schema, station roles, imports, status."""
