"""Pictures for the demo listings, drawn with Pillow (no downloads, no stock photos): a few simple shapes on a
soft floor, enough to recognise a chair, a laptop or a bike in the listing grid.

Drawn on an 800 × 600 canvas and saved at 640 × 480, so the photo pipeline makes every derivative in a few
hundredths of a second (it never upscales: the largest variants are 640 px wide)."""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image, ImageDraw

WIDTH, HEIGHT, FLOOR = 800, 600, 470
SAVED_SIZE = (640, 480)

Colour = tuple[int, int, int]
WOOD: Colour = (150, 100, 55)
LIGHT_WOOD: Colour = (196, 150, 96)
METAL: Colour = (170, 175, 185)
DARK: Colour = (55, 58, 66)
WHITE: Colour = (245, 245, 240)
SCREEN: Colour = (90, 140, 200)


def _darker(colour: Colour, by: int = 40) -> Colour:
    r, g, b = colour
    return (max(0, r - by), max(0, g - by), max(0, b - by))


def _chair(d: ImageDraw.ImageDraw) -> None:
    d.rectangle((280, 120, 307, 470), fill=WOOD)  # back leg and upright
    d.rectangle((280, 120, 467, 153), fill=WOOD)  # top rail
    d.rectangle((280, 210, 467, 230), fill=WOOD)  # middle rail
    d.rectangle((280, 307, 520, 340), fill=WOOD)  # seat
    d.rectangle((493, 333, 520, 470), fill=WOOD)  # front leg
    d.rectangle((440, 153, 467, 307), fill=WOOD)


def _office_chair(d: ImageDraw.ImageDraw) -> None:
    d.rounded_rectangle((300, 90, 500, 290), radius=40, fill=DARK)
    d.rectangle((390, 290, 410, 330), fill=METAL)
    d.rounded_rectangle((280, 320, 520, 360), radius=18, fill=DARK)
    d.rectangle((390, 360, 410, 430), fill=METAL)
    d.line((260, 455, 540, 455), fill=METAL, width=12)
    for x in (260, 400, 540):
        d.ellipse((x - 16, 450, x + 16, 480), fill=DARK)


def _bicycle(d: ImageDraw.ImageDraw, *, frame: Colour = (200, 40, 40), small: bool = False) -> None:
    r = 80 if small else 100
    back, front = (300, 530) if small else (270, 570)
    axle = FLOOR - r
    for x in (back, front):
        d.ellipse((x - r, axle - r, x + r, axle + r), outline=DARK, width=12)
        d.ellipse((x - 8, axle - 8, x + 8, axle + 8), fill=DARK)
    crank = (back + front) // 2 - 20
    seat_top = (crank - 30, axle - int(r * 1.4))
    head = (front - 40, axle - int(r * 1.3))
    d.line((back, axle, crank, axle, *seat_top, back, axle), fill=frame, width=12)  # chain and seat stays
    d.line((crank, axle, *head, *seat_top), fill=frame, width=12)  # down tube, top tube
    d.line((*head, front, axle), fill=DARK, width=10)  # fork
    d.line((head[0], head[1], head[0] - 10, head[1] - 40, head[0] + 40, head[1] - 50), fill=DARK, width=10)
    d.rounded_rectangle((seat_top[0] - 40, seat_top[1] - 22, seat_top[0] + 30, seat_top[1] - 6), radius=8, fill=DARK)


def _kettle(d: ImageDraw.ImageDraw) -> None:
    d.ellipse((280, 200, 520, 467), fill=METAL, outline=DARK, width=5)
    d.polygon([(520, 320), (600, 253), (607, 267), (527, 360)], fill=METAL)
    d.arc((313, 133, 487, 280), 180, 360, fill=DARK, width=14)
    d.rectangle((300, 440, 500, 470), fill=DARK)


