"""The demo dataset: four kinds of French organisations, their shops, catalogues, members and users.

Everything here is plain data (names, addresses, coordinates, price ranges); ``cms.demo.loader`` turns
it into objects through the services. Organisations, people, SIRET numbers, GTINs and phone numbers are
fictional (phone numbers are in ARCEP's ranges reserved for fiction); towns, postcodes and coordinates
are real. Item lists are generated from templates with a fixed seed, so every run builds the same data.
"""

import random
from datetime import time
from decimal import Decimal

from stdnum import ean, luhn

from baskets.choices import Fulfilment, PaymentMethod, ReservationStatus
from offers.choices import Condition, Unit
from shops.choices import OrganisationKind, StaffRole, VolunteerAnswer, VolunteerDomainCode, Weekday

DEMO_PASSWORD = "pivot-demo-2026"
IMAGE_COLLECTION = "Démo PIVOT"

# ---------------------------------------------------------------------------------------------------------
# Identifiers


def siret(siren8: str, nic4: str = "0001") -> str:
    """A valid (fictional) SIRET from 8 SIREN digits and 4 NIC digits, adding both Luhn check digits."""
    siren = siren8 + luhn.calc_check_digit(siren8)
    base = siren + nic4
    return base + luhn.calc_check_digit(base)


def french_vat_number(siret_number: str) -> str:
    siren = int(siret_number[:9])
    return f"FR{(12 + 3 * (siren % 97)) % 97:02d}{siret_number[:9]}"


def ean13(twelve_digits: str) -> str:
    return twelve_digits + ean.calc_check_digit(twelve_digits)


def hours(spec):
    """[(weekday, "10:00", "13:00"), ...] → [(weekday, time, time), ...]."""
    return [(day, time.fromisoformat(opens), time.fromisoformat(closes)) for day, opens, closes in spec]


MON, TUE, WED, THU, FRI, SAT, SUN = (
    Weekday.MONDAY,
    Weekday.TUESDAY,
    Weekday.WEDNESDAY,
    Weekday.THURSDAY,
    Weekday.FRIDAY,
    Weekday.SATURDAY,
    Weekday.SUNDAY,
)

SHOE_SHOP_HOURS = hours(
    [(MON, "14:00", "19:00")] + [(day, "10:00", "19:00") for day in (TUE, WED, THU, FRI)] + [(SAT, "09:30", "19:30")]
)

# ---------------------------------------------------------------------------------------------------------
# Organisations and their shops. Keys are the organisations' slugs (their natural key).

RESSOURCERIE = "ressourcerie-la-fabrique"
EPICERIE = "epi-solidaire-lyon"
JARDIN = "jardin-cocagne-deux-rives"
SHOE_LEFEVRE = "chaussures-lefevre"

ORGANISATIONS = [
    {
        "slug": RESSOURCERIE,
        "kind": OrganisationKind.REUSE_SHOP,
        "name": "Ressourcerie La Fabrique",
        "legal_name": "Association La Fabrique, ressourcerie de l'Est parisien",
        "siret": siret("81457236"),
        "email": "contact@lafabrique.example.org",
        "phone": "01 99 00 21 10",
        "address": "38 rue de Paris",
        "postcode": "93100",
        "city": "Montreuil",
        "website": "https://lafabrique.example.org",
    },
    {
        "slug": EPICERIE,
        "kind": OrganisationKind.GROUP_BUYING,
        "name": "L'Épi Solidaire — épicerie et groupement d'achat",
        "legal_name": "Association L'Épi Solidaire",
        "siret": siret("82390517"),
        "email": "bonjour@epi-solidaire.example.org",
        "phone": "04 65 71 30 20",
        "address": "87 rue de Marseille",
        "postcode": "69007",
        "city": "Lyon",
        "website": "https://epi-solidaire.example.org",
    },
    {
        "slug": JARDIN,
        "kind": OrganisationKind.CSA_GARDEN,
        "name": "Jardin de Cocagne des Deux Rives",
        "legal_name": "Association Jardin de Cocagne des Deux Rives (chantier d'insertion)",
        "siret": siret("79024168"),
        "email": "paniers@cocagne-deux-rives.example.org",
        "phone": "02 61 91 40 37",
        "address": "Lieu-dit Les Varennes",
        "postcode": "37300",
        "city": "Joué-lès-Tours",
        "website": "https://cocagne-deux-rives.example.org",
    },
    {
        "slug": SHOE_LEFEVRE,
        "kind": OrganisationKind.SHOP_NETWORK,
        "name": "Chaussures Lefèvre",
        "legal_name": "SARL Chaussures Lefèvre",
        "siret": siret("52031874"),
        "vat": True,
        "email": "boutique@chaussures-lefevre.example.org",
        "phone": "01 99 00 52 11",
        "address": "52 rue de la Roquette",
        "postcode": "75011",
        "city": "Paris",
    },
    {
        "slug": "le-pas-lyonnais",
        "kind": OrganisationKind.SHOP_NETWORK,
        "name": "Le Pas Lyonnais",
        "legal_name": "SAS Le Pas Lyonnais",
        "siret": siret("61820493"),
        "vat": True,
        "email": "contact@pas-lyonnais.example.org",
        "phone": "04 65 71 18 02",
        "address": "18 rue de Brest",
        "postcode": "69002",
        "city": "Lyon",
    },
    {
        "slug": "maison-roux-chausseur",
        "kind": OrganisationKind.SHOP_NETWORK,
        "name": "Maison Roux Chausseur",
        "legal_name": "SARL Maison Roux",
        "siret": siret("43907215"),
        "vat": True,
        "email": "maison@roux-chausseur.example.org",
        "phone": "04 65 71 41 13",
        "address": "41 rue de Rome",
        "postcode": "13001",
        "city": "Marseille",
    },
    {
        "slug": "pointure-sud-ouest",
        "kind": OrganisationKind.SHOP_NETWORK,
        "name": "Pointure Sud-Ouest",
        "legal_name": "SAS Pointure Sud-Ouest",
        "siret": siret("50718362"),
        "vat": True,
        "email": "contact@pointure-so.example.org",
        "phone": "05 36 49 27 31",
        "address": "27 rue d'Alsace-Lorraine",
        "postcode": "31000",
        "city": "Toulouse",
    },
    {
        "slug": "au-bon-pied",
        "kind": OrganisationKind.SHOP_NETWORK,
        "name": "Au Bon Pied",
        "legal_name": "SARL Au Bon Pied",
        "siret": siret("48263097"),
        "vat": True,
        "email": "bonjour@aubonpied.example.org",
        "phone": "03 53 01 30 59",
        "address": "30 rue de Béthune",
        "postcode": "59800",
        "city": "Lille",
    },
    {
        "slug": "semelles-de-l-ouest",
        "kind": OrganisationKind.SHOP_NETWORK,
        "name": "Semelles de l'Ouest",
        "legal_name": "SAS Semelles de l'Ouest",
        "siret": siret("51649830"),
        "vat": True,
        "email": "contact@semelles-ouest.example.org",
        "phone": "02 61 91 08 44",
        "address": "8 rue Crébillon",
        "postcode": "44000",
        "city": "Nantes",
    },
]

SHOE_ORGANISATIONS = [o["slug"] for o in ORGANISATIONS if o["kind"] == OrganisationKind.SHOP_NETWORK]

# Branding: (primary, secondary, initials for the logo). Primaries carry white text (contrast ≥ 4.5:1) and titles on the
# secondary background (also ≥ 4.5:1); the tests check both.
BRANDING = {
    RESSOURCERIE: ("#8a3b12", "#fbf1e6", "LF"),
    EPICERIE: ("#2f5d1e", "#f3f7e8", "ÉS"),
    JARDIN: ("#1f6f50", "#eef6ee", "JC"),
    SHOE_LEFEVRE: ("#2b2d42", "#f2efe9", "CL"),
    "le-pas-lyonnais": ("#7a1f3d", "#fbeef2", "PL"),
    "maison-roux-chausseur": ("#9c2f0f", "#fff4e8", "MR"),
    "pointure-sud-ouest": ("#1d4e89", "#edf3fb", "PS"),
    "au-bon-pied": ("#4a3f8c", "#f1eff9", "BP"),
    "semelles-de-l-ouest": ("#0f5c63", "#e8f6f6", "SO"),
}

