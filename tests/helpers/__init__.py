"""Shared test helpers: fakes, simulators and small utilities."""
