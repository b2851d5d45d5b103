"""Label printers in their own languages (ZPL II, ESC/POS) over real transports.

The languages (`zpl`, `escpos_label`) only turn a LabelContent into commands;
the transports (`transports`) only move bytes; the printers (`zpl_printer`,
`escpos_printer`) join the two, ask the printer how it is before each label
and turn every failure into a PrintError that tells the packer what to do.
`zpl_simulator` is a port-9100 printer for the demo, the tests and training.
"""