SHOPS = [
    {
        "organisation": RESSOURCERIE,
        "slug": "la-fabrique-montreuil",
        "name": "La Fabrique — Montreuil",
        "address": "38 rue de Paris",
        "postcode": "93100",
        "city": "Montreuil",
        "latitude": "48.854530",
        "longitude": "2.418960",
        "phone": "01 99 00 21 10",
        "email": "montreuil@lafabrique.example.org",
        "hours": hours(
            [(day, "10:00", "13:00") for day in (WED, THU, FRI, SAT)]
            + [(day, "14:00", "19:00") for day in (WED, THU, FRI, SAT)]
            + [(SUN, "10:00", "13:00")]
        ),
        "introduction": (
            "Meubles, vêtements, électroménager et informatique de seconde main, collectés, nettoyés et réparés "
            "par notre atelier. Chaque achat évite la fabrication d'un objet neuf."
        ),
    },
    {
        "organisation": RESSOURCERIE,
        "slug": "la-fabrique-bagnolet",
        "name": "La Fabrique — Bagnolet",
        "address": "27 rue Sadi Carnot",
        "postcode": "93170",
        "city": "Bagnolet",
        "latitude": "48.869120",
        "longitude": "2.417850",
        "phone": "01 99 00 21 12",
        "email": "bagnolet@lafabrique.example.org",
        "hours": hours(
            [(TUE, "14:00", "19:00"), (THU, "14:00", "19:00"), (SAT, "10:00", "12:30"), (SAT, "14:00", "18:00")]
        ),
        "introduction": (
            "Notre deuxième boutique, avec l'atelier de réparation d'électroménager et le coin informatique "
            "reconditionnée. Dépôt de dons aux heures d'ouverture."
        ),
    },
    {
        "organisation": EPICERIE,
        "slug": "epi-solidaire-guillotiere",
        "name": "L'Épi Solidaire — Guillotière",
        "address": "87 rue de Marseille",
        "postcode": "69007",
        "city": "Lyon",
        "latitude": "45.749520",
        "longitude": "4.842710",
        "phone": "04 65 71 30 20",
        "email": "guillotiere@epi-solidaire.example.org",
        "hours": hours([(day, "15:00", "19:30") for day in (TUE, WED, THU, FRI)] + [(SAT, "09:30", "13:00")]),
        "introduction": (
            "Épicerie solidaire et groupement d'achat : nous commandons ensemble, par cartons, auprès de "
            "grossistes bio et de producteurs des Monts du Lyonnais. Retrait des commandes groupées le samedi."
        ),
    },
    {
        "organisation": JARDIN,
        "slug": "cocagne-deux-rives-ferme",
        "name": "Jardin de Cocagne — la ferme",
        "address": "Lieu-dit Les Varennes",
        "postcode": "37300",
        "city": "Joué-lès-Tours",
        "latitude": "47.343020",
        "longitude": "0.656140",
        "phone": "02 61 91 40 37",
        "email": "ferme@cocagne-deux-rives.example.org",
        "hours": hours([(FRI, "14:00", "19:00"), (SAT, "09:00", "12:30")]),
        "introduction": (
            "Des légumes bio cultivés par des salariés en parcours d'insertion. Abonnez-vous à un panier "
            "hebdomadaire et retirez-le à la ferme ou dans l'un de nos dépôts."
        ),
    },
    {
        "organisation": SHOE_LEFEVRE,
        "slug": "chaussures-lefevre-paris-11",
        "name": "Chaussures Lefèvre — Paris 11e",
        "address": "52 rue de la Roquette",
        "postcode": "75011",
        "city": "Paris",
        "latitude": "48.854900",
        "longitude": "2.373600",
        "phone": "01 99 00 52 11",
    },
    {
        "organisation": "le-pas-lyonnais",
        "slug": "le-pas-lyonnais-presquile",
        "name": "Le Pas Lyonnais — Presqu'île",
        "address": "18 rue de Brest",
        "postcode": "69002",
        "city": "Lyon",
        "latitude": "45.762200",
        "longitude": "4.833000",
        "phone": "04 65 71 18 02",
    },
    {
        "organisation": "maison-roux-chausseur",
        "slug": "maison-roux-marseille",
        "name": "Maison Roux — Marseille",
        "address": "41 rue de Rome",
        "postcode": "13001",
        "city": "Marseille",
        "latitude": "43.293000",
        "longitude": "5.379000",
        "phone": "04 65 71 41 13",
    },
    {
        "organisation": "maison-roux-chausseur",
        "slug": "maison-roux-montpellier",
        "name": "Maison Roux — Montpellier",
        "address": "12 rue de la Loge",
        "postcode": "34000",
        "city": "Montpellier",
        "latitude": "43.611000",
        "longitude": "3.877000",
        "phone": "04 65 71 41 14",
    },
    {
        "organisation": "pointure-sud-ouest",
        "slug": "pointure-toulouse",
        "name": "Pointure Sud-Ouest — Toulouse",
        "address": "27 rue d'Alsace-Lorraine",
        "postcode": "31000",
        "city": "Toulouse",
        "latitude": "43.603000",
        "longitude": "1.445500",
        "phone": "05 36 49 27 31",
    },
    {
        "organisation": "pointure-sud-ouest",
        "slug": "pointure-bordeaux",
        "name": "Pointure Sud-Ouest — Bordeaux",
        "address": "95 rue Sainte-Catherine",
        "postcode": "33000",
        "city": "Bordeaux",
        "latitude": "44.837500",
        "longitude": "-0.574000",
        "phone": "05 36 49 27 32",
    },
    {
        "organisation": "au-bon-pied",
        "slug": "au-bon-pied-lille",
        "name": "Au Bon Pied — Lille",
        "address": "30 rue de Béthune",
        "postcode": "59800",
        "city": "Lille",
        "latitude": "50.634000",
        "longitude": "3.062000",
        "phone": "03 53 01 30 59",
    },
    {
        "organisation": "au-bon-pied",
        "slug": "au-bon-pied-strasbourg",
        "name": "Au Bon Pied — Strasbourg",
        "address": "14 rue des Grandes Arcades",
        "postcode": "67000",
        "city": "Strasbourg",
        "latitude": "48.583000",
        "longitude": "7.748000",
        "phone": "03 53 01 30 60",
    },
    {
        "organisation": "semelles-de-l-ouest",
        "slug": "semelles-ouest-nantes",
        "name": "Semelles de l'Ouest — Nantes",
        "address": "8 rue Crébillon",
        "postcode": "44000",
        "city": "Nantes",
        "latitude": "47.213500",
        "longitude": "-1.561000",
        "phone": "02 61 91 08 44",
    },
    {
        "organisation": "semelles-de-l-ouest",
        "slug": "semelles-ouest-rennes",
        "name": "Semelles de l'Ouest — Rennes",
        "address": "21 rue Le Bastard",
        "postcode": "35000",
        "city": "Rennes",
        "latitude": "48.112500",
        "longitude": "-1.679000",
        "phone": "02 61 91 08 45",
    },
]

SHOE_SHOP_INTRODUCTION = (
    "Chausseur indépendant membre du réseau Pas à Pas : commandez en ligne, nous réservons votre pointure "
    "dans la boutique la plus proche qui l'a en stock. Retrait en boutique ou livraison."
)

# Towns for the extra shops of ``--scale``: (town, postcode, latitude, longitude).
EXTRA_SHOP_TOWNS = [
    ("Nice", "06000", 43.7034, 7.2663),
    ("Saint-Étienne", "42000", 45.4397, 4.3872),
    ("Le Havre", "76600", 49.4944, 0.1079),
    ("Reims", "51100", 49.2583, 4.0317),
    ("Toulon", "83000", 43.1242, 5.9280),
    ("Grenoble", "38000", 45.1885, 5.7245),
    ("Dijon", "21000", 47.3220, 5.0415),
    ("Angers", "49000", 47.4784, -0.5632),
    ("Nîmes", "30000", 43.8367, 4.3601),
    ("Villeurbanne", "69100", 45.7719, 4.8902),
    ("Clermont-Ferrand", "63000", 45.7772, 3.0870),
    ("Le Mans", "72000", 48.0061, 0.1996),
    ("Aix-en-Provence", "13100", 43.5297, 5.4474),
    ("Brest", "29200", 48.3904, -4.4861),
    ("Tours", "37000", 47.3941, 0.6848),
    ("Amiens", "80000", 49.8941, 2.2958),
    ("Limoges", "87000", 45.8336, 1.2611),
    ("Annecy", "74000", 45.8992, 6.1294),
    ("Perpignan", "66000", 42.6887, 2.8948),
    ("Metz", "57000", 49.1193, 6.1757),
    ("Besançon", "25000", 47.2378, 6.0241),
    ("Orléans", "45000", 47.9030, 1.9093),
    ("Rouen", "76000", 49.4432, 1.0999),
    ("Mulhouse", "68100", 47.7508, 7.3359),
    ("Caen", "14000", 49.1829, -0.3707),
    ("Nancy", "54000", 48.6921, 6.1844),
    ("Argenteuil", "95100", 48.9472, 2.2467),
    ("Roubaix", "59100", 50.6942, 3.1746),
    ("Tourcoing", "59200", 50.7239, 3.1612),
    ("Avignon", "84000", 43.9493, 4.8055),
    ("Poitiers", "86000", 46.5802, 0.3404),
    ("Pau", "64000", 43.2951, -0.3708),
    ("La Rochelle", "17000", 46.1603, -1.1511),
    ("Calais", "62100", 50.9513, 1.8587),
    ("Béziers", "34500", 43.3442, 3.2158),
    ("Bourges", "18000", 47.0810, 2.3988),
    ("Saint-Nazaire", "44600", 47.2735, -2.2138),
    ("Valence", "26000", 44.9334, 4.8924),
    ("Quimper", "29000", 47.9960, -4.1024),
    ("Troyes", "10000", 48.2973, 4.0744),
    ("Chambéry", "73000", 45.5646, 5.9178),
    ("Niort", "79000", 46.3237, -0.4588),
    ("Lorient", "56100", 47.7483, -3.3702),
    ("Vannes", "56000", 47.6582, -2.7608),
    ("Colmar", "68000", 48.0794, 7.3585),
    ("Angoulême", "16000", 45.6484, 0.1562),
    ("Chartres", "28000", 48.4439, 1.4890),
    ("Bayonne", "64100", 43.4929, -1.4748),
    ("Ajaccio", "20000", 41.9192, 8.7386),
    ("Laval", "53000", 48.0707, -0.7734),
    ("Saint-Brieuc", "22000", 48.5142, -2.7658),
    ("Cherbourg-en-Cotentin", "50100", 49.6337, -1.6222),
    ("Blois", "41000", 47.5861, 1.3359),
    ("Albi", "81000", 43.9289, 2.1464),
    ("Montauban", "82000", 44.0176, 1.3550),
    ("Arras", "62000", 50.2910, 2.7775),
    ("Dunkerque", "59140", 51.0343, 2.3768),
    ("Carcassonne", "11000", 43.2130, 2.3491),
    ("Agen", "47000", 44.2033, 0.6163),
    ("Périgueux", "24000", 45.1847, 0.7214),
    ("Auxerre", "89000", 47.7982, 3.5673),
    ("Nevers", "58000", 46.9908, 3.1590),
    ("Vichy", "03200", 46.1277, 3.4260),
    ("Épinal", "88000", 48.1724, 6.4496),
    ("Gap", "05000", 44.5594, 6.0786),
    ("Tarbes", "65000", 43.2328, 0.0781),
    ("Rodez", "12000", 44.3506, 2.5750),
    ("Paris", "75015", 48.8417, 2.2986),
    ("Paris", "75018", 48.8925, 2.3444),
    ("Marseille", "13006", 43.2876, 5.3806),
    ("Lyon", "69003", 45.7597, 4.8617),
    ("Toulouse", "31400", 43.5836, 1.4601),
    ("Bordeaux", "33800", 44.8237, -0.5636),
    ("Nantes", "44300", 47.2486, -1.5202),
]
EXTRA_SHOP_STREETS = [
    "rue de la République",
    "rue du Commerce",
    "place du Marché",
    "rue Victor-Hugo",
    "rue Nationale",
    "avenue Jean-Jaurès",
    "rue des Halles",
    "boulevard Gambetta",
]

