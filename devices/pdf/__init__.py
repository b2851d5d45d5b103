"""PDF labels and documents: layout, fonts and drawing (reportlab), the render process,
and the printers that take PDF (a folder of files, the system's document printer).
Printer languages (ZPL, ESC/POS) and their transports are in devices/printers."""
