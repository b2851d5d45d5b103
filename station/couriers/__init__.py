"""Courier profiles, tracking numbers and the choice of courier for a parcel.

Pure domain code: profiles and rules are data files, tracking numbers come from
number ranges kept in the station's store. Nothing here prints or draws.
"""