# ---------------------------------------------------------------------------------------------------------
# Ressourcerie: one-off second-hand items in the seeded categories (which carry ADEME impact factors).

PROVENANCES = [
    "Don d'un particulier, Montreuil",
    "Don d'un particulier, Bagnolet",
    "Collecte en déchèterie, Romainville",
    "Débarras de maison, Vincennes",
    "Apport volontaire en boutique",
    "Don d'une entreprise, Saint-Denis",
    "Collecte à domicile, Fontenay-sous-Bois",
    "Récupération sur un chantier de rénovation, Pantin",
    "Fin de bail d'un bureau associatif, Paris 20e",
]

# Each family: seeded category, how many items, the picture's shape and colours, and templates.
ITEM_FAMILIES = [
    {
        "category": "Chaise en bois",
        "count": 14,
        "shape": "chair",
        "background": "#e9d8bf",
        "names": [
            "Chaise bistrot",
            "Chaise paillée",
            "Chaise de cuisine",
            "Chaise bois courbé",
            "Chaise d'écolier",
            "Chaise scandinave",
            "Chaise de ferme",
        ],
        "qualifiers": ["en hêtre", "en chêne", "en pin", "vintage", "des années 60", "peinte en bleu", "patinée"],
        "brands": ["", "", "Baumann", "Fabrication artisanale"],
        "materials": ["Hêtre massif", "Chêne massif", "Pin", "Bois courbé et cannage", "Bois et paille"],
        "colours": ["Bois naturel", "Noir", "Blanc cassé", "Bleu", "Vert sauge"],
        "dimensions": ((40, 48), (78, 95), (40, 50)),
        "weight": (3, 7),
        "price": (8, 35),
    },
    {
        "category": "Table en bois",
        "count": 12,
        "shape": "table",
        "background": "#eadcc6",
        "names": [
            "Table de ferme",
            "Table de salle à manger",
            "Table basse",
            "Table de cuisine",
            "Table pliante",
            "Bureau d'écolier",
        ],
        "qualifiers": ["en chêne", "en pin massif", "à rallonges", "ronde", "années 70", "teck"],
        "brands": ["", "", "Fabrication artisanale", "Ikea"],
        "materials": ["Chêne massif", "Pin massif", "Teck", "Hêtre et placage"],
        "colours": ["Bois naturel", "Bois ciré", "Blanc", "Noyer"],
        "dimensions": ((60, 200), (40, 78), (50, 100)),
        "weight": (10, 45),
        "price": (25, 180),
    },
    {
        "category": "Canapé en tissu",
        "count": 8,
        "shape": "sofa",
        "background": "#dde3ea",
        "names": ["Canapé deux places", "Canapé trois places", "Canapé convertible", "Banquette", "Méridienne"],
        "qualifiers": ["en velours", "en lin", "gris chiné", "bleu canard", "moutarde"],
        "brands": ["", "Ikea", "Habitat", "Roche Bobois"],
        "materials": ["Tissu et bois", "Velours et hêtre", "Lin et mousse"],
        "colours": ["Gris", "Bleu canard", "Moutarde", "Beige", "Vert bouteille"],
        "dimensions": ((140, 230), (75, 95), (80, 100)),
        "weight": (30, 70),
        "price": (60, 250),
    },
    {
        "category": "Armoire",
        "count": 8,
        "shape": "wardrobe",
        "background": "#e4d6c3",
        "names": ["Armoire normande", "Armoire parisienne", "Penderie", "Armoire de chambre", "Armoire à glace"],
        "qualifiers": ["deux portes", "trois portes", "en merisier", "en pin", "années 50"],
        "brands": ["", "", "Ikea"],
        "materials": ["Merisier", "Chêne", "Pin", "Aggloméré plaqué"],
        "colours": ["Bois naturel", "Merisier", "Blanc", "Gris"],
        "dimensions": ((90, 180), (180, 220), (50, 65)),
        "weight": (50, 120),
        "price": (80, 350),
    },
    {
        "category": "Jean",
        "count": 18,
        "shape": "jeans",
        "background": "#dfe7f2",
        "names": ["Jean droit", "Jean slim", "Jean large", "Jean bootcut", "Jean mom", "Jean brut"],
        "qualifiers": ["délavé", "brut", "noir", "bleu clair", "stone", "taille haute"],
        "brands": ["Levi's", "Lee", "Wrangler", "Kiabi", "Diesel", "1083"],
        "materials": ["Denim 100 % coton", "Coton et élasthanne", "Coton biologique"],
        "colours": ["Bleu brut", "Bleu délavé", "Noir", "Gris"],
        "sizes": ["W28 L30", "W30 L32", "W32 L32", "W32 L34", "W34 L32", "W36 L34", "36 FR", "38 FR", "40 FR", "42 FR"],
        "weight": (0.5, 0.9),
        "price": (6, 25),
    },
    {
        "category": "T-shirt en coton",
        "count": 18,
        "shape": "tshirt",
        "background": "#f4e2e2",
        "names": [
            "T-shirt col rond",
            "T-shirt col V",
            "T-shirt imprimé",
            "T-shirt à rayures",
            "Polo",
            "T-shirt manches longues",
        ],
        "qualifiers": ["blanc", "marinière", "vintage", "de festival", "bio", "oversize"],
        "brands": ["", "Petit Bateau", "Armor-Lux", "Le Slip Français", "Uniqlo", "H&M"],
        "materials": ["Coton", "Coton biologique", "Coton et lin"],
        "colours": ["Blanc", "Marine", "Rouge", "Rayé bleu et blanc", "Vert"],
        "sizes": ["XS", "S", "M", "L", "XL", "12 ans", "14 ans"],
        "weight": (0.12, 0.3),
        "price": (2, 10),
    },
    {
        "category": "Chaussures en cuir",
        "count": 12,
        "shape": "shoe",
        "background": "#eee2d3",
        "names": ["Derbies", "Mocassins", "Bottines", "Richelieus", "Bottes", "Sandales"],
        "qualifiers": ["en cuir noir", "en cuir marron", "en daim", "cirées", "à lacets", "vintage"],
        "brands": ["Paraboot", "Clarks", "Mephisto", "Aigle", "", "Docksides"],
        "materials": ["Cuir pleine fleur", "Daim", "Cuir et semelle caoutchouc"],
        "colours": ["Noir", "Marron", "Cognac", "Bordeaux"],
        "sizes": ["37", "38", "39", "40", "41", "42", "43", "44"],
        "weight": (0.6, 1.4),
        "price": (10, 45),
    },
    {
        "category": "Lave-linge",
        "count": 8,
        "shape": "washer",
        "background": "#e3eef0",
        "names": ["Lave-linge hublot", "Lave-linge top", "Lave-linge séchant"],
        "qualifiers": ["7 kg", "8 kg", "6 kg", "9 kg"],
        "brands": ["Bosch", "Whirlpool", "Samsung", "Brandt", "Miele", "Electrolux"],
        "materials": ["Acier laqué et plastique"],
        "colours": ["Blanc", "Gris argent"],
        "dimensions": ((40, 60), (85, 90), (55, 65)),
        "weight": (55, 80),
        "price": (90, 260),
        "appliance": True,
    },
    {
        "category": "Réfrigérateur",
        "count": 8,
        "shape": "fridge",
        "background": "#e6f0f5",
        "names": [
            "Réfrigérateur combiné",
            "Réfrigérateur table top",
            "Réfrigérateur double porte",
            "Réfrigérateur une porte",
        ],
        "qualifiers": ["A+", "froid ventilé", "245 L", "300 L"],
        "brands": ["Beko", "Liebherr", "Samsung", "Whirlpool", "Indesit"],
        "materials": ["Acier laqué et plastique"],
        "colours": ["Blanc", "Inox", "Noir"],
        "dimensions": ((50, 70), (85, 190), (55, 68)),
        "weight": (30, 75),
        "price": (70, 280),
        "appliance": True,
    },
    {
        "category": "Four à micro-ondes",
        "count": 10,
        "shape": "microwave",
        "background": "#efe9dc",
        "names": ["Micro-ondes", "Micro-ondes grill", "Micro-ondes combiné"],
        "qualifiers": ["20 L", "23 L", "25 L", "28 L"],
        "brands": ["Whirlpool", "Samsung", "Moulinex", "Panasonic", "Sharp", "LG"],
        "materials": ["Acier et verre"],
        "colours": ["Blanc", "Noir", "Inox"],
        "dimensions": ((44, 52), (26, 31), (33, 42)),
        "weight": (10, 16),
        "price": (20, 60),
        "appliance": True,
    },
    {
        "category": "Ordinateur portable",
        "count": 15,
        "shape": "laptop",
        "background": "#e0e6ef",
        "names": [
            "Lenovo ThinkPad T480",
            "Dell Latitude 5490",
            "HP EliteBook 840 G5",
            'Apple MacBook Air 13"',
            "Lenovo ThinkPad X270",
            "Asus VivoBook 15",
        ],
        "qualifiers": [
            "8 Go / SSD 256 Go",
            "16 Go / SSD 512 Go",
            "8 Go / SSD 128 Go",
            "reconditionné",
            "Linux installé",
        ],
        "materials": ["Aluminium et plastique"],
        "colours": ["Noir", "Gris sidéral", "Argent"],
        "dimensions": ((30, 36), (1.5, 2.2), (21, 25)),
        "weight": (1.2, 2.1),
        "price": (120, 420),
        "appliance": True,
        "brand_from_name": True,
    },
    {
        "category": "Smartphone",
        "count": 19,
        "shape": "smartphone",
        "background": "#e8e3f1",
        "names": [
            "Samsung Galaxy S9",
            "Apple iPhone 8",
            "Fairphone 3",
            "Xiaomi Redmi Note 9",
            "Google Pixel 4a",
            "Apple iPhone SE (2020)",
            "Samsung Galaxy A52",
        ],
        "qualifiers": ["64 Go", "128 Go", "reconditionné", "écran neuf", "batterie neuve"],
        "materials": ["Verre et aluminium"],
        "colours": ["Noir", "Blanc", "Bleu", "Rouge"],
        "dimensions": ((6.5, 7.5), (13.8, 16), (0.7, 0.9)),
        "weight": (0.14, 0.2),
        "price": (60, 260),
        "appliance": True,
        "brand_from_name": True,
    },
]
RESSOURCERIE_ITEM_COUNT = sum(family["count"] for family in ITEM_FAMILIES)  # 150

