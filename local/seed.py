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
            "Pré-plainte en ligne",
            "Pour un vol ou une dégradation sans auteur connu, vous pouvez faire une pré-plainte "
            "en ligne, puis signer votre plainte au commissariat.",
            "Pré-plainte en ligne",
            "/fiches/pre-plainte-en-ligne/",
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


def seed_demo_data(aws: LocalAws) -> None:
    """Fill the tables with a little demo data, so the console is not empty."""
    for function in _seeders:
        function(aws)
