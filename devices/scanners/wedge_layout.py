"""Tell a wedge burst that cannot be a scan because of a keyboard-layout mix-up.

A keyboard-wedge scanner does not send characters: it presses keys, the keys
that make each character on the layout it is set to (US English out of the
box). The computer turns those keys into characters with *its* layout. When
the two differ, a scan arrives changed: on a German (QWERTZ) computer "-"
arrives as "ß"; on a French (AZERTY) one the digit keys need Shift, so
"12345" arrives as "&é\"'(". Counted as it is, such a burst is an "unknown
barcode" the packer cannot explain, or worse, a wrong match.

Barcodes carry printable ASCII (and GS, the FNC1 of GS1 element strings), so
a burst with anything else cannot be a scan. On an AZERTY computer a burst of
digit-row symbols only ("\"'(-") is as sure a sign, though it is ASCII.
`check_burst` says so, and when reading the keys back through a layout turns
the burst into a plausible barcode, the message shows what was meant and which
layouts to set. It never rewrites a scan to count it: a Z/Y swap on QWERTZ
also makes valid-looking text, so a guess must not be counted.

No Qt here. The layout names are the ones station settings accept
(station.settings.WEDGE_KEYBOARD_LAYOUTS; a test keeps the two lists alike).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

GS = "\x1d"  # FNC1 inside a GS1 element string; the core loop keeps it
BARCODE_CHARACTERS = frozenset(chr(code) for code in range(0x20, 0x7F)) | {GS}
NO_KEY = "\0"  # a key position that types nothing with this Shift state

# The 47 character keys of a US keyboard, row by row. US "\" (above Enter) has
# the scan code of the ISO key left of Enter, where "#" or "*" is.
US_KEYS = "`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./"
US_SHIFTED = '~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:"ZXCVBNM<>?'


@dataclass(frozen=True)
class KeyboardLayout:
    """What a layout types on each US key position, without and with Shift.

    Dead keys (accents that wait for the next key) are given as their accent.
    """

    name: str  # as in the setting, e.g. "de"
    title: str  # for people, e.g. "German (QWERTZ)"
    keys: str
    shifted: str

    def __post_init__(self) -> None:
        if len(self.keys) != len(US_KEYS) or len(self.shifted) != len(US_SHIFTED):
            raise ValueError(f"layout {self.name}: every US key position needs a character")

    def read_as_us(self, typed: str) -> str | None:
        """What a scanner set to US English meant, given what this layout typed; None if unsure."""
        back = _reverse(self)
        if any(char not in back for char in typed):
            return None
        return "".join(back[char] for char in typed)


@cache
def _reverse(layout: KeyboardLayout) -> dict[str, str]:
    back = {" ": " ", GS: GS}
    for typed, us in zip(layout.keys + layout.shifted, US_KEYS + US_SHIFTED, strict=True):
        if typed != NO_KEY:
            back.setdefault(typed, us)
    return back


LAYOUTS: dict[str, KeyboardLayout] = {
    layout.name: layout
    for layout in (
        KeyboardLayout("us", "US English (QWERTY)", US_KEYS, US_SHIFTED),
        KeyboardLayout(
            "uk",
            "UK English",
            "`1234567890-=qwertyuiop[]#asdfghjkl;'zxcvbnm,./",
            '¬!"£$%^&*()_+QWERTYUIOP{}~ASDFGHJKL:@ZXCVBNM<>?',
        ),
        KeyboardLayout(
            "de",
            "German (QWERTZ)",
            "^1234567890ß´qwertzuiopü+#asdfghjklöäyxcvbnm,.-",  # noqa: RUF001 - the acute key
            "°!\"§$%&/()=?`QWERTZUIOPÜ*'ASDFGHJKLÖÄYXCVBNM;:_",
        ),
        KeyboardLayout(
            "fr",
            "French (AZERTY)",
            "²&é\"'(-è_çà)=azertyuiop^$*qsdfghjklmùwxcvbn,;:!",
            NO_KEY + "1234567890°+AZERTYUIOP¨£µQSDFGHJKLM%WXCVBN?./§",
        ),
        KeyboardLayout(
            "es",
            "Spanish",
            "º1234567890'¡qwertyuiop`+çasdfghjklñ´zxcvbnm,.-",  # noqa: RUF001 - the acute key
            'ª!"·$%&/()=?¿QWERTYUIOP^*ÇASDFGHJKLÑ¨ZXCVBNM;:_',
        ),
        KeyboardLayout(
            "it",
            "Italian",
            "\\1234567890'ìqwertyuiopè+ùasdfghjklòàzxcvbnm,.-",
            '|!"£$%&/()=?^QWERTYUIOPé*§ASDFGHJKLç°ZXCVBNM;:_',
        ),
    )
}
_NOT_COUNTED = "the scan was NOT counted."


@dataclass(frozen=True)
class UnreadableBurst:
    """A wedge burst that cannot be a scan, and what probably caused it.

    Attributes:
        burst: the characters as they arrived.
        layout: the station's configured layout (scanner.wedge_keyboard_layout).
        computer_layout: the layout that explains the burst, if one does.
        meant: the barcode a scanner set to US English sent, if a layout explains it.
    """

    burst: str
    layout: str
    computer_layout: str | None = None
    meant: str | None = None

    @property
    def message(self) -> str:
        """For the packer and IT: what is wrong and what to do."""
        scan = f'The scan "{_visible(self.burst)}"'
        station = LAYOUTS[self.layout].title
        if self.computer_layout is None or self.meant is None:
            foreign = "".join(sorted(set(self.burst) - BARCODE_CHARACTERS))
            return (
                f"{scan} has characters no barcode carries ({foreign}): the scanner's keyboard "
                f"layout is not this station's, {station} (the setting "
                f"scanner.wedge_keyboard_layout). Set the scanner to the station's layout — "
                f"{_NOT_COUNTED}"
            )
        computer = LAYOUTS[self.computer_layout].title
        looks = f'{scan} looks like "{_visible(self.meant)}" from a scanner set to US English'
        if self.computer_layout == self.layout:
            return (
                f"{looks} on this station's {computer} keyboard layout: set the scanner to "
                f"{computer} — {_NOT_COUNTED}"
            )
        return (
            f"{looks} on a computer typing {computer}, while scanner.wedge_keyboard_layout "
            f'is "{self.layout}": set the scanner to {computer} and the setting to '
            f'"{self.computer_layout}" — {_NOT_COUNTED}'
        )


def check_burst(burst: str, layout: str) -> UnreadableBurst | None:
    """None if `burst` can be a scan on a station typing with `layout`; else why not."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown keyboard layout {layout!r}; known: {', '.join(LAYOUTS)}")
    if set(burst) <= BARCODE_CHARACTERS and not _digits_typed_as_symbols(burst, layout):
        return None
    for name in (layout, *LAYOUTS):
        meant = LAYOUTS[name].read_as_us(burst)
        if meant is not None and meant != burst and set(meant) <= BARCODE_CHARACTERS:
            return UnreadableBurst(burst, layout, name, meant)
    return UnreadableBurst(burst, layout)


def _digits_typed_as_symbols(burst: str, layout: str) -> bool:
    # Barcodes hold letters or digits. A burst of symbols alone that the
    # station's layout reads back as digits is the AZERTY digit row pressed
    # without Shift by a scanner set to US English.
    if any(char.isalnum() for char in burst):
        return False
    meant = LAYOUTS[layout].read_as_us(burst)
    return meant is not None and any(char.isdigit() for char in meant)


def _visible(text: str) -> str:
    return text.replace(GS, "<GS>")