CONDITION_WEIGHTS = [(Condition.NEW, 1), (Condition.VERY_GOOD, 5), (Condition.GOOD, 7), (Condition.FAIR, 3)]
APPLIANCE_NOTES = {
    Condition.FOR_PARTS: "Vendu pour pièces : ne s'allume plus. Idéal pour un bricoleur ou notre atelier de réparation partagée.",
    "default": "Testé, nettoyé et garanti six mois par notre atelier de réparation.",
}


def _decimal(value: float, places: str) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places))


def ressourcerie_items(count: int | None = None) -> list[dict]:
    """The ressourcerie's items; the first ``count`` of them when given (each family is cut in proportion)."""
    items = []
    for family_index, family in enumerate(ITEM_FAMILIES):
        rng = random.Random(f"fabrique-{family['category']}")
        combos = [(name, qualifier) for name in family["names"] for qualifier in family["qualifiers"]]
        rng.shuffle(combos)
        for n, (name, qualifier) in enumerate(combos[: family["count"]]):
            appliance = family.get("appliance", False)
            condition = rng.choices([c for c, _ in CONDITION_WEIGHTS], weights=[w for _, w in CONDITION_WEIGHTS])[0]
            if appliance and rng.random() < 0.1:
                condition = Condition.FOR_PARTS
            dimensions = family.get("dimensions")
            width, height, depth = (
                (_decimal(rng.uniform(lo, hi), "0.1") for lo, hi in dimensions) if dimensions else (None, None, None)
            )
            low, high = family["price"]
            price = (
                Decimal(round(rng.uniform(low, high)))
                if high > 20
                else _decimal(round(rng.uniform(low, high) * 2) / 2, "0.01")
            )
            if condition == Condition.FOR_PARTS:
                price = max(Decimal("5"), (price / 5).quantize(Decimal("1")))
            brand = name.split(" ")[0] if family.get("brand_from_name") else rng.choice(family.get("brands", [""]))
            title = f"{name} {qualifier}"
            note = ""
            if appliance:
                note = APPLIANCE_NOTES.get(condition, APPLIANCE_NOTES["default"])
            elif condition == Condition.NEW:
                note = "Jamais utilisé, encore étiqueté."
            items.append(
                {
                    "order": (n, family_index),
                    "family": family,
                    "category": family["category"],
                    "name": title,
                    "brand": brand,
                    "material": rng.choice(family["materials"]),
                    "colour": rng.choice(family["colours"]),
                    "size": rng.choice(family["sizes"]) if "sizes" in family else "",
                    "condition": condition,
                    "width_cm": width,
                    "height_cm": height,
                    "depth_cm": depth,
                    "weight_kg": _decimal(rng.uniform(*family["weight"]), "0.001"),
                    "provenance": rng.choice(PROVENANCES),
                    "price_incl_tax": price,
                    "note": note,
                }
            )
    # Interleave the families so that any prefix (``--items``) is a varied sample; number them in that order.
    items.sort(key=lambda item: item["order"])
    for number, item in enumerate(items, start=1):
        item["reference"] = f"LF-{number:04d}"
        item["shop"] = "la-fabrique-bagnolet" if number % 3 == 0 else "la-fabrique-montreuil"
    return items[:count] if count is not None else items


# ---------------------------------------------------------------------------------------------------------
# Group-buying association: producers and a 300-product catalogue.

PRODUCERS = [
    {
        "key": "rbd",
        "name": "Rhône Bio Distribution",
        "city": "Corbas",
        "postcode": "69960",
        "latitude": "45.668000",
        "longitude": "4.902000",
        "contact_name": "Sophie Garnier",
        "email": "commandes@rhone-bio-distribution.example.org",
        "phone": "04 65 71 20 01",
        "is_wholesaler": True,
        "minimum_order_amount": Decimal("350.00"),
        "prefix": "RBD",
    },
    {
        "key": "casse",
        "name": "Comptoir Alimentaire du Sud-Est",
        "city": "Saint-Priest",
        "postcode": "69800",
        "latitude": "45.697500",
        "longitude": "4.943000",
        "contact_name": "Mehdi Haddad",
        "email": "pro@comptoir-sud-est.example.org",
        "phone": "04 65 71 20 02",
        "is_wholesaler": True,
        "minimum_order_amount": Decimal("500.00"),
        "prefix": "CASE",
    },
    {
        "key": "ferme",
        "name": "Ferme des Monts du Lyonnais",
        "city": "Saint-Martin-en-Haut",
        "postcode": "69850",
        "latitude": "45.659700",
        "longitude": "4.561400",
        "contact_name": "Pierre et Anne Chabert",
        "email": "ferme@monts-lyonnais.example.org",
        "phone": "04 65 71 20 03",
        "is_wholesaler": False,
        "minimum_order_amount": None,
        "prefix": "FML",
    },
    {
        "key": "laiterie",
        "name": "Laiterie coopérative du Pilat",
        "city": "Pélussin",
        "postcode": "42410",
        "latitude": "45.419000",
        "longitude": "4.683000",
        "contact_name": "Julie Vial",
        "email": "laiterie@pilat.example.org",
        "phone": "04 65 71 20 04",
        "is_wholesaler": False,
        "minimum_order_amount": None,
        "prefix": "LCP",
    },
]

# The association's own subcategories, under the shared food categories.
EPICERIE_CATEGORIES = {
    "Épicerie": [
        "Pâtes, riz et céréales",
        "Légumineuses",
        "Huiles et condiments",
        "Conserves",
        "Petit-déjeuner",
        "Biscuits et chocolat",
        "Boissons",
    ],
    "Fruits et légumes": ["Fruits", "Légumes"],
    "Produits laitiers et œufs": ["Lait et crème", "Fromages", "Yaourts", "Œufs"],
}

