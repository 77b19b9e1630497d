"""Who is in the demo and what they did over the last five months, in Aalborg Øst (9220).

Plain data; `demo.demo` plays it through the services. Days are counted back from the day the demo is loaded,
so the impact page always shows the last months. Titles are how a story is recognised when the demo is loaded
again (a story whose listing exists is not played twice)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from listings.models import Condition
from marketplace.models import ReportReason
from repairs.models import Barrier, NistLevel, Outcome, RepairMode, WipeTechnique

from .steps import (
    Ask,
    Cancel,
    Claim,
    Complete,
    Confirm,
    Donation,
    Expire,
    HandOver,
    Hide,
    Item,
    JobTalk,
    NoStorage,
    Publish,
    Quote,
    Release,
    Reply,
    Report,
    Reserve,
    Start,
    Story,
    Wipe,
    Withdraw,
    WithdrawDonation,
    Work,
)

DEMO_PASSWORD = "kredslob-demo"  # noqa: S105 — published demo logins, demo data only


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    area: str
    day: int  # joined, days ago
    language: str = "da"
    moderator: bool = False


MODERATOR = "moderator@kredslob.dk"
ANNA, OMAR, BIRGITTE = "anna@example.dk", "omar@example.dk", "birgitte@example.dk"
KAREN, HENRIK, FATIMA = "karen@example.dk", "henrik@example.dk", "fatima@example.dk"
IT, MIKKEL = "it@example.dk", "mikkel@example.dk"
SY, LEYLA = "sy@example.dk", "leyla@example.dk"
CYKEL = "cykel@example.dk"
LISE = "lise@example.dk"

PEOPLE = [
    Person(MODERATOR, "Mette Moderator", "Aalborg Øst", 300, moderator=True),
    Person(ANNA, "Anna Jensen", "Kildeparken", 210),
    Person(OMAR, "Omar Hassan", "Øster Uttrup", 205),
    Person(BIRGITTE, "Birgitte Køber", "Smedegård", 190),
    Person(KAREN, "Karen Nielsen", "Tornhøj", 180),
    Person(HENRIK, "Henrik Sørensen", "Grønlandskvarteret", 170),
    Person(FATIMA, "Fatima Ali", "Smedegård", 160, language="en"),
    Person(IT, "Jonas (IT-Værkstedet)", "Aalborg Øst", 240),
    Person(LISE, "Lise Holm", "Aalborg", 40),
    Person(MIKKEL, "Mikkel (IT-Værkstedet)", "Aalborg Øst", 225),
    Person(SY, "Amina (Systuen)", "Kildeparken", 235),
    Person(LEYLA, "Leyla (Systuen)", "Kildeparken", 215),
    Person(CYKEL, "Lars (Cykelsmeden)", "Aalborg Øst", 15),
]


@dataclass(frozen=True)
class WorkshopSpec:
    name: str
    cvr: str
    owner: str
    address: str
    description: str
    categories: list[str]
    day: int  # applied, days ago
    verified_day: int | None = None  # verified by the moderator; None: still waiting
    staff: tuple[str, ...] = ()
    opening_hours: str = ""
    dropoff_instructions: str = ""


WORKSHOPS = [
    WorkshopSpec(
        "IT-Værkstedet Øst",
        "12345678",
        IT,
        "Tornhøjcentret 12, 9220 Aalborg Øst",
        "Vi istandsætter computere, tablets og telefoner og sletter data efter NIST SP 800-88. Værkstedet er en "
        "social virksomhed, hvor unge med autisme får erfaring og arbejde.",
        [
            "laptop",
            "desktop-computer",
            "tablet",
            "mobile",
            "flat-screen",
            "pc-accessory",
            "printer-scanner",
            "games-console",
        ],
        day=238,
        verified_day=236,
        staff=(MIKKEL,),
        opening_hours="Mandag–torsdag 10–16, fredag 10–13",
        dropoff_instructions="Indgang fra parkeringspladsen, døren ved siden af vaskeriet. Tag oplader med, "
        "og skriv din adgangskode på en seddel, hvis vi skal teste maskinen.",
    ),
    WorkshopSpec(
        "Systuen Kildeparken",
        "23456789",
        SY,
        "Kildeparken 48, 9220 Aalborg Øst",
        "Kvinder fra Kildeparken syr puder, tasker og nyt betræk af overskudstekstiler og giver gamle møbler og "
        "symaskiner et nyt liv.",
        ["clothing-textile", "furniture", "sewing-machine"],
        day=233,
        verified_day=231,
        staff=(LEYLA,),
        opening_hours="Tirsdag og torsdag 9–15",
        dropoff_instructions="Ring på ved opgang 48, kælderen. Store møbler efter aftale.",
    ),
    WorkshopSpec(
        "Cykelsmeden 9220",
        "34567890",
        CYKEL,
        "Smedegårdsvej 3, 9220 Aalborg Øst",
        "Cykelreparationer og istandsatte cykler fra Aalborg Øst. Venter på godkendelse.",
        ["bicycle"],
        day=14,
    ),
]

# IT-Værkstedet brought its Repair Café history along when it joined (the last rows of Repair Café Denmark's
# ORDS file, CC BY-SA 4.0), so its impact and the ORDS export are not trivial.
ORDS_IMPORT = ("it-vaerkstedet-oest", 400, 234)  # (workshop slug, last rows of the file, days ago)

SAVED_SEARCHES = [
    # (who, name, filters, days ago)
    (BIRGITTE, "Cykler under 500 kr.", {"category": "cykler", "max_price": "500"}, 40),
    (FATIMA, "Børnetøj", {"q": "børn", "category": "toej-og-tekstil"}, 20),
]

WALL_BLUE, WALL_GREEN, WALL_ROSE, WALL_SAND = (214, 234, 248), (226, 238, 226), (242, 228, 232), (245, 238, 228)
WALL_GREY, WALL_YELLOW = (228, 228, 236), (250, 244, 220)

# --- Things residents sell or give away ------------------------------------------------------------------------

RESIDENT_STORIES = [
    Story(
        posted=Item(
            seller=ANNA,
            title="Spisebordsstol i eg",
            category="furniture",
            price=150,
            description="Solid spisebordsstol i massiv eg. Lidt slid på sædet, men helt stabil. Har fire magen til, "
            "hvis nogen vil have flere.",
            drawing="chair",
            day=12,
            pickup="Kildeparken 21, st. tv. – hverdage efter kl. 16.",
        ),
        steps=[
            Ask(buyer=BIRGITTE, day=3, body="Hej Anna! Er stolen stadig til salg? Jeg kan hente den lørdag."),
            Reply(day=3, hour=18, body="Ja, den er der endnu. Lørdag formiddag passer fint."),
        ],
    ),
    Story(
        posted=Item(
            seller=ANNA,
            title="Børnecykel 16 tommer",
            category="bicycle",
            price=300,
            description="Blå børnecykel med støttehjul, der kan tages af. Nye dæk i foråret. Passer til 4–6 år.",
            drawing="kids_bicycle",
            background=WALL_BLUE,
            day=20,
        ),
    ),
    Story(
        posted=Item(
            seller=OMAR,
            title="Elkedel, virker fint",
            category="kettle",
            condition=Condition.FAIR,
            description="1,7 liter. Lidt kalk i bunden, ellers fin. Gratis mod afhentning på Ring Syd.",
            drawing="kettle",
            background=WALL_SAND,
            day=6,
        ),
    ),
    Story(
        posted=Item(
            seller=OMAR,
            title="Vinterjakke str. M",
            category="clothing-textile",
            price=100,
            description="Varm vinterjakke, brugt to vintre. Lynlåsen er ny.",
            drawing="jacket",
            day=2,
            publish=False,  # Omar has not published it yet
        ),
    ),
    Story(
        posted=Item(
            seller=ANNA,
            title="Reol i fyrretræ",
            category="furniture",
            description="Reol med fire hylder, 80 × 180 cm. Skal afhentes.",
            drawing="bookshelf",
            day=40,
        ),
        steps=[Withdraw(day=30)],  # the neighbour took it
    ),
    Story(
        posted=Item(
            seller=OMAR,
            title="Lampe med skærm",
            category="lamp",
            price=80,
            description="Standerlampe med gul stofskærm, 150 cm høj. E27-fatning.",
            drawing="floor_lamp",
            background=WALL_YELLOW,
            day=135,
        ),
        steps=[Reserve(buyer=BIRGITTE, day=133), Confirm(day=133, hour=16), HandOver(day=131, hour=17)],
    ),
    Story(
        posted=Item(
            seller=ANNA,
            title="Støvsuger, ledningen repareret med tape",
            category="vacuum",
            price=50,
            description="Suger godt. Ledningen er gået i stykker og sat sammen med isoleringstape.",
            drawing="vacuum",
            day=25,
        ),
        steps=[Hide(day=24)],  # a moderator took it down: a taped mains cable is not safe to sell
    ),
    Story(
        posted=Item(
            seller=OMAR,
            title="Brødrister",
            category="toaster",
            price=60,
            description="Brødrister til to skiver med optøningsfunktion. Virker perfekt.",
            drawing="toaster",
            background=WALL_GREEN,
            day=4,
        ),
        steps=[Reserve(buyer=BIRGITTE, day=1, hour=18)],
    ),
    Story(
        posted=Item(
            seller=KAREN,
            title="Sofa, 3-personers, grå",
            category="furniture",
            price=600,
            description="Grå stofsofa, 210 cm. Ingen pletter, ikke-ryger-hjem. Vi har fået ny, så den skal videre.",
            drawing="sofa",
            day=28,
            pickup="Tornhøjgaard 7, 1. sal. Der er elevator.",
        ),
        steps=[
            Reserve(buyer=FATIMA, day=21),
            Expire(day=19, hour=12),  # Fatima never came; the reservation ran out after 48 hours
            Ask(buyer=HENRIK, day=5, body="Kan sofaen skilles ad? Vi bor på 3. sal uden elevator."),
            Reply(day=5, hour=19, body="Benene kan skrues af, men ellers er den i ét stykke."),
        ],
    ),
    Story(
        posted=Item(
            seller=KAREN,
            title="Kaffemaskine (filter)",
            category="coffee-maker",
            price=75,
            description="Filterkaffemaskine til 10 kopper med glaskande. Afkalket i sidste uge.",
            drawing="coffee_maker",
            background=WALL_SAND,
            day=70,
        ),
        steps=[Reserve(buyer=FATIMA, day=66), HandOver(day=65, hour=17)],
    ),
    Story(
        posted=Item(
            seller=HENRIK,
            title='Herrecykel 28" med 7 gear',
            category="bicycle",
            price=850,
            description="Velholdt herrecykel med navgear, lygter og skærme. Stelstørrelse 58 cm.",
            drawing="bicycle",
            background=WALL_BLUE,
            day=9,
            pickup="Fremtidsgaarden, opgang 4. Ring på, når du er der.",
        ),
        steps=[
            Ask(buyer=BIRGITTE, day=7, body="Passer den til én på 1,70?"),
            Reply(day=7, hour=20, body="Ja, den passer fint til 1,70–1,85."),
            Reserve(buyer=BIRGITTE, day=6),
            Confirm(day=6, hour=20),
        ],
    ),
    Story(
        posted=Item(
            seller=HENRIK,
            title="Skrivebordslampe",
            category="lamp",
            price=60,
            description="Grøn arkitektlampe med LED-pære. Armen kan stilles i alle retninger.",
            drawing="desk_lamp",
            background=WALL_GREY,
            day=15,
        ),
    ),
    Story(
        posted=Item(
            seller=FATIMA,
            title="Børnejakke str. 110",
            category="clothing-textile",
            description="Orange overgangsjakke, str. 110. Min søn er vokset fra den. Gives væk.",
            drawing="kids_jacket",
            background=WALL_ROSE,
            day=100,
        ),
        steps=[Reserve(buyer=ANNA, day=98), HandOver(day=97, hour=16)],
    ),
    Story(
        posted=Item(
            seller=FATIMA,
            title="Legoklodser, ca. 2 kg blandet",
            category="toy",
            price=120,
            description="En stor kasse blandede klodser, vasket. Ingen vejledninger.",
            drawing="bricks",
            day=11,
        ),
        steps=[Reserve(buyer=ANNA, day=9), Cancel(by=ANNA, day=8, hour=9)],  # Anna found some elsewhere
    ),
    Story(
        posted=Item(
            seller=FATIMA,
            title="Vinterjakke, dame str. L",
            category="clothing-textile",
            price=150,
            description="Bordeaux vinterjakke med hætte. Brugt én sæson.",
            drawing="ladies_jacket",
            background=WALL_ROSE,
            day=13,
        ),
    ),
    Story(
        posted=Item(
            seller=OMAR,
            title="Akustisk guitar",
            category="musical-instrument",
            price=400,
            description="Akustisk western-guitar med nye strenge og blød taske. God til begyndere.",
            drawing="guitar",
            background=WALL_SAND,
            day=17,
        ),
    ),
    Story(
        posted=Item(
            seller=OMAR,
            title="Boremaskine, Bosch 18 V",
            category="power-tool",
            price=200,
            brand="Bosch",
            description="Akku-boremaskine med to batterier og lader. Lidt slidt, men stærk.",
            drawing="drill",
            background=WALL_GREY,
            day=38,
        ),
        steps=[Reserve(buyer=HENRIK, day=35), Confirm(day=35, hour=18), HandOver(day=33, hour=17)],
    ),
    Story(
        posted=Item(
            seller=ANNA,
            title="Sofabord i teak",
            category="furniture",
            price=250,
            description="Dansk sofabord i teak fra 70'erne, 120 × 50 cm. Enkelte ridser i pladen.",
            drawing="coffee_table",
            day=150,
        ),
        steps=[Reserve(buyer=KAREN, day=147), Confirm(day=147, hour=19), HandOver(day=145, hour=11)],
    ),
    Story(
        posted=Item(
            seller=KAREN,
            title="Trådløse hovedtelefoner – som nye",
            category="headphones",
            price=150,
            description="Trådløse hovedtelefoner med opladerkabel. Venstre side knitrer en smule ved høj lyd.",
            drawing="headphones",
            background=WALL_GREY,
            day=8,
        ),
        steps=[
            Report(
                by=OMAR,
                day=5,
                reason=ReportReason.WRONG_CATEGORY,
                details="Titlen siger “som nye”, men beskrivelsen siger, at venstre side knitrer.",
            )
        ],  # left for the moderator's queue
    ),
    Story(
        posted=Item(
            seller=KAREN,
            title="Symaskine, Singer",
            category="sewing-machine",
            price=350,
            brand="Singer",
            description="Singer symaskine med pedal og ekstra trykfødder. Syr lige søm og zigzag.",
            drawing="sewing_machine",
            background=WALL_ROSE,
            day=45,
        ),
    ),
    Story(
        posted=Item(
            seller=HENRIK,
            title="Værktøjskasse med håndværktøj",
            category="hand-tool",
            price=100,
            description="Rød værktøjskasse med skruetrækkere, tænger, hammer og skruenøgler.",
            drawing="toolbox",
            day=52,
        ),
        steps=[Reserve(buyer=OMAR, day=50), HandOver(day=49, hour=18)],
    ),
    Story(
        posted=Item(
            seller=BIRGITTE,
            title="Kontorstol på hjul",
            category="furniture",
            price=150,
            description="Sort kontorstol med justerbar højde. Fra mit hjemmekontor.",
            drawing="office_chair",
            background=WALL_GREY,
            day=19,
        ),
    ),
    Story(
        posted=Item(
            seller=KAREN,
            title="Gulvlampe med messingfod",
            category="lamp",
            price=120,
            description="Gulvlampe med hvid skærm og messingfod. Pæren følger med.",
            drawing="floor_lamp",
            background=WALL_YELLOW,
            day=3,
        ),
    ),
    Story(
        posted=Item(
            seller=HENRIK,
            title="PlayStation 4 med to controllere",
            category="games-console",
            price=900,
            brand="Sony",
            description="PS4 Slim 500 GB, nulstillet. To controllere og HDMI-kabel. Spil kan købes med.",
            drawing="games_console",
            background=WALL_GREY,
            day=2,
        ),
    ),
    Story(
        posted=Item(
            seller=ANNA,
            title='Mountainbike 26"',
            category="bicycle",
            price=700,
            description="21 gear, skivebremser foran. Ny kæde i sommer. Stelstørrelse 46 cm.",
            drawing="bicycle",
            background=WALL_GREEN,
            day=5,
        ),
    ),
    Story(
        posted=Item(
            seller=OMAR,
            title="Løbecykel til de mindste",
            category="bicycle",
            price=100,
            description="Blå løbecykel til 2–4 år med justerbart sæde.",
            drawing="kids_bicycle",
            day=14,
        ),
    ),
    Story(
        posted=Item(
            seller=FATIMA,
            title="Regnjakke til børn str. 98",
            category="clothing-textile",
            price=50,
            description="Orange regnjakke med refleks. Ingen huller.",
            drawing="kids_jacket",
            background=WALL_ROSE,
            day=1,
        ),
    ),
    Story(
        posted=Item(
            seller=BIRGITTE,
            title="Sofapuder, 3 stk.",
            category="clothing-textile",
            price=90,
            description="Tre puder i beige og grå, 45 × 45 cm. Betrækket kan vaskes.",
            drawing="cushions",
            day=6,
        ),
    ),
    Story(
        posted=Item(
            seller=KAREN,
            title="Bogreol i eg",
            category="furniture",
            price=300,
            description="Bogreol, 80 × 180 cm, med fire hylder. Skilles let ad.",
            drawing="bookshelf",
            background=WALL_SAND,
            day=22,
        ),
    ),
    Story(
        posted=Item(
            seller=HENRIK,
            title='Samsung Galaxy Tab A 10"',
            category="tablet",
            price=600,
            brand="Samsung",
            description="32 GB, wifi. Nulstillet og med cover. Skærmen er uden ridser.",
            drawing="tablet",
            background=WALL_GREY,
            day=10,
        ),
    ),
    Story(
        posted=Item(
            seller=OMAR,
            title='27" computerskærm',
            category="flat-screen",
            price=400,
            description="27 tommer, 1440p, HDMI og DisplayPort. Ingen døde pixels.",
            drawing="monitor",
            day=18,
        ),
    ),
    Story(
        posted=Item(
            seller=ANNA,
            title="Kaffemaskine med termokande",
            category="coffee-maker",
            price=150,
            description="Holder kaffen varm i timevis. Afkalket.",
            drawing="coffee_maker",
            background=WALL_GREEN,
            day=7,
        ),
    ),
    Story(
        posted=Item(
            seller=FATIMA,
            title="Blå lænestol",
            category="furniture",
            price=450,
            description="Blød lænestol i blåt stof. Lidt slid på armlænene.",
            drawing="armchair",
            background=WALL_BLUE,
            day=26,
        ),
    ),
    Story(
        posted=Item(
            seller=BIRGITTE,
            title="Slagboremaskine med kuffert",
            category="power-tool",
            price=250,
            description="Slagboremaskine med ledning, 750 W, i kuffert med bor.",
            drawing="drill",
            day=27,
        ),
    ),
    Story(
        posted=Item(
            seller=KAREN,
            title="Herrejakke str. XL",
            category="clothing-textile",
            price=120,
            description="Mørkeblå jakke med for. Min mand er vokset ud af den.",
            drawing="jacket",
            background=WALL_GREY,
            day=16,
        ),
    ),
]

# --- Things residents donate for repair, and what the workshops did with them --------------------------------

WIPE_TOOL_APPLE = "Apple Configurator 2.17 (Erase All Content and Settings)"

REPAIR_STORIES = [
    # Open: waiting on the job board.
    Story(
        posted=Donation(
            donor=ANNA,
            title="Bærbar computer der ikke starter",
            category="laptop",
            fault="Tænder ikke. Måske er det strømstikket.",
            drawing="laptop",
            background=WALL_GREY,
            day=3,
        )
    ),
    Story(
        posted=Donation(
            donor=OMAR,
            title="Gammel mobiltelefon",
            category="mobile",
            mode=RepairMode.RETURN,
            fault="Skærmen er revnet, ellers virker den. Jeg vil gerne have den tilbage.",
            drawing="phone",
            day=6,
        )
    ),
    Story(  # repair and hand back: IT-Værkstedet's quote waits for Anna's answer (log in as anna@example.dk)
        posted=Donation(
            donor=ANNA,
            title="Bærbar med løst hængsel",
            category="laptop",
            mode=RepairMode.RETURN,
            fault="Venstre hængsel er løst, og skærmen vipper. Jeg vil gerne have den tilbage.",
            drawing="laptop",
            background=WALL_BLUE,
            day=5,
        ),
        steps=[
            Claim(by=IT, day=4),
            Quote(
                by=MIKKEL,
                day=3,
                price=650,
                parts=250,
                days=5,
                note="Nyt hængselsæt og en ny skrue i bunden. Data bliver ikke rørt.",
            ),
        ],
    ),
    Story(  # only Cykelsmeden handles bikes, and it is not verified yet: nobody can claim this one
        posted=Donation(
            donor=KAREN,
            title="Damecykel med punktering og rusten kæde",
            category="bicycle",
            fault="Punktering på baghjulet, kæden er rusten og bremserne tager dårligt.",
            drawing="ladies_bicycle",
            background=WALL_BLUE,
            day=10,
        )
    ),
    Story(  # released: open again
        posted=Donation(
            donor=FATIMA,
            title="Sofa med knækket ben",
            category="furniture",
            fault="Det ene ben er knækket, og betrækket er slidt på armlænene.",
            drawing="sofa",
            day=16,
        ),
        steps=[
            Claim(by=SY, day=14),
            Release(
                by=SY,
                day=13,
                reason="Vi har ikke plads til en sofa i værkstedet før efter jul. Frigiver den, så andre kan tage den.",
            ),
        ],
    ),
    # Claimed and in progress.
    Story(
        posted=Donation(
            donor=ANNA,
            title="Stationær PC fra kontoret",
            category="desktop-computer",
            fault="Langsom og larmer. Der ligger gamle regnskaber på harddisken.",
            drawing="desktop",
            day=4,
        ),
        steps=[
            Claim(by=IT, day=2),
            # The donor and the workshop talk about the job (issue 15).
            JobTalk(
                by=IT,
                day=2,
                hour=11,
                body="Hej Anna. Vi har taget din PC. Skal regnskaberne gemmes, eller må vi "
                "slette hele disken med certifikat?",
            ),
            JobTalk(day=2, hour=13, body="Hej! Slet det hele, jeg har en kopi. Den står klar i opgang 3."),
            JobTalk(by=IT, day=1, body="Tak. Vi henter den torsdag efter kl. 16 og sletter disken, før vi går i gang."),
        ],
    ),
    Story(
        posted=Donation(
            donor=OMAR,
            title="Gardiner i hør",
            category="clothing-textile",
            fault="Falmede i kanten. Kan måske blive til puder.",
            drawing="curtains",
            day=9,
        ),
        steps=[
            Claim(by=SY, day=8),
            Start(by=SY, day=7),
            Work(by=LEYLA, day=7, hours=Decimal("2.5"), note="Gardinerne vasket og skåret til."),
        ],
    ),
    Story(  # released, then claimed again by the same workshop once the part had arrived
        posted=Donation(
            donor=HENRIK,
            title="Spillekonsol der ikke læser diske",
            category="games-console",
            fault="Skuffen åbner, men den kan ikke læse nogen spil.",
            drawing="games_console",
            background=WALL_GREY,
            day=30,
        ),
        steps=[
            Claim(by=MIKKEL, day=28),
            Release(
                by=MIKKEL,
                day=26,
                reason="Laseren skal skiftes, og delen er først på lager om tre uger. Frigiver jobbet så længe.",
            ),
            Claim(by=IT, day=6),
            Start(by=IT, day=5),
            Work(by=MIKKEL, day=5, hours=Decimal("1.5"), note="Ny laserenhed monteret; mangler test."),
        ],
    ),
    # Completed fixed, with data wiped, and sold on by the workshop.
    Story(
        posted=Donation(
            donor=ANNA,
            title="Tablet med dødt batteri",
            category="tablet",
            fault="Batteriet holder ikke strøm.",
            brand="Apple",
            model="iPad (6. generation)",
            day=24,
        ),
        steps=[
            Claim(by=IT, day=22),
            Start(by=IT, day=21),
            Work(by=MIKKEL, day=21, hours=Decimal(2), note="Batteri skiftet."),
            Wipe(
                by=IT,
                day=20,
                serial="DMPXK2Y9JF8J",
                model="Apple iPad (6th gen) 32 GB",
                size_gb=32,
                technique=WipeTechnique.CRYPTO_ERASE,
                tool=WIPE_TOOL_APPLE,
                minutes=20,
            ),
            Complete(by=IT, day=19),
            Publish(
                by=IT,
                day=18,
                title="iPad 6. generation med nyt batteri",
                description="Nyt batteri, data slettet efter NIST SP 800-88 (certifikat findes). Istandsat af "
                "IT-Værkstedet Øst.",
                price=650,
                drawing="tablet",
                background=WALL_BLUE,
            ),
        ],
    ),
    Story(  # two disks: the old hard disk and the SSD the owner had added
        posted=Donation(
            donor=HENRIK,
            title="Gammel ThinkPad fra arbejdet",
            category="laptop",
            fault="Tastaturet mangler taster, og det ene hængsel er knækket.",
            brand="Lenovo",
            model="ThinkPad T480",
            day=75,
        ),
        steps=[
            Claim(by=IT, day=73),
            Start(by=MIKKEL, day=72),
            Work(by=MIKKEL, day=72, hours=Decimal(3), note="Tastatur og hængsel skiftet."),
            Wipe(
                by=IT,
                day=71,
                hour=13,
                serial="WD-WX41A9876543",
                model='WD Blue 500 GB 2,5" HDD',
                size_gb=500,
                level=NistLevel.CLEAR,
                technique=WipeTechnique.OVERWRITE_VERIFY,
                minutes=240,
            ),
            Wipe(
                by=IT,
                day=71,
                hour=15,
                serial="S4EVNX0N123456",
                model="Samsung PM981 256 GB NVMe SSD",
                size_gb=256,
                technique=WipeTechnique.NVME_SANITIZE,
                tool="nvme-cli 2.8 (sanitize, crypto erase)",
                minutes=10,
            ),
            Work(by=IT, day=70, hours=Decimal("1.5"), note="Windows 11 installeret, batteritest."),
            Complete(by=IT, day=68, notes="Den gamle harddisk er slettet og sidder i som ekstra lager."),
            Publish(
                by=IT,
                day=67,
                title="Lenovo ThinkPad T480 – 8 GB RAM, 256 GB SSD",
                description="Nyt tastatur og hængsel, Windows 11. Begge diske slettet efter NIST SP 800-88.",
                price=1500,
                drawing="laptop",
                background=WALL_BLUE,
            ),
            Reserve(buyer=BIRGITTE, day=30),
            Confirm(by=IT, day=30, hour=14),
            HandOver(by=MIKKEL, day=28, hour=15),
        ],
    ),
    Story(  # the clicking hard disk could not be overwritten: it was shredded, and the PC got a new SSD
        posted=Donation(
            donor=OMAR,
            title="Stationær computer, harddisken klikker",
            category="desktop-computer",
            fault="Harddisken klikker, og Windows starter ikke.",
            brand="Dell",
            model="OptiPlex 7040",
            day=110,
        ),
        steps=[
            Claim(by=IT, day=108),
            Start(by=IT, day=107),
            Wipe(
                by=IT,
                day=107,
                serial="Z1D4K7PQ",
                model='Seagate Barracuda 1 TB 3,5" HDD',
                size_gb=1000,
                level=NistLevel.DESTROY,
                technique=WipeTechnique.SHRED,
                tool="HSM Powerline HDS 150 harddiskmakulator",
                minutes=15,
            ),
            Work(by=MIKKEL, day=107, hours=Decimal("2.5"), note="Defekt harddisk destrueret; ny 480 GB SSD monteret."),
            Work(by=IT, day=105, hours=Decimal(1), note="Windows og LibreOffice installeret."),
            Complete(by=IT, day=104),
            Publish(
                by=IT,
                day=103,
                title="Stationær PC til skolebrug (Dell OptiPlex)",
                description="Intel Core i5, 8 GB RAM, ny 480 GB SSD. Med skærm, tastatur og mus. Den gamle "
                "harddisk er makuleret.",
                price=800,
                drawing="desktop",
                background=WALL_BLUE,
            ),
            Reserve(buyer=FATIMA, day=1, hour=20),
        ],
    ),
    Story(
        posted=Donation(
            donor=FATIMA,
            title="Samsung-telefon med dårligt batteri",
            category="mobile",
            fault="Batteriet er fladt efter et par timer, og bagsiden er revnet.",
            brand="Samsung",
            model="Galaxy S9",
            day=45,
        ),
        steps=[
            Claim(by=MIKKEL, day=44),
            Start(by=MIKKEL, day=43),
            Work(by=MIKKEL, day=43, hours=Decimal("1.5"), note="Nyt batteri og bagcover."),
            Wipe(
                by=MIKKEL,
                day=43,
                hour=14,
                serial="R58M12ABCDE",
                model="Samsung Galaxy S9 64 GB (krypteret)",
                size_gb=64,
                technique=WipeTechnique.FACTORY_RESET,
                tool="Android 10 gendannelsestilstand (Wipe data/factory reset)",
                minutes=15,
            ),
            Complete(by=MIKKEL, day=42),
            Publish(
                by=MIKKEL,
                day=41,
                title="Samsung Galaxy S9 med nyt batteri",
                description="Nyt batteri og bagcover, nulstillet og klar til brug. Data slettet (certifikat findes).",
                price=500,
                drawing="phone",
                background=WALL_GREEN,
            ),
            Ask(buyer=KAREN, day=10, body="Virker MitID-appen på den?"),
            Reply(by=MIKKEL, day=10, hour=14, body="Ja, den kører Android 10, og MitID virker fint."),
            Reserve(buyer=KAREN, day=1, hour=12),
        ],
    ),
    Story(  # a plain PC monitor holds no data: the workshop records that instead of a wipe
        posted=Donation(
            donor=OMAR,
            title="Computerskærm der ikke tænder",
            category="flat-screen",
            fault="Strømlampen blinker, men billedet kommer aldrig.",
            brand="Dell",
            model="P2419H",
            day=20,
        ),
        steps=[
            Claim(by=IT, day=19),
            Start(by=MIKKEL, day=18),
            NoStorage(by=MIKKEL, day=18),
            Work(by=MIKKEL, day=18, hours=Decimal("1.5"), note="Kondensatorer i strømforsyningen skiftet."),
            Complete(by=MIKKEL, day=17),
            Publish(
                by=MIKKEL,
                day=16,
                title='Dell 24" computerskærm, ny strømforsyning',
                description="Full HD, HDMI og DisplayPort. Strømforsyningen er repareret.",
                price=350,
                drawing="monitor",
                background=WALL_GREEN,
            ),
            Reserve(buyer=HENRIK, day=12),
            HandOver(by=IT, day=11, hour=16),
        ],
    ),
    # Systuen: sewing and upholstery.
    Story(
        posted=Donation(
            donor=ANNA,
            title="Hørgardiner, slidte i kanten",
            category="clothing-textile",
            fault="Fire længder hør, solblegede i kanten.",
            day=140,
        ),
        steps=[
            Claim(by=SY, day=138),
            Start(by=SY, day=137),
            Work(by=LEYLA, day=137, hours=Decimal(3), note="Pudebetræk skåret til."),
            Work(by=SY, day=130, hours=Decimal("2.5"), note="Syet og lynlåse sat i."),
            Complete(by=SY, day=128),
            Publish(
                by=SY,
                day=127,
                title="Puder syet af hørgardiner (4 stk.)",
                description="Fire puder, 50 × 50 cm, syet af genbrugte hørgardiner. Med lynlås og fyld.",
                price=200,
                drawing="cushions",
            ),
            Reserve(buyer=BIRGITTE, day=100),
            HandOver(by=SY, day=99, hour=15),
        ],
    ),
    Story(
        posted=Donation(
            donor=KAREN,
            title="Lænestol med flænget betræk",
            category="furniture",
            fault="Betrækket er flænget, og polstringen er sunket.",
            day=95,
        ),
        steps=[
            Claim(by=SY, day=93),
            Start(by=SY, day=92),
            Work(by=SY, day=92, hours=Decimal(4), note="Gammelt betræk af, ny polstring."),
            Work(by=LEYLA, day=85, hours=Decimal("3.5"), note="Nyt betræk syet og monteret."),
            Complete(by=SY, day=84),
            Publish(
                by=SY,
                day=83,
                title="Lænestol med nyt blåt betræk",
                description="Klassisk lænestol med ny polstring og nyt betræk i blå uld.",
                price=900,
                drawing="armchair",
                background=WALL_BLUE,
            ),
            Reserve(buyer=ANNA, day=60),
            Confirm(by=SY, day=60, hour=17),
            HandOver(by=SY, day=58, hour=12),
        ],
    ),
    Story(
        posted=Donation(
            donor=HENRIK,
            title="Symaskine fra mormor",
            category="sewing-machine",
            fault="Den har stået på loftet i mange år. Tråden knækker hele tiden.",
            brand="Husqvarna",
            day=35,
        ),
        steps=[
            Claim(by=SY, day=34),
            Start(by=LEYLA, day=33),
            Work(by=LEYLA, day=33, hours=Decimal(2), note="Renset, smurt og trådspændingen justeret."),
            Complete(by=LEYLA, day=31),
            Publish(
                by=LEYLA,
                day=30,
                title="Husqvarna symaskine, efterset",
                description="Gammel, solid Husqvarna – renset, smurt og justeret af Systuen. Syr gennem denim.",
                price=450,
                drawing="old_sewing_machine",
                background=WALL_ROSE,
            ),
        ],
    ),
    # Completed without a fix.
    Story(
        posted=Donation(
            donor=OMAR,
            title="Symaskine der hakker",
            category="sewing-machine",
            mode=RepairMode.RETURN,
            fault="Tråden springer, og maskinen hakker.",
            day=60,
        ),
        steps=[
            Claim(by=SY, day=58),
            Start(by=SY, day=57),
            Work(by=SY, day=57, hours=Decimal("1.5"), note="Renset og smurt; spolekapslen er slidt."),
            Complete(
                by=SY,
                day=55,
                outcome=Outcome.REPAIRABLE,
                notes="Kræver en ny spolekapsel (ca. 150 kr.). Maskinen kan hentes, og delen bestilles.",
            ),
        ],
    ),
    Story(
        posted=Donation(
            donor=ANNA,
            title="Printer med papirstop",
            category="printer-scanner",
            fault="Papirstop hele tiden.",
            day=88,
        ),
        steps=[
            Claim(by=IT, day=86),
            Start(by=MIKKEL, day=85),
            Work(by=MIKKEL, day=85, hours=Decimal(1), note="Papirfremføringen skilt ad."),
            Complete(
                by=MIKKEL,
                day=84,
                outcome=Outcome.END_OF_LIFE,
                barrier=Barrier.SPARE_PARTS_NOT_AVAILABLE,
                notes="Fremføringsrullen produceres ikke længere. Afleveret til elektronikskrot.",
            ),
        ],
    ),
    Story(  # beyond repair — and its storage destroyed before it went to recycling
        posted=Donation(
            donor=KAREN,
            title="Tablet med knust skærm og vandskade",
            category="tablet",
            fault="Faldt i badekarret. Skærmen er knust.",
            brand="Apple",
            day=58,
        ),
        steps=[
            Claim(by=IT, day=56),
            Start(by=IT, day=55),
            Work(by=IT, day=55, hours=Decimal("0.75"), note="Vandskade på bundkortet."),
            Wipe(
                by=IT,
                day=55,
                hour=14,
                serial="DLXR2ZZZ1234",
                model="Apple iPad Air 2 64 GB (flash på bundkortet)",
                size_gb=64,
                level=NistLevel.DESTROY,
                technique=WipeTechnique.DISINTEGRATE,
                tool="Boret gennem flash-kredsen, kontrolleret visuelt",
                minutes=10,
            ),
            Complete(
                by=IT,
                day=54,
                outcome=Outcome.END_OF_LIFE,
                barrier=Barrier.SPARE_PARTS_TOO_EXPENSIVE,
                notes="Et nyt bundkort koster mere end tabletten er værd.",
            ),
        ],
    ),
    # Taken back by the donor before anyone claimed it.
    Story(
        posted=Donation(
            donor=OMAR,
            title="Skrivebordsstol",
            category="furniture",
            fault="Et hjul mangler.",
            day=50,
        ),
        steps=[WithdrawDonation(day=47)],
    ),
]

STORIES = RESIDENT_STORIES + REPAIR_STORIES

# Items that hold no data although their category usually does (the only jobs that may use `NoStorage`).
NO_STORAGE_TITLES = {"Computerskærm der ikke tænder"}


# --- An organisation's donation batch (issue 13) ------------------------------------------------------------------

ORGANISATION = {
    "name": "Nordjysk Revision ApS",
    "cvr": "10150817",  # passes the modulus-11 check
    "address": "Boulevarden 13, 9000 Aalborg",
    "kind": "company",
    "may_be_named": True,
}
# Twelve laptops from the auditors' office, offered, accepted and collected by IT-Værkstedet Øst, received;
# the first ones already wiped and completed (two hold no disk of their own). The batch is in progress.
BATCH_LAPTOPS = [
    {
        "serial_number": f"PF2NR{n:03d}",
        "model": "Lenovo ThinkPad T490",
        "category": "laptop",
        "has_storage": n not in (11, 12),
    }
    for n in range(1, 13)
]
BATCH_DONE = 5  # devices wiped (or without storage) and completed so far