def _floor_lamp(d: ImageDraw.ImageDraw) -> None:
    d.polygon([(320, 100), (480, 100), (533, 233), (267, 233)], fill=(250, 210, 120), outline=DARK)
    d.rectangle((393, 233, 407, 440), fill=DARK)
    d.ellipse((333, 427, 467, 467), fill=DARK)


def _desk_lamp(d: ImageDraw.ImageDraw) -> None:
    d.ellipse((280, 440, 420, 470), fill=DARK)
    d.line((350, 450, 300, 300, 430, 200), fill=DARK, width=14)
    d.polygon([(410, 170), (500, 160), (540, 260), (440, 250)], fill=(40, 120, 90))
    d.ellipse((470, 240, 520, 270), fill=(255, 240, 170))


def _toaster(d: ImageDraw.ImageDraw) -> None:
    d.rounded_rectangle((253, 253, 547, 467), radius=28, fill=METAL, outline=DARK, width=5)
    for x in (320, 427):
        d.rectangle((x, 260, x + 53, 273), fill=DARK)
    d.rectangle((533, 320, 573, 333), fill=DARK)
    d.polygon([(330, 255), (362, 220), (372, 255)], fill=(214, 170, 110))  # a slice of bread


def _laptop(d: ImageDraw.ImageDraw) -> None:
    d.rectangle((267, 167, 533, 347), fill=DARK)
    d.rectangle((280, 180, 520, 333), fill=SCREEN)
    d.polygon([(240, 360), (560, 360), (587, 400), (213, 400)], fill=METAL)
    d.rectangle((360, 372, 440, 382), fill=_darker(METAL))


def _tablet(d: ImageDraw.ImageDraw) -> None:
    d.rounded_rectangle((280, 110, 520, 440), radius=22, fill=DARK)
    d.rectangle((296, 130, 504, 420), fill=SCREEN)
    for i, x in enumerate((320, 380, 440)):
        d.rounded_rectangle((x, 160, x + 40, 200), radius=8, fill=(240, 200 - i * 40, 90 + i * 50))


def _phone(d: ImageDraw.ImageDraw) -> None:
    d.rounded_rectangle((330, 90, 470, 450), radius=26, fill=DARK)
    d.rounded_rectangle((342, 112, 458, 428), radius=14, fill=SCREEN)
    d.ellipse((392, 98, 408, 108), fill=METAL)
    for row in range(3):
        for col in range(3):
            x, y = 356 + col * 36, 140 + row * 44
            d.rounded_rectangle((x, y, x + 24, y + 24), radius=6, fill=WHITE)


def _desktop(d: ImageDraw.ImageDraw) -> None:
    d.rectangle((160, 150, 300, 467), fill=DARK)  # tower
    d.rectangle((178, 175, 282, 188), fill=METAL)
    d.ellipse((222, 210, 238, 226), fill=(90, 200, 120))
    _monitor(d, left=330)


def _monitor(d: ImageDraw.ImageDraw, *, left: int = 230) -> None:
    d.rectangle((left, 150, left + 340, 360), fill=DARK)
    d.rectangle((left + 12, 162, left + 328, 348), fill=SCREEN)
    d.rectangle((left + 155, 360, left + 185, 430), fill=DARK)
    d.rectangle((left + 100, 430, left + 240, 445), fill=DARK)


def _games_console(d: ImageDraw.ImageDraw) -> None:
    d.rounded_rectangle((210, 300, 590, 440), radius=14, fill=DARK)
    d.rectangle((240, 360, 380, 370), fill=METAL)
    d.rounded_rectangle((300, 170, 500, 260), radius=40, fill=(80, 80, 95))  # controller
    for x, colour in ((440, (220, 60, 60)), (468, (60, 160, 220))):
        d.ellipse((x - 10, 205, x + 10, 225), fill=colour)
    d.rectangle((330, 208, 370, 218), fill=METAL)
    d.rectangle((345, 193, 355, 233), fill=METAL)