# (producer, subcategory, unit, case size, price range excl. tax, names, formats, has EAN)
# Each name × format is one catalogue product.
GROCERY_LINES = [
    (
        "rbd",
        "Pâtes, riz et céréales",
        Unit.PIECE,
        12,
        (1.2, 2.4),
        ["Coquillettes", "Penne", "Fusilli", "Spaghetti", "Tagliatelles", "Farfalle", "Macaronis", "Linguine"],
        ["bio 500 g"],
        True,
    ),
    (
        "rbd",
        "Pâtes, riz et céréales",
        Unit.KG,
        5,
        (2.6, 4.2),
        ["Coquillettes", "Penne", "Fusilli"],
        ["bio en vrac"],
        False,
    ),
    (
        "rbd",
        "Pâtes, riz et céréales",
        Unit.PIECE,
        10,
        (2.2, 4.8),
        ["Riz basmati", "Riz long complet", "Riz rond", "Riz thaï", "Riz de Camargue"],
        ["bio 1 kg"],
        True,
    ),
    (
        "rbd",
        "Pâtes, riz et céréales",
        Unit.PIECE,
        8,
        (1.8, 5.5),
        [
            "Semoule fine",
            "Semoule complète",
            "Quinoa blanc",
            "Quinoa tricolore",
            "Boulgour",
            "Polenta",
            "Flocons d'avoine",
            "Millet décortiqué",
        ],
        ["bio 500 g"],
        True,
    ),
    (
        "rbd",
        "Pâtes, riz et céréales",
        Unit.PIECE,
        10,
        (1.1, 3.9),
        [
            "Farine de blé T55",
            "Farine de blé T65",
            "Farine de blé T80",
            "Farine d'épeautre",
            "Farine de sarrasin",
            "Farine de seigle",
        ],
        ["bio 1 kg"],
        True,
    ),
    (
        "rbd",
        "Légumineuses",
        Unit.PIECE,
        10,
        (1.6, 3.6),
        [
            "Lentilles vertes",
            "Lentilles corail",
            "Lentilles blondes",
            "Lentilles beluga",
            "Pois chiches",
            "Haricots rouges",
            "Haricots blancs",
            "Pois cassés",
            "Flageolets",
        ],
        ["bio 500 g"],
        True,
    ),
    (
        "rbd",
        "Légumineuses",
        Unit.KG,
        5,
        (2.8, 5.2),
        ["Lentilles vertes", "Lentilles corail", "Pois chiches", "Haricots rouges"],
        ["bio en vrac"],
        False,
    ),
    (
        "rbd",
        "Huiles et condiments",
        Unit.PIECE,
        6,
        (4.5, 11.0),
        ["Huile d'olive vierge extra", "Huile de tournesol", "Huile de colza", "Huile de noix"],
        ["bio 1 L", "bio 50 cl"],
        True,
    ),
    (
        "rbd",
        "Huiles et condiments",
        Unit.PIECE,
        6,
        (1.2, 4.2),
        [
            "Vinaigre de cidre",
            "Vinaigre balsamique",
            "Moutarde à l'ancienne",
            "Sauce soja",
            "Tamari",
            "Purée de sésame",
        ],
        ["bio"],
        True,
    ),
    (
        "rbd",
        "Huiles et condiments",
        Unit.PIECE,
        12,
        (1.0, 3.5),
        [
            "Sel de Guérande",
            "Poivre noir moulu",
            "Herbes de Provence",
            "Curry doux",
            "Cumin moulu",
            "Paprika fumé",
            "Curcuma",
            "Cannelle moulue",
        ],
        ["bio"],
        True,
    ),
    (
        "rbd",
        "Conserves",
        Unit.PIECE,
        12,
        (1.1, 3.8),
        [
            "Tomates pelées",
            "Coulis de tomate",
            "Sauce tomate au basilic",
            "Concentré de tomate",
            "Ratatouille",
            "Pois chiches cuits",
            "Lentilles cuisinées",
            "Haricots verts extra-fins",
            "Maïs doux",
            "Petits pois carottes",
        ],
        ["bio"],
        True,
    ),
    (
        "rbd",
        "Petit-déjeuner",
        Unit.PIECE,
        6,
        (2.2, 8.5),
        [
            "Café moulu pur arabica",
            "Café en grains",
            "Thé noir Ceylan",
            "Thé vert Sencha",
            "Infusion verveine",
            "Infusion tilleul",
            "Chicorée",
            "Cacao en poudre",
            "Muesli aux fruits",
            "Flocons de céréales",
        ],
        ["bio"],
        True,
    ),
    (
        "rbd",
        "Petit-déjeuner",
        Unit.PIECE,
        6,
        (2.2, 6.5),
        [
            "Confiture de fraise",
            "Confiture d'abricot",
            "Confiture de framboise",
            "Marmelade d'orange amère",
            "Confiture de figue",
            "Miel de fleurs",
            "Miel d'acacia",
            "Miel de châtaignier",
            "Pâte à tartiner noisette",
            "Purée d'amande",
        ],
        ["bio"],
        True,
    ),
    (
        "rbd",
        "Petit-déjeuner",
        Unit.PIECE,
        10,
        (1.6, 3.4),
        ["Sucre de canne blond", "Sucre complet", "Cassonade", "Sucre glace"],
        ["bio 1 kg"],
        True,
    ),
    (
        "rbd",
        "Biscuits et chocolat",
        Unit.PIECE,
        12,
        (1.4, 3.2),
        ["Chocolat noir 70 %", "Chocolat au lait", "Chocolat noir aux amandes", "Chocolat blanc", "Chocolat noir 85 %"],
        ["bio 100 g"],
        True,
    ),
    (
        "rbd",
        "Biscuits et chocolat",
        Unit.PIECE,
        12,
        (1.3, 3.1),
        [
            "Petits beurre",
            "Sablés au beurre",
            "Galettes bretonnes",
            "Cookies aux pépites",
            "Madeleines",
            "Biscuits à l'épeautre",
            "Crackers au sésame",
            "Gressins",
        ],
        ["bio"],
        True,
    ),
    (
        "rbd",
        "Boissons",
        Unit.PIECE,
        6,
        (1.6, 3.9),
        ["Jus de pomme", "Jus d'orange", "Jus de raisin", "Nectar d'abricot", "Jus multifruit", "Limonade artisanale"],
        ["bio 1 L"],
        True,
    ),
    (
        "rbd",
        "Boissons",
        Unit.PIECE,
        6,
        (2.5, 5.0),
        ["Sirop de menthe", "Sirop de grenadine", "Sirop de citron", "Sirop d'orgeat"],
        ["bio 50 cl"],
        True,
    ),
    (
        "casse",
        "Pâtes, riz et céréales",
        Unit.PIECE,
        20,
        (0.7, 1.5),
        ["Spaghetti", "Penne rigate", "Coquillettes", "Torsades", "Vermicelles"],
        ["500 g"],
        True,
    ),
    (
        "casse",
        "Pâtes, riz et céréales",
        Unit.PIECE,
        12,
        (1.0, 2.2),
        ["Riz long grain", "Riz basmati", "Semoule moyenne", "Farine de blé T45"],
        ["1 kg"],
        True,
    ),
    (
        "casse",
        "Légumineuses",
        Unit.PIECE,
        12,
        (0.9, 2.0),
        ["Lentilles vertes", "Pois chiches", "Haricots blancs", "Haricots rouges"],
        ["1 kg"],
        True,
    ),
    (
        "casse",
        "Huiles et condiments",
        Unit.PIECE,
        12,
        (1.4, 5.5),
        [
            "Huile de tournesol",
            "Huile d'olive",
            "Vinaigre de vin",
            "Moutarde de Dijon",
            "Mayonnaise",
            "Ketchup",
            "Sel fin",
            "Poivre en grains",
        ],
        ["format familial"],
        True,
    ),
    (
        "casse",
        "Conserves",
        Unit.PIECE,
        24,
        (0.6, 2.8),
        [
            "Thon au naturel",
            "Sardines à l'huile d'olive",
            "Maquereaux au vin blanc",
            "Tomates concassées",
            "Haricots verts",
            "Petits pois",
            "Maïs",
            "Champignons de Paris émincés",
            "Compote de pommes",
            "Pêches au sirop",
            "Raviolis pur bœuf",
            "Cassoulet",
        ],
        ["boîte 4/4"],
        True,
    ),
    (
        "casse",
        "Petit-déjeuner",
        Unit.PIECE,
        12,
        (1.2, 4.8),
        [
            "Café moulu",
            "Thé noir",
            "Chocolat en poudre",
            "Corn flakes",
            "Pétales de blé au chocolat",
            "Confiture de fraises",
            "Sucre en morceaux",
            "Sucre en poudre",
        ],
        ["format familial"],
        True,
    ),
    (
        "casse",
        "Biscuits et chocolat",
        Unit.PIECE,
        24,
        (0.8, 2.4),
        [
            "Tablette de chocolat noir",
            "Tablette de chocolat au lait",
            "Biscuits fourrés chocolat",
            "Gaufrettes",
            "Pain d'épices",
            "Quatre-quarts",
        ],
        ["format familial"],
        True,
    ),
    (
        "casse",
        "Boissons",
        Unit.PIECE,
        6,
        (0.4, 1.8),
        [
            "Eau minérale naturelle 1,5 L",
            "Eau gazeuse 1 L",
            "Jus d'orange 1 L",
            "Jus de pomme 1 L",
            "Thé glacé pêche 1,5 L",
        ],
        ["pack"],
        True,
    ),
    (
        "casse",
        "Fruits",
        Unit.KG,
        10,
        (1.3, 3.2),
        ["Bananes", "Oranges à jus", "Clémentines", "Citrons", "Pamplemousses", "Avocats", "Mangues", "Ananas"],
        ["d'import, catégorie I"],
        False,
    ),
    (
        "ferme",
        "Fruits",
        Unit.KG,
        5,
        (1.9, 4.8),
        [
            "Pommes Golden",
            "Pommes Gala",
            "Pommes Reinette",
            "Pommes Canada",
            "Poires Williams",
            "Poires Conférence",
            "Abricots",
            "Pêches",
            "Prunes",
            "Cerises",
            "Raisin chasselas",
            "Coings",
        ],
        ["des Monts du Lyonnais"],
        False,
    ),
    (
        "ferme",
        "Fruits",
        Unit.PIECE,
        10,
        (2.2, 3.8),
        ["Fraises barquette 500 g", "Framboises barquette 250 g", "Myrtilles barquette 250 g", "Melon charentais"],
        ["de saison"],
        False,
    ),
    (
        "ferme",
        "Légumes",
        Unit.KG,
        10,
        (1.0, 4.5),
        [
            "Carottes",
            "Pommes de terre Charlotte",
            "Pommes de terre Agata",
            "Oignons jaunes",
            "Oignons rouges",
            "Échalotes",
            "Poireaux",
            "Courgettes",
            "Aubergines",
            "Tomates rondes",
            "Tomates cerises",
            "Tomates cœur de bœuf",
            "Poivrons",
            "Épinards",
            "Betteraves crues",
            "Navets",
            "Courge butternut",
            "Potimarron",
            "Céleri-rave",
            "Fenouil",
            "Haricots verts",
            "Panais",
        ],
        ["bio"],
        False,
    ),
    (
        "ferme",
        "Légumes",
        Unit.PIECE,
        12,
        (0.8, 2.6),
        ["Laitue", "Batavia", "Feuille de chêne", "Chou-fleur", "Brocoli", "Chou vert", "Concombre"],
        ["bio"],
        False,
    ),
    (
        "ferme",
        "Légumes",
        Unit.BUNCH,
        12,
        (0.9, 1.9),
        ["Radis", "Persil plat", "Coriandre", "Ciboulette", "Basilic", "Blettes", "Oignons nouveaux"],
        ["bio"],
        False,
    ),
    (
        "laiterie",
        "Lait et crème",
        Unit.LITRE,
        6,
        (0.9, 1.5),
        ["Lait entier", "Lait demi-écrémé", "Lait fermenté"],
        ["de vache, bouteille verre"],
        False,
    ),
    (
        "laiterie",
        "Lait et crème",
        Unit.PIECE,
        12,
        (1.2, 2.9),
        ["Crème fraîche épaisse 20 cl", "Crème liquide 50 cl", "Beurre doux 250 g", "Beurre demi-sel 250 g"],
        ["fermier"],
        True,
    ),
    (
        "laiterie",
        "Yaourts",
        Unit.PIECE,
        12,
        (1.6, 3.2),
        [
            "Yaourts nature x4",
            "Yaourts à la vanille x4",
            "Yaourts aux fruits x4",
            "Fromage blanc 500 g",
            "Faisselle x4",
        ],
        ["au lait entier"],
        True,
    ),
    (
        "laiterie",
        "Fromages",
        Unit.PIECE,
        6,
        (2.2, 9.5),
        [
            "Tomme du Pilat",
            "Rigotte de Condrieu",
            "Saint-Marcellin",
            "Fourme de Montbrison",
            "Bleu du Vercors",
            "Tomme de chèvre",
            "Crottin de chèvre",
        ],
        ["au lait cru"],
        False,
    ),
    (
        "laiterie",
        "Œufs",
        Unit.PIECE,
        12,
        (1.9, 4.2),
        ["Œufs plein air boîte de 6", "Œufs plein air boîte de 12", "Œufs bio boîte de 6"],
        ["calibre moyen"],
        False,
    ),
]

