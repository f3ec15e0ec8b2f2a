"""Demo data for the local platform (accounts are created in local.aws)."""

from __future__ import annotations

from collections.abc import Callable

from local.aws import LocalAws

Seeder = Callable[[LocalAws], None]
_seeders: list[Seeder] = []


def seeder(function: Seeder) -> Seeder:
    """Register a function that fills some tables with demo data."""
    _seeders.append(function)
    return function


@seeder
def canned_responses(aws: LocalAws) -> None:
    """A few réponses types, as a supervisor would have written them."""
    from chalicelib.chat import canned

    examples = [
        (
            "Accueil",
            "Bonjour, je suis policier. Je lis votre message et je vous réponds.",
            None,
            None,
        ),
        (
            "Plainte en ligne",
            "Pour un vol, un cambriolage, une dégradation ou une escroquerie hors Internet dont "
            "vous ne connaissez pas l'auteur, vous pouvez porter plainte entièrement en ligne, "
            "sans vous déplacer, sur plainte-en-ligne.masecurite.interieur.gouv.fr (avec "
            "FranceConnect).",
            "Porter plainte en ligne",
            "/fiches/plainte-en-ligne/",
        ),
        (
            "Visioplainte",
            "Vous pouvez aussi porter plainte en vidéo avec un policier ou un gendarme, sur "
            "rendez-vous, avec Visioplainte (pour les autres infractions, violences comprises).",
            "Porter plainte en vidéo (Visioplainte)",
            "/fiches/visioplainte/",
        ),
        (
            "Fraude à la carte bancaire",
            "Faites d'abord opposition auprès de votre banque, puis signalez la fraude sur "
            "Perceval.",
            "Fraude à la carte bancaire",
            "/fiches/fraude-carte-bancaire/",
        ),
        (
            "Danger immédiat",
            "Si vous êtes en danger maintenant, appelez le 17 ou le 112, ou envoyez un SMS au 114.",
            "Numéros d'urgence",
            "/fiches/numeros-urgence/",
        ),
        (
            "Violences conjugales",
            "Vous pouvez appeler le 3919 (gratuit, anonyme, 24 h/24) et signaler les violences "
            "sur arretonslesviolences.gouv.fr.",
            "Violences conjugales",
            "/fiches/violences-conjugales/",
        ),
    ]
    for title, text, label, url in examples:
        canned.save(None, title, text, label, url, "superviseur")


@seeder
def reports(aws: LocalAws) -> None:
    """A few signalements, two of them about the same spot, for the triage view."""
    import uuid

    from chalicelib.fields import validate
    from chalicelib.reports.intake import submit
    from chalicelib.reports.schemas import ReportIn

    examples = [
        (
            "point_de_deal",
            "12 rue des Lilas",
            "75020",
            "Paris",
            (48.8721, 2.3987),
            "Vente de drogue tous les soirs devant le hall, plusieurs personnes font le guet.",
            {"people_count": 4, "lookouts": True, "place_type": "hall_immeuble"},
        ),
        (
            "point_de_deal",
            "12 rue des Lilas",
            "75020",
            "Paris",
            (48.87211, 2.39871),
            "Toujours les mêmes jeunes devant l'immeuble, des voitures s'arrêtent quelques "
            "minutes.",
            {"people_count": 3, "vehicles": "Scooter noir"},
        ),
        (
            "rodeo_urbain",
            "Avenue Jean Jaurès",
            "69007",
            "Lyon",
            None,
            "Des motos roulent sur une roue et à grande vitesse le dimanche après-midi.",
            {"vehicle_count": 5, "vehicle_types": ["moto", "quad"]},
        ),
        (
            "maltraitance_animale",
            "3 chemin du Moulin",
            "13090",
            "Aix-en-Provence",
            None,
            "Un chien attaché au soleil sans eau depuis plusieurs jours.",
            {"animal_type": "chien", "animal_count": 1, "immediate_danger": True},
        ),
    ]
    for kind, address, postcode, commune, coordinates, description, details in examples:
        location: dict[str, object] = {"address": address, "postcode": postcode, "commune": commune}
        if coordinates:
            location["coordinates"] = {"lat": coordinates[0], "lon": coordinates[1]}
        report = validate(
            ReportIn,
            {
                "kind": kind,
                "location": location,
                "description": description,
                "observed": {
                    "days": ["vendredi", "samedi"],
                    "time_ranges": [{"start": "18:00", "end": "23:00"}],
                },
                "details": details,
            },
        )
        submit(report.root, "demo-seed", uuid.uuid4().hex)


def seed_demo_data(aws: LocalAws) -> None:
    """Fill the tables with a little demo data, so the console is not empty."""
    for function in _seeders:
        function(aws)
