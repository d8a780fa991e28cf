"""What gfxdemo draws, checked by program on any picture of the screen (an `xwd` of the
simulator's window, a QMP screendump of a QEMU GPU): known pixels at known places, text
drawn in both fonts, the moving square. One table for every platform's test
(tests/sim/gfx-window.py, tests/qemu/gfx_qemu.py). A picture needs .width, .height and
.rgb(x, y) -> 0xRRGGBB."""

KNOWN = [((10, 10), 0x203040, "the background"), ((70, 70), 0x3465a4, "A's title bar"),
         ((70, 250), 0xf4f4f4, "A's body"), ((358, 268), 0x20c040, "the image's green centre"),
         ((850, 590), 0x1e1e22, "B's body"), ((500, 350), 0x1e1e22, "B above A where they overlap")]
A_BODY = 0xf4f4f4
SANS_LINE = (76, 126, 480, 24)   # x, y, w, h on the screen: A's DejaVu Sans line
MONO_LINE = (76, 160, 380, 20)   # A's DejaVu Sans Mono line
SQUARE = 0xff8800                # the moving square, on row 520 between x 452 and 848


def check_known(tap, img, when, known=KNOWN):
    """Each known pixel, one TAP line each (a missing picture fails them all)."""
    for (x, y), rgb, what in known:
        got = img.rgb(x, y) if img else None
        tap.check(got == rgb, f"{when}: {what} at ({x}, {y}) is {rgb:06x}",
                  f"it is {got:06x}" if got is not None else "no picture")


def text_stats(img, box, ground):
    """Pixels that differ from the ground in box, and how many distinct values they have."""
    x0, y0, w, h = box
    ink, shades = 0, set()
    for y in range(y0, y0 + h):
        for x in range(x0, x0 + w):
            v = img.rgb(x, y)
            if v != ground:
                ink += 1
                shades.add(v)
    return ink, len(shades)


def check_text(tap, img):
    """Both of A's text lines are drawn (ink) and anti-aliased (intermediate shades)."""
    for box, font in ((SANS_LINE, "DejaVu Sans"), (MONO_LINE, "DejaVu Sans Mono")):
        ink, shades = text_stats(img, box, A_BODY) if img else (0, 0)
        tap.check(ink > 400 and shades > 8, f"text in {font} is drawn and anti-aliased",
                  f"{ink} pixels of ink, {shades} shades")


def square_x(img):
    """Where the moving square starts on row 520, or None."""
    for x in range(452, 848):
        if img.rgb(x, 520) == SQUARE:
            return x
    return None