EPICERIE_PRODUCT_COUNT = 300


def epicerie_products(count: int | None = None) -> list[dict]:
    """The 300 catalogue products (name × format of each line, padded with bulk formats to reach 300)."""
    producers = {p["key"]: p for p in PRODUCERS}
    products = []
    counters = {key: 0 for key in producers}
    for line_index, (producer, subcategory, unit, case_size, (low, high), names, formats, has_ean) in enumerate(
        GROCERY_LINES
    ):
        for name in names:
            for fmt in formats:
                rng = random.Random(f"epi-{line_index}-{name}-{fmt}")
                counters[producer] += 1
                number = counters[producer]
                products.append(
                    {
                        "producer": producer,
                        "subcategory": subcategory,
                        "unit": unit,
                        "case_size": case_size,
                        "name": f"{name} {fmt}",
                        "reference": f"{producers[producer]['prefix']}-{number:05d}",
                        "gtin": ean13(f"3760{line_index:03d}{number:05d}") if has_ean else "",
                        "price_excl_tax": _decimal(rng.uniform(low, high), "0.01"),
                        "minimum_cases": 2 if case_size <= 6 and unit == Unit.PIECE and rng.random() < 0.2 else 1,
                        "brand": producers[producer]["name"] if producer in ("ferme", "laiterie") else "",
                    }
                )
    # Pad with 5 kg bulk sacks of the organic wholesaler's dry goods until the catalogue has 300 lines.
    dry = [
        p
        for p in products
        if p["producer"] == "rbd"
        and p["unit"] == Unit.PIECE
        and p["subcategory"] in ("Pâtes, riz et céréales", "Légumineuses")
    ]
    n = 0
    while len(products) < EPICERIE_PRODUCT_COUNT:
        source = dry[n % len(dry)]
        sack = 5 if n < len(dry) else 25
        counters["rbd"] += 1
        products.append(
            {
                **source,
                "unit": Unit.KG,
                "case_size": sack,
                "name": f"{source['name'].rsplit(' bio', 1)[0]} bio, sac de {sack} kg",
                "reference": f"RBD-{counters['rbd']:05d}",
                "gtin": "",
                # Per kg: a little under twice the price of a 500 g or 1 kg packet, cheaper by the 25 kg sack.
                "price_excl_tax": (source["price_excl_tax"] * Decimal("1.6" if sack == 5 else "1.4")).quantize(
                    Decimal("0.01")
                ),
                "minimum_cases": 1,
            }
        )
        n += 1
    products = products[:EPICERIE_PRODUCT_COUNT]
    return products[:count] if count is not None else products


# ---------------------------------------------------------------------------------------------------------
# Shoe network: a shared reference catalogue (organisation=None) in a shared subtree of new shoes.

SHOE_CATEGORY_ROOT = "Chaussures neuves"  # under the seeded "Textile et chaussures"
SHOE_CATEGORIES = ["Chaussures de ville", "Baskets", "Bottines et boots", "Sandales et nu-pieds"]
SHOE_SIZES = [str(size) for size in range(36, 46)]

# (category, type, model, brand, model code, colour, material, price incl. VAT)
SHOE_MODELS = [
    (
        "Chaussures de ville",
        "Derby",
        "Vernet",
        "Maison Vernet",
        "VER-DB01",
        "Noir",
        "Cuir de veau lisse, semelle cuir",
        "119.00",
    ),
    (
        "Chaussures de ville",
        "Derby",
        "Vernet",
        "Maison Vernet",
        "VER-DB02",
        "Marron",
        "Cuir de veau lisse, semelle cuir",
        "119.00",
    ),
    (
        "Chaussures de ville",
        "Richelieu",
        "Cordovan",
        "Cordovan & Fils",
        "CDF-RC10",
        "Noir",
        "Cuir pleine fleur, semelle cuir cousue Goodyear",
        "139.00",
    ),
    (
        "Chaussures de ville",
        "Mocassin",
        "Riviera",
        "Atelier Garonne",
        "AGA-MC21",
        "Camel",
        "Cuir velours, semelle caoutchouc",
        "109.00",
    ),
    (
        "Chaussures de ville",
        "Ballerine",
        "Opéra",
        "Maison Vernet",
        "VER-BL05",
        "Rouge",
        "Cuir verni, semelle cuir",
        "79.00",
    ),
    (
        "Baskets",
        "Basket",
        "Canopée",
        "Les Semelles Vertes",
        "LSV-CN01",
        "Blanc",
        "Cuir à tannage végétal, semelle caoutchouc naturel",
        "95.00",
    ),
    (
        "Baskets",
        "Basket",
        "Canopée",
        "Les Semelles Vertes",
        "LSV-CN02",
        "Bleu marine",
        "Cuir à tannage végétal, semelle caoutchouc naturel",
        "95.00",
    ),
    ("Baskets", "Basket", "Rando Urbaine", "Pas de Loup", "PDL-RU03", "Gris", "Nubuck, semelle crantée", "105.00"),
    (
        "Bottines et boots",
        "Bottine",
        "Chelsea",
        "Botterie Alsacienne",
        "BAL-CH07",
        "Noir",
        "Cuir pleine fleur, élastiques latéraux",
        "149.00",
    ),
    (
        "Bottines et boots",
        "Boot",
        "Trappeur",
        "Botterie Alsacienne",
        "BAL-TR09",
        "Marron",
        "Cuir gras imperméabilisé, semelle Vibram",
        "169.00",
    ),
    (
        "Bottines et boots",
        "Bottine à lacets",
        "Vosges",
        "Pas de Loup",
        "PDL-VS04",
        "Cognac",
        "Cuir pleine fleur, doublure cuir",
        "139.00",
    ),
    (
        "Sandales et nu-pieds",
        "Sandale",
        "Calanque",
        "Atelier Garonne",
        "AGA-SD30",
        "Naturel",
        "Cuir naturel, semelle liège",
        "69.00",
    ),
]


def shoe_products() -> list[dict]:
    products = []
    for model_index, (category, kind, model, brand, code, colour, material, price) in enumerate(SHOE_MODELS):
        for size in SHOE_SIZES:
            products.append(
                {
                    "category": category,
                    "name": f"{kind} {model} {colour.lower()} — pointure {size}",
                    "description": f"{kind} « {model} » de {brand}, coloris {colour.lower()}. {material}. Fabriqué en Europe.",
                    "brand": brand,
                    "model_code": code,
                    "colour": colour,
                    "material": material,
                    "size": size,
                    "gtin": ean13(f"37690120{model_index:02d}{size}"),
                    "price_incl_tax": Decimal(price),
                }
            )
    return products


def shoe_stock(shop_slug: str, gtin: str) -> int | None:
    """How many pairs a shop holds of a reference; None when the shop does not carry it."""
    rng = random.Random(f"stock-{shop_slug}-{gtin}")
    if rng.random() < 0.3:
        return None
    return rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5, 6])


# ---------------------------------------------------------------------------------------------------------
# CSA garden: depots and subscription offers.

DEPOTS = [
    {
        "name": "La ferme (Joué-lès-Tours)",
        "shop": "cocagne-deux-rives-ferme",
        "address": "Lieu-dit Les Varennes",
        "postcode": "37300",
        "city": "Joué-lès-Tours",
        "latitude": "47.343020",
        "longitude": "0.656140",
        "delivery_fee": Decimal("0.00"),
        "slots": hours([(TUE, "16:30", "19:00"), (FRI, "16:30", "19:00")]),
    },
    {
        "name": "Tours centre — Maison des associations",
        "address": "25 rue Bernard-Palissy",
        "postcode": "37000",
        "city": "Tours",
        "latitude": "47.390500",
        "longitude": "0.693000",
        "delivery_fee": Decimal("1.50"),
        "capacity": 60,
        "slots": hours([(TUE, "17:00", "19:30")]),
    },
    {
        "name": "Saint-Avertin — Salle des fêtes",
        "address": "Place de la Mairie",
        "postcode": "37550",
        "city": "Saint-Avertin",
        "latitude": "47.363500",
        "longitude": "0.736000",
        "delivery_fee": Decimal("1.00"),
        "slots": hours([(WED, "17:00", "19:00")]),
    },
    {
        "name": "Coopérative Loire Énergies — local du CSE",
        "address": "Parc d'activités des Deux-Lions, 12 rue Galpin-Thiou",
        "postcode": "37200",
        "city": "Tours",
        "latitude": "47.370000",
        "longitude": "0.685000",
        "delivery_fee": Decimal("0.50"),
        "restricted": True,
        "access_code": "1234",
        "public_note": "Dépôt réservé aux salariés de la coopérative : demandez le code d'accès à votre CSE.",
        "slots": hours([(THU, "12:00", "14:00")]),
    },
]
CLOSED_DEPOT = "Tours centre — Maison des associations"
REPLACEMENT_DEPOT = "La ferme (Joué-lès-Tours)"