def _curtains(d: ImageDraw.ImageDraw) -> None:
    for i, x in enumerate(range(200, 600, 40)):
        d.rectangle((x, 80, x + 33, 467), fill=(200 - i * 6, 180, 150 + i * 5))
    d.rectangle((173, 67, 627, 87), fill=WOOD)


def _cushions(d: ImageDraw.ImageDraw) -> None:
    colours = [(196, 180, 150), (170, 160, 140), (210, 196, 170), (185, 170, 150)]
    for i, colour in enumerate(colours):
        x, y = 170 + i * 120, 300 - (i % 2) * 30
        d.rounded_rectangle((x, y, x + 160, y + 160), radius=36, fill=colour, outline=_darker(colour), width=4)
        d.line((x + 20, y + 80, x + 140, y + 80), fill=_darker(colour, 20), width=3)


def _sofa(d: ImageDraw.ImageDraw, *, colour: Colour = (130, 134, 140)) -> None:
    d.rounded_rectangle((140, 200, 660, 330), radius=30, fill=_darker(colour, 20))  # back
    d.rounded_rectangle((120, 300, 680, 410), radius=24, fill=colour)  # seat
    for x in (120, 620):
        d.rounded_rectangle((x, 250, x + 60, 410), radius=24, fill=_darker(colour, 30))  # arms
    for x in (230, 400, 570):
        d.line((x, 310, x, 400), fill=_darker(colour, 15), width=4)
    for x in (150, 630):
        d.rectangle((x, 410, x + 20, 460), fill=WOOD)


def _armchair(d: ImageDraw.ImageDraw) -> None:
    _sofa_piece = (70, 110, 160)
    d.rounded_rectangle((270, 150, 530, 330), radius=40, fill=_darker(_sofa_piece, 15))
    d.rounded_rectangle((250, 300, 550, 400), radius=28, fill=_sofa_piece)
    for x in (230, 500):
        d.rounded_rectangle((x, 240, x + 70, 400), radius=28, fill=_darker(_sofa_piece, 30))
    for x in (260, 520):
        d.polygon([(x, 400), (x + 20, 400), (x + 26, 465), (x + 6, 465)], fill=WOOD)


def _coffee_table(d: ImageDraw.ImageDraw) -> None:
    d.rounded_rectangle((160, 290, 640, 320), radius=12, fill=LIGHT_WOOD)
    for x in (190, 590):
        d.polygon([(x, 320), (x + 22, 320), (x + 30, 465), (x + 8, 465)], fill=WOOD)
    d.rectangle((200, 390, 600, 402), fill=WOOD)  # shelf
    d.ellipse((330, 262, 400, 292), fill=(230, 230, 230))  # a cup and saucer


def _bookshelf(d: ImageDraw.ImageDraw) -> None:
    d.rectangle((250, 80, 550, 467), fill=LIGHT_WOOD, outline=WOOD, width=8)
    for y in (170, 260, 350):
        d.rectangle((258, y, 542, y + 10), fill=WOOD)
    colours = [(180, 60, 60), (60, 110, 170), (90, 150, 90), (210, 170, 60), (120, 80, 140)]
    for shelf, top in enumerate((95, 185, 275)):
        for i in range(6 - shelf):
            x = 270 + i * 40 + shelf * 12
            d.rectangle((x, top + (i % 2) * 10, x + 30, top + 75), fill=colours[(i + shelf) % len(colours)])


def _coffee_maker(d: ImageDraw.ImageDraw) -> None:
    d.rectangle((290, 110, 510, 170), fill=DARK)  # water tank lid
    d.rectangle((450, 170, 510, 440), fill=DARK)  # column
    d.rectangle((290, 170, 450, 230), fill=_darker(DARK, -20))  # filter holder
    d.rectangle((260, 430, 540, 467), fill=DARK)  # hot plate
    d.polygon([(300, 290), (430, 290), (440, 430), (290, 430)], fill=(200, 225, 235), outline=DARK)  # jug
    d.rectangle((300, 360, 430, 428), fill=(90, 55, 30))  # coffee
    d.arc((420, 310, 470, 390), 270, 90, fill=DARK, width=8)


