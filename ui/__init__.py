"""PySide6 widgets and the bridges from devices and the store to Qt signals."""
