"""The citizen forms: the report pages (one per kind, one shared form), report tracking, the
surveys and the workshop sign-up. Their fields follow the API's pydantic schemas
(chalicelib/reports/schemas.py, chalicelib/feedback/schemas.py); the pages' words are here, the
vocabularies (report kinds and statuses, survey questions and answers) come from
chalicelib/vocabulary.py through the templates' `vocabulary` global.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

# Field names and values below are the API's: keep them in step with the schemas.
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
TIME_RANGES = 6  # ObservedIn.time_ranges max_length
TIME_RANGES_SHOWN = 2  # without JavaScript; « Ajouter une plage horaire » shows the others
PHOTOS_MAX = 3
PHOTO_MAX_MB = 5

RETENTION_DAYS = 90  # volunteers and report contacts (chalicelib/config.py)


@dataclass(frozen=True)
class ReportKind:
    """One kind of report: its page, its words, the API's ``kind``."""

    slug: str
    kind: str
    title: str
    short: str
    description: str
    intro: str
    helps: tuple[str, ...]
    fiche: str | None
    chat_topic: str
    safety: str = (
        "Ne vous mettez pas en danger : n'approchez pas les personnes et ne prenez des photos "
        "que si personne ne peut vous voir."
    )

    @property
    def url(self) -> str:
        return f"/signaler/{self.slug}/"


REPORT_KINDS: tuple[ReportKind, ...] = (
    ReportKind(
        slug="point-de-deal",
        kind="point_de_deal",
        title="Signaler un point de deal",
        short="Un point de deal",
        description="Signaler un lieu de trafic de drogue, anonymement.",
        intro="Vous avez repéré un lieu où de la drogue est vendue ? Signalez-le à la police. "
        "Vous pouvez le faire sans donner votre nom.",
        helps=(
            "L'adresse ou le lieu le plus précis possible (rue, numéro, hall d'immeuble, "
            "parking…).",
            "Les jours et les heures où vous constatez le trafic.",
            "Ce que vous voyez : nombre de personnes, allées et venues, guetteurs, véhicules "
            "(sans chercher à relever les plaques si c'est risqué).",
        ),
        fiche="point-de-deal",
        chat_topic="stupefiants",
    ),
    ReportKind(
        slug="rodeo-urbain",
        kind="rodeo_urbain",
        title="Signaler un rodéo urbain",
        short="Un rodéo urbain",
        description="Signaler des rodéos motorisés dans votre quartier.",
        intro="Des motos, quads ou voitures font des rodéos dans votre quartier ? Signalez-le à "
        "la police. Si le rodéo a lieu en ce moment et qu'il y a un danger, appelez le 17.",
        helps=(
            "Le lieu précis et, si vous la connaissez, la direction prise.",
            "Les jours et les heures où les rodéos ont lieu.",
            "Le nombre et le type de véhicules, l'endroit où ils sont rangés si vous le savez.",
        ),
        fiche="rodeos-urbains",
        chat_topic="autre",
    ),
    ReportKind(
        slug="maltraitance-animale",
        kind="maltraitance_animale",
        title="Signaler de la maltraitance animale",
        short="De la maltraitance animale",
        description="Signaler un animal maltraité, abandonné ou privé de soins.",
        intro="Un animal est frappé, abandonné, privé de nourriture ou de soins ? Signalez-le. "
        "Si l'animal est en danger en ce moment, appelez le 17.",
        helps=(
            "L'adresse où se trouve l'animal.",
            "Quand vous constatez les faits (jours, heures).",
            "L'espèce et l'état de l'animal : maigre, blessé, sans eau, attaché en plein soleil…",
        ),
        fiche="maltraitance-animale",
        chat_topic="autre",
    ),
    ReportKind(
        slug="autre-nuisance",
        kind="autre_nuisance",
        title="Signaler une autre nuisance",
        short="Une autre nuisance",
        description="Signaler une nuisance répétée dans votre quartier.",
        intro="Une nuisance qui se répète dans votre quartier (regroupements, dégradations, "
        "bruit…) ? Signalez-la à la police. Pour un vol ou une agression, portez plainte.",
        helps=(
            "Le lieu précis.",
            "Les jours et les heures où la nuisance se produit.",
            "Ce qui se passe, en quelques phrases : des faits, pas des suppositions.",
        ),
        fiche=None,
        chat_topic="autre",
    ),
)


class PageWriter(Protocol):
    def page(self, url: str, template: str, **context: Any) -> None: ...


def write_form_pages(writer: PageWriter, fiches_by_slug: dict[str, Any]) -> None:
    """Every form page: the report kinds, report tracking, the surveys, the workshops."""
    common = {
        "days": DAYS,
        "time_ranges": TIME_RANGES,
        "time_ranges_shown": TIME_RANGES_SHOWN,
        "photos_max": PHOTOS_MAX,
        "photo_max_mb": PHOTO_MAX_MB,
        "retention_days": RETENTION_DAYS,
    }
    for report in REPORT_KINDS:
        writer.page(
            report.url,
            "report.html",
            title=report.title,
            description=report.description,
            report=report,
            report_kinds=REPORT_KINDS,
            fiche=fiches_by_slug.get(report.fiche or ""),
            scripts=["js/forms/report.js"],
            **common,
        )
    writer.page(
        "/signaler/suivi/",
        "report_tracking.html",
        title="Suivre un signalement",
        description="Voir où en est votre signalement avec son code de suivi.",
        scripts=["js/forms/tracking.js"],
    )
    writer.page(
        "/avis/",
        "survey.html",
        title="Donnez votre avis",
        description="Aidez-nous à améliorer le commissariat en ligne.",
        scripts=["js/forms/survey.js"],
    )
    writer.page(
        "/ateliers/",
        "workshops.html",
        title="Participer à un atelier",
        description="Inscrivez-vous pour tester le commissariat en ligne avec nous.",
        scripts=["js/forms/volunteer.js"],
        **common,
    )