def _jacket(d: ImageDraw.ImageDraw, *, colour: Colour = (40, 70, 110)) -> None:
    d.polygon([(330, 110), (470, 110), (560, 160), (540, 450), (260, 450), (240, 160)], fill=colour)
    d.polygon([(240, 160), (180, 400), (230, 410), (275, 230)], fill=_darker(colour, 20))  # sleeves
    d.polygon([(560, 160), (620, 400), (570, 410), (525, 230)], fill=_darker(colour, 20))
    d.polygon([(350, 110), (400, 180), (450, 110)], fill=_darker(colour, 45))  # collar
    d.line((400, 180, 400, 450), fill=METAL, width=5)  # zip
    for y in (300, 360):
        d.rectangle((290, y, 340, y + 8), fill=_darker(colour, 30))
        d.rectangle((460, y, 510, y + 8), fill=_darker(colour, 30))


def _bricks(d: ImageDraw.ImageDraw) -> None:
    colours = [(220, 40, 40), (250, 200, 20), (30, 110, 200), (40, 160, 70), (250, 250, 250), (240, 120, 30)]
    for i in range(14):
        x, y = 150 + (i * 73) % 480, 300 + (i * 47) % 150
        w = 90 if i % 3 else 60
        colour = colours[i % len(colours)]
        d.rectangle((x, y, x + w, y + 40), fill=colour, outline=_darker(colour), width=2)
        for k in range(w // 30):
            d.ellipse((x + 6 + k * 30, y - 10, x + 24 + k * 30, y + 4), fill=colour, outline=_darker(colour))


def _guitar(d: ImageDraw.ImageDraw) -> None:
    d.rectangle((388, 70, 412, 300), fill=WOOD)  # neck
    d.rounded_rectangle((378, 40, 422, 90), radius=8, fill=DARK)  # head
    d.ellipse((320, 250, 480, 370), fill=(200, 140, 70))
    d.ellipse((290, 330, 510, 480), fill=(200, 140, 70))
    d.ellipse((375, 325, 425, 375), fill=DARK)  # sound hole
    d.rectangle((370, 420, 430, 432), fill=DARK)  # bridge
    for x in (396, 400, 404):
        d.line((x, 60, x, 426), fill=(230, 230, 230), width=1)


def _drill(d: ImageDraw.ImageDraw) -> None:
    body = (30, 120, 90)
    d.rounded_rectangle((230, 190, 520, 280), radius=30, fill=body)
    d.rectangle((520, 215, 560, 255), fill=DARK)  # chuck
    d.line((560, 235, 650, 235), fill=METAL, width=8)  # bit
    d.polygon([(330, 270), (420, 270), (400, 420), (330, 420)], fill=body)  # handle
    d.rounded_rectangle((300, 410, 440, 467), radius=10, fill=DARK)  # battery
    d.rectangle((420, 285, 436, 320), fill=DARK)  # trigger


def _headphones(d: ImageDraw.ImageDraw) -> None:
    d.arc((250, 120, 550, 420), 180, 360, fill=DARK, width=26)
    for x in (240, 500):
        d.rounded_rectangle((x, 250, x + 60, 380), radius=26, fill=DARK)
        d.rounded_rectangle((x + 10, 262, x + 50, 368), radius=18, fill=(200, 60, 60))


def _sewing_machine(d: ImageDraw.ImageDraw, *, colour: Colour = WHITE) -> None:
    d.rounded_rectangle((180, 410, 620, 460), radius=10, fill=_darker(colour, 30))  # base
    d.rounded_rectangle((520, 180, 600, 420), radius=18, fill=colour, outline=DARK, width=3)  # pillar
    d.rounded_rectangle((220, 170, 600, 250), radius=24, fill=colour, outline=DARK, width=3)  # arm
    d.rectangle((240, 250, 270, 340), fill=colour, outline=DARK, width=3)  # needle bar housing
    d.line((255, 340, 255, 390), fill=METAL, width=4)  # needle
    d.ellipse((560, 200, 640, 280), fill=METAL, outline=DARK, width=3)  # hand wheel
    d.rectangle((380, 140, 396, 170), fill=DARK)  # spool pin
    d.ellipse((372, 118, 404, 146), fill=(200, 40, 90))  # spool of thread


def _toolbox(d: ImageDraw.ImageDraw) -> None:
    red = (200, 45, 40)
    d.rectangle((220, 300, 580, 467), fill=red, outline=_darker(red), width=4)
    d.rectangle((220, 280, 580, 310), fill=_darker(red, 20))
    d.arc((330, 220, 470, 320), 180, 360, fill=DARK, width=12)
    d.line((270, 280, 330, 150), fill=METAL, width=14)  # a screwdriver sticking out
    d.rectangle((262, 270, 290, 300), fill=(250, 200, 20))
    d.polygon([(470, 280), (520, 160), (545, 170), (505, 280)], fill=METAL)  # a spanner
    d.ellipse((505, 135, 565, 185), outline=METAL, width=12)


def _vacuum(d: ImageDraw.ImageDraw) -> None:
    d.rounded_rectangle((200, 330, 400, 450), radius=50, fill=(200, 60, 60))
    d.ellipse((215, 420, 265, 470), fill=DARK)
    d.ellipse((335, 420, 385, 470), fill=DARK)
    d.arc((360, 200, 560, 400), 270, 180, fill=DARK, width=12)
    d.line((560, 300, 620, 455), fill=METAL, width=12)
    d.rectangle((580, 450, 680, 468), fill=DARK)


_DRAW: dict[str, Callable[[ImageDraw.ImageDraw], None]] = {
    "armchair": _armchair,
    "bicycle": _bicycle,
    "kids_bicycle": lambda d: _bicycle(d, frame=(40, 150, 210), small=True),
    "ladies_bicycle": lambda d: _bicycle(d, frame=(90, 160, 100)),
    "bookshelf": _bookshelf,
    "bricks": _bricks,
    "chair": _chair,
    "coffee_maker": _coffee_maker,
    "coffee_table": _coffee_table,
    "curtains": _curtains,
    "cushions": _cushions,
    "desk_lamp": _desk_lamp,
    "desktop": _desktop,
    "drill": _drill,
    "floor_lamp": _floor_lamp,
    "games_console": _games_console,
    "guitar": _guitar,
    "headphones": _headphones,
    "jacket": _jacket,
    "kids_jacket": lambda d: _jacket(d, colour=(230, 120, 40)),
    "ladies_jacket": lambda d: _jacket(d, colour=(120, 40, 60)),
    "kettle": _kettle,
    "laptop": _laptop,
    "monitor": _monitor,
    "office_chair": _office_chair,
    "phone": _phone,
    "sewing_machine": _sewing_machine,
    "old_sewing_machine": lambda d: _sewing_machine(d, colour=(40, 44, 50)),
    "sofa": _sofa,
    "tablet": _tablet,
    "toaster": _toaster,
    "toolbox": _toolbox,
    "vacuum": _vacuum,
}
KINDS = frozenset(_DRAW)


def drawing(kind: str, background: Colour) -> bytes:
    """A JPEG of `kind` (one of KINDS) on a wall of `background` over a slightly darker floor."""
    im = Image.new("RGB", (WIDTH, HEIGHT), background)
    d = ImageDraw.Draw(im)
    d.rectangle((0, FLOOR, WIDTH, HEIGHT), fill=_darker(background))
    _DRAW[kind](d)
    out = io.BytesIO()
    im.resize(SAVED_SIZE, Image.Resampling.LANCZOS).save(out, "JPEG", quality=88)
    return out.getvalue()
