"""PackStation domain: models, verification engine, workflow, store. No Qt, no devices."""
