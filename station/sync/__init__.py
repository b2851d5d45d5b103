"""Offline-first sync of a station with the central database: push events, pull reference data."""