# (reference, name, seeded category, unit, price incl. VAT, reserved to, description)
GARDEN_OFFERS = [
    (
        "JC-PANIER-S",
        "Panier simple",
        "Fruits et légumes",
        Unit.BASKET,
        "12.00",
        None,
        "4 à 6 légumes de saison pour 1 à 2 personnes.",
    ),
    (
        "JC-PANIER-F",
        "Panier familial",
        "Fruits et légumes",
        Unit.BASKET,
        "19.50",
        None,
        "7 à 9 légumes de saison pour 3 à 5 personnes.",
    ),
    (
        "JC-PANIER-SOL",
        "Panier solidaire",
        "Fruits et légumes",
        Unit.BASKET,
        "5.00",
        "Panier solidaire",
        "Le panier simple à prix solidaire, sur orientation d'un travailleur social.",
    ),
    (
        "JC-OEUFS-6",
        "Œufs bio — boîte de 6",
        "Produits laitiers et œufs",
        Unit.PIECE,
        "3.20",
        None,
        "Œufs de nos poules élevées en plein air, ramassés la veille.",
    ),
]
GARDEN_VAT = Decimal("5.5")

# Subscription plans of the garden's subscription offers: (reference, policy).
GARDEN_PLANS = [
    (
        "JC-PANIER-S",
        {
            "max_cancellations": 4,
            "quota_window_max": 3,
            "notice_hours": 48,
            "doubling_product": "JC-PANIER-F",
            "doubling_cap": 15,
        },
    ),
    ("JC-PANIER-F", {"max_cancellations": 4, "notice_hours": 48, "doubling_cap": 10}),
    ("JC-PANIER-SOL", {"notice_hours": 48, "cancellation_needs_doubling": True, "doubling_cap": 10}),
    ("JC-OEUFS-6", {"frequency": "fortnightly", "postponement_allowed": False, "notice_hours": 72}),
]
GARDEN_FUNDERS = ["Réseau Cocagne", "CCAS de Tours"]
# (member's first name, plan reference, depot, weekday, number of baskets or None for the season,
#  solidarity discount %, funder)
GARDEN_SUBSCRIPTIONS = [
    ("Claire", "JC-PANIER-S", "Tours centre — Maison des associations", TUE, None, "0", None),
    ("Claire", "JC-OEUFS-6", "Tours centre — Maison des associations", TUE, None, "0", None),
    ("Gérard", "JC-PANIER-F", "La ferme (Joué-lès-Tours)", FRI, 20, "0", None),
    ("Amina", "JC-PANIER-S", "Tours centre — Maison des associations", TUE, None, "60", "CCAS de Tours"),
    ("Sylvie", "JC-PANIER-S", "Saint-Avertin — Salle des fêtes", WED, None, "0", None),
    ("Julien", "JC-PANIER-F", "Coopérative Loire Énergies — local du CSE", THU, None, "0", None),
    ("Marie", "JC-PANIER-F", "La ferme (Joué-lès-Tours)", TUE, None, "0", None),
    ("Kevin", "JC-PANIER-SOL", "Tours centre — Maison des associations", TUE, None, "50", "Réseau Cocagne"),
]

# ---------------------------------------------------------------------------------------------------------
# Customer categories, members, users.

CUSTOMER_CATEGORIES = {
    RESSOURCERIE: [
        ("Particulier", False, ""),
        ("Adhérent", False, "Cotisation annuelle de 10 € : accès aux ventes privées et aux ateliers de réparation."),
        ("Commerçant", True, "Brocanteurs et antiquaires : achats sur facture, prix hors taxes."),
        ("Association partenaire", True, "Structures de l'économie sociale et solidaire équipées par la ressourcerie."),
    ],
    EPICERIE: [
        ("Particulier", False, ""),
        ("Bénéficiaire aide alimentaire", False, "Accès aux prix solidaires sur orientation d'un travailleur social."),
        ("AMAP", False, "Groupes de consommateurs partenaires qui commandent en commun."),
        ("Cantine scolaire", True, "Restauration collective : commandes par cartons, facturées hors taxes."),
        ("Commerçant", True, ""),
        ("Grossiste", True, "Revendeurs : prix hors taxes, minimum de commande."),
    ],
    JARDIN: [
        ("Particulier", False, ""),
        ("Panier solidaire", False, "Familles orientées par les services sociaux : panier à 5 €."),
        ("AMAP", False, ""),
        ("Comité d'entreprise", True, "Paniers pris en charge par l'employeur."),
    ],
    **{
        slug: [("Particulier", False, ""), ("Carte fidélité", False, "Une paire offerte pour dix achetées.")]
        for slug in SHOE_ORGANISATIONS
    },
}

# organisation, first, last, postcode, city, categories, volunteer, domains, employee, comments, user
MEMBERS = [
    (
        RESSOURCERIE,
        "Karim",
        "Benali",
        "93100",
        "Montreuil",
        ["Adhérent"],
        VolunteerAnswer.NO,
        [],
        True,
        "Valoriste salarié, responsable de l'atelier.",
    ),
    (
        RESSOURCERIE,
        "Élise",
        "Fournier",
        "93100",
        "Montreuil",
        ["Adhérent"],
        VolunteerAnswer.YES,
        [VolunteerDomainCode.DIY, VolunteerDomainCode.SALES],
        False,
        "",
    ),
    (
        RESSOURCERIE,
        "Thomas",
        "Nguyen",
        "93170",
        "Bagnolet",
        ["Particulier"],
        VolunteerAnswer.MAYBE,
        [VolunteerDomainCode.LOGISTICS],
        False,
        "A une camionnette, disponible le samedi.",
    ),
    (
        RESSOURCERIE,
        "Fatou",
        "Diallo",
        "93100",
        "Montreuil",
        ["Adhérent"],
        VolunteerAnswer.YES,
        [VolunteerDomainCode.STAND, VolunteerDomainCode.COMMUNICATION],
        False,
        "",
    ),
    (
        RESSOURCERIE,
        "Bernard",
        "Lemoine",
        "75020",
        "Paris",
        ["Commerçant"],
        VolunteerAnswer.NO,
        [],
        False,
        "Brocanteur, passe le mercredi matin.",
    ),
    (RESSOURCERIE, "Inès", "Moreau", "93260", "Les Lilas", ["Particulier"], VolunteerAnswer.NO, [], False, ""),
    (
        RESSOURCERIE,
        "Lucas",
        "Petit",
        "94300",
        "Vincennes",
        ["Adhérent"],
        VolunteerAnswer.MAYBE,
        [VolunteerDomainCode.EDUCATION],
        False,
        "",
    ),
    (
        RESSOURCERIE,
        "Aïcha",
        "Mansouri",
        "93170",
        "Bagnolet",
        ["Association partenaire"],
        VolunteerAnswer.NO,
        [],
        False,
        "Coordinatrice du centre social des Malassis.",
    ),
    (
        RESSOURCERIE,
        "Jean-Pierre",
        "Robert",
        "93100",
        "Montreuil",
        ["Particulier", "Adhérent"],
        VolunteerAnswer.YES,
        [VolunteerDomainCode.DIY],
        False,
        "Répare les vélos.",
    ),
    (RESSOURCERIE, "Sarah", "Cohen", "93230", "Romainville", ["Particulier"], VolunteerAnswer.NO, [], False, ""),
    (
        EPICERIE,
        "Claire",
        "Dubois",
        "69007",
        "Lyon",
        ["Particulier"],
        VolunteerAnswer.YES,
        [VolunteerDomainCode.SALES, VolunteerDomainCode.ADMINISTRATION],
        False,
        "",
        "adherent",
    ),
    (
        EPICERIE,
        "Mohamed",
        "Belkacem",
        "69007",
        "Lyon",
        ["Bénéficiaire aide alimentaire"],
        VolunteerAnswer.MAYBE,
        [VolunteerDomainCode.LOGISTICS],
        False,
        "",
    ),
    (
        EPICERIE,
        "Anne",
        "Girard",
        "69003",
        "Lyon",
        ["AMAP"],
        VolunteerAnswer.NO,
        [],
        False,
        "Référente de l'AMAP de la Guillotière.",
    ),
    (
        EPICERIE,
        "Sandrine",
        "Morel",
        "69100",
        "Villeurbanne",
        ["Cantine scolaire"],
        VolunteerAnswer.NO,
        [],
        False,
        "Cantine de l'école Jean-Macé, 180 couverts.",
    ),
    (
        EPICERIE,
        "Nicolas",
        "Faure",
        "69002",
        "Lyon",
        ["Commerçant"],
        VolunteerAnswer.NO,
        [],
        False,
        "Café associatif Le Comptoir.",
    ),
    (
        EPICERIE,
        "Yasmina",
        "Haddad",
        "69200",
        "Vénissieux",
        ["Bénéficiaire aide alimentaire"],
        VolunteerAnswer.NO,
        [],
        False,
        "",
    ),
    (
        EPICERIE,
        "Paul",
        "Rousseau",
        "69007",
        "Lyon",
        ["Particulier"],
        VolunteerAnswer.YES,
        [VolunteerDomainCode.COOKING, VolunteerDomainCode.EDUCATION],
        False,
        "Anime les ateliers cuisine du jeudi.",
    ),
    (
        EPICERIE,
        "Manon",
        "Blanc",
        "69008",
        "Lyon",
        ["Particulier"],
        VolunteerAnswer.MAYBE,
        [VolunteerDomainCode.COMMUNICATION],
        False,
        "",
    ),
    (
        EPICERIE,
        "Olivier",
        "Chevalier",
        "69960",
        "Corbas",
        ["Grossiste"],
        VolunteerAnswer.NO,
        [],
        False,
        "Revendeur pour trois épiceries de village.",
    ),
    (
        EPICERIE,
        "Léa",
        "Perrin",
        "69007",
        "Lyon",
        ["Particulier", "AMAP"],
        VolunteerAnswer.YES,
        [VolunteerDomainCode.LOGISTICS, VolunteerDomainCode.SALES],
        False,
        "",
    ),
    (EPICERIE, "Hugo", "Lambert", "69009", "Lyon", ["Particulier"], VolunteerAnswer.NO, [], False, ""),
    (
        EPICERIE,
        "Nadia",
        "Bouaziz",
        "69100",
        "Villeurbanne",
        ["Cantine scolaire"],
        VolunteerAnswer.NO,
        [],
        False,
        "Crèche associative Les Petits Pas.",
    ),
    (
        JARDIN,
        "Claire",
        "Dubois",
        "37000",
        "Tours",
        ["Particulier"],
        VolunteerAnswer.YES,
        [VolunteerDomainCode.GARDENING],
        False,
        "",
        "adherent",
    ),
    (
        JARDIN,
        "Gérard",
        "Martineau",
        "37300",
        "Joué-lès-Tours",
        ["Particulier"],
        VolunteerAnswer.YES,
        [VolunteerDomainCode.GARDENING, VolunteerDomainCode.LOGISTICS],
        False,
        "Livre le dépôt de Saint-Avertin.",
    ),
    (JARDIN, "Amina", "Traoré", "37000", "Tours", ["Panier solidaire"], VolunteerAnswer.NO, [], False, ""),
    (
        JARDIN,
        "Sylvie",
        "Bertrand",
        "37550",
        "Saint-Avertin",
        ["AMAP"],
        VolunteerAnswer.MAYBE,
        [VolunteerDomainCode.STAND],
        False,
        "",
    ),
    (
        JARDIN,
        "Julien",
        "Roux",
        "37200",
        "Tours",
        ["Comité d'entreprise"],
        VolunteerAnswer.NO,
        [],
        False,
        "Salarié de la coopérative Loire Énergies.",
    ),
    (JARDIN, "Marie", "Leroy", "37300", "Joué-lès-Tours", ["Particulier"], VolunteerAnswer.NO, [], False, ""),
    (
        JARDIN,
        "Kevin",
        "Gauthier",
        "37000",
        "Tours",
        ["Panier solidaire"],
        VolunteerAnswer.MAYBE,
        [VolunteerDomainCode.GARDENING],
        False,
        "",
    ),
    (
        JARDIN,
        "Chantal",
        "Mercier",
        "37550",
        "Saint-Avertin",
        ["Particulier"],
        VolunteerAnswer.YES,
        [VolunteerDomainCode.COOKING, VolunteerDomainCode.COMMUNICATION],
        False,
        "Rédige la lettre des paniers.",
    ),
    (JARDIN, "Romain", "Fontaine", "37200", "Tours", ["Comité d'entreprise"], VolunteerAnswer.NO, [], False, ""),
    (JARDIN, "Isabelle", "Garcia", "37000", "Tours", ["Particulier"], VolunteerAnswer.NO, [], False, ""),
    (JARDIN, "Samir", "Kaci", "37300", "Joué-lès-Tours", ["Panier solidaire"], VolunteerAnswer.NO, [], False, ""),
    (
        JARDIN,
        "Hélène",
        "Marchand",
        "37000",
        "Tours",
        ["Particulier", "AMAP"],
        VolunteerAnswer.YES,
        [VolunteerDomainCode.ADMINISTRATION],
        False,
        "Trésorière de l'association.",
    ),
    (SHOE_LEFEVRE, "Antoine", "Durand", "75011", "Paris", ["Carte fidélité"], VolunteerAnswer.NO, [], False, ""),
    ("le-pas-lyonnais", "Camille", "Bonnet", "69002", "Lyon", ["Carte fidélité"], VolunteerAnswer.NO, [], False, ""),
    (
        "maison-roux-chausseur",
        "Laurent",
        "Roche",
        "13001",
        "Marseille",
        ["Particulier"],
        VolunteerAnswer.NO,
        [],
        False,
        "",
    ),
    (
        "pointure-sud-ouest",
        "Émilie",
        "Laurent",
        "31000",
        "Toulouse",
        ["Carte fidélité"],
        VolunteerAnswer.NO,
        [],
        False,
        "",
    ),
    ("au-bon-pied", "Mathieu", "Lefebvre", "59800", "Lille", ["Particulier"], VolunteerAnswer.NO, [], False, ""),
    (
        "semelles-de-l-ouest",
        "Pauline",
        "Guérin",
        "44000",
        "Nantes",
        ["Carte fidélité"],
        VolunteerAnswer.NO,
        [],
        False,
        "",
    ),
]

