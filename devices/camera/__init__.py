"""Cameras at the bench: frames from a camera, a video file or a simulator, read for barcodes."""
