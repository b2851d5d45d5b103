"""Hardware adapters (printers, scanners, scale, camera) and their simulators. No Qt."""
