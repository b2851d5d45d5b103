"""Serial bench scales: protocol parsers, a threaded serial reader and a pty simulator.

- `reading`: `Reading`, `ScaleStatus`, `FrameError` and unit conversion.
- `mt_sics`, `nci`, `cas`: one pure parser per protocol; `protocols` names them.
- `serial_scale.SerialScale`: reads a scale on its own device thread.
- `simulator.ScaleSimulator`: a scale on a pseudo-terminal, for tests and the demo (POSIX).
"""