# Phone ranges reserved for fiction, by the first digit of the postcode's region.
FICTION_PHONE_PREFIX = {
    "75": "01 99 00",
    "93": "01 99 00",
    "94": "01 99 00",
    "69": "04 65 71",
    "13": "04 65 71",
    "37": "02 61 91",
    "31": "05 36 49",
    "59": "03 53 01",
    "44": "02 61 91",
}

# username, first name, last name, role, organisation slug (None: platform-wide)
ROLE_SUPERUSER = "superuser"
ROLE_ANIMATOR = "animator"
ROLE_MEMBER = "member"
USERS = [
    ("admin", "Camille", "Laurent", ROLE_SUPERUSER, None),
    ("animatrice", "Nadia", "Roussel", ROLE_ANIMATOR, None),
    ("ressourcerie", "Julien", "Mercier", StaffRole.MANAGER, RESSOURCERIE),
    ("ressourcerie-vente", "Aurélie", "Vasseur", StaffRole.STAFF, RESSOURCERIE),
    ("epicerie", "Rachid", "Amrani", StaffRole.STAFF, EPICERIE),
    ("chaussures", "Sophie", "Lefèvre", StaffRole.STAFF, SHOE_LEFEVRE),
    ("jardin", "Bruno", "Texier", StaffRole.STAFF, JARDIN),
    ("adherent", "Claire", "Dubois", ROLE_MEMBER, None),
]
DEMO_USERNAMES = [username for username, *_ in USERS]
# The demo's customers: their orders go with the demo data on ``--reset``, wherever they were placed.
DEMO_CUSTOMERS = [username for username, _first, _last, role, _organisation in USERS if role == ROLE_MEMBER]

# ---------------------------------------------------------------------------------------------------------
# Orders, placed by the demo member through the order services, so that the orders admin and its dashboard
# panel have something to show. "key" is the order's idempotency key (its natural key); "steps" are the
# statuses it then goes through, each set by the organisation's demo staff user. The offers are chosen
# when loading, among those in stock: a unique item for each ressourcerie order (collected in the shop
# that holds it); for the shoe networks, a pair delivered to the town of the shop that holds it, except
# "routed", delivered to the town of a shop out of that size, which the nearest shop holding it serves.
ORDER_CUSTOMER = "adherent"
ORDERS = [
    {"key": "demo-fabrique-reservee", "organisation": RESSOURCERIE, "fulfilment": Fulfilment.PICKUP, "steps": []},
    {
        "key": "demo-fabrique-acceptee",
        "organisation": RESSOURCERIE,
        "fulfilment": Fulfilment.PICKUP,
        "steps": [ReservationStatus.ACCEPTED],
    },
    {
        "key": "demo-fabrique-prete",
        "organisation": RESSOURCERIE,
        "fulfilment": Fulfilment.PICKUP,
        "steps": [ReservationStatus.ACCEPTED, ReservationStatus.READY],
    },
    {
        "key": "demo-fabrique-retiree",
        "organisation": RESSOURCERIE,
        "fulfilment": Fulfilment.PICKUP,
        "steps": [ReservationStatus.ACCEPTED, ReservationStatus.READY, ReservationStatus.COLLECTED],
        "payment_method": PaymentMethod.CASH,
    },
    {
        "key": "demo-chaussures-routee",
        "organisation": None,  # the first network with two shops where the case occurs
        "fulfilment": Fulfilment.DELIVERY,
        "routed": True,
        "recipient": "Claire Dubois",
        "street": "5 place de la Mairie",
        "steps": [],
    },
    {
        "key": "demo-lefevre-expediee",
        "organisation": SHOE_LEFEVRE,
        "fulfilment": Fulfilment.DELIVERY,
        "recipient": "Claire Dubois",
        "street": "14 rue Saint-Maur",
        "steps": [ReservationStatus.ACCEPTED, ReservationStatus.SHIPPED],
        "carrier": "Colissimo",
        "tracking_number": "6A18472930516",
    },
    {
        # Accepted but not shipped in time: the dashboard's overdue order. An overdue *placed* order would not
        # stay one: the deadline sweep (every minute under ``make run``) reassigns or cancels it.
        "key": "demo-lefevre-en-retard",
        "organisation": SHOE_LEFEVRE,
        "fulfilment": Fulfilment.DELIVERY,
        "recipient": "Lucas Dubois",
        "street": "27 rue Oberkampf",
        "steps": [ReservationStatus.ACCEPTED],
        "overdue_hours": 6,
    },
]

# The home page's featured shops, in this order: one of each kind of organisation, then two shoe shops.
FEATURED_SHOPS = [
    "la-fabrique-montreuil",
    "epi-solidaire-guillotiere",
    "cocagne-deux-rives-ferme",
    "chaussures-lefevre-paris-11",
    "le-pas-lyonnais-presquile",
    "semelles-ouest-nantes",
]

HOME_INTRO = (
    "<p>PIVOT réunit des <b>ressourceries</b>, des <b>épiceries solidaires</b> et groupements d'achat, "
    "des <b>chausseurs indépendants</b> et des <b>jardins de Cocagne</b> : trouvez une boutique près de chez "
    "vous, réservez un objet de seconde main, commandez en commun ou abonnez-vous à un panier de légumes.</p>"
)
