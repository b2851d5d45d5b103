"""Loading mode: the dock's screen, its close-load dialog and the bridge to the loading engine."""
