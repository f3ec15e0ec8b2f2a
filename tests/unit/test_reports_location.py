"""Where a report is: départements, geohash cells, and which reports share a spot."""

from __future__ import annotations

import pytest

from chalicelib.reports.location import (
    departement,
    geohash,
    geohash_centre,
    normalise_address,
    spot_for,
)


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("75011", "75"),
        ("01000", "01"),
        ("13001", "13"),
        ("20000", "2A"),  # Ajaccio
        ("20137", "2A"),  # Porto-Vecchio
        ("20200", "2B"),  # Bastia
        ("20600", "2B"),
        ("97400", "974"),  # La Réunion
        ("97600", "976"),
        ("98000", "980"),
    ],
)
def test_the_departement_of_a_postcode(postcode: str, expected: str) -> None:
    assert departement(postcode) == expected


def test_geohash_matches_the_reference_implementation() -> None:
    # Reference values of the public geohash algorithm.
    assert geohash(57.64911, 10.40744, 11) == "u4pruydqqvj"
    assert geohash(48.858370, 2.294481, 7) == "u09tunq"  # Eiffel Tower
    assert geohash(-33.8688, 151.2093, 5) == "r3gx2"


def test_the_centre_of_a_cell_is_inside_the_cell() -> None:
    cell = geohash(48.8635, 2.3707)
    lat, lon = geohash_centre(cell)
    assert geohash(lat, lon) == cell
    assert abs(lat - 48.8635) < 0.002 and abs(lon - 2.3707) < 0.002


def test_geohash_handles_the_edges_of_the_world() -> None:
    for lat, lon in [(90, 180), (-90, -180), (0, 0), (89.999999, -179.999999)]:
        assert len(geohash(lat, lon)) == 7


def test_addresses_written_differently_normalise_to_the_same_words() -> None:
    variants = [
        "12, Bd. de l'Hôpital",
        "12 boulevard de l hopital",
        "12  BD DE L'HÔPITAL ",
        "12 Boulevard de l’Hôpital",
    ]
    assert {normalise_address(text) for text in variants} == {"12 boulevard de l hopital"}


def test_reports_in_the_same_cell_share_a_spot_and_a_neighbour_street_does_not() -> None:
    here = spot_for("point_de_deal", "75011", "12 bd Voltaire", 48.86350, 2.37070)
    next_door = spot_for("point_de_deal", "75011", "14 bd Voltaire", 48.86352, 2.37072)
    far = spot_for("point_de_deal", "75011", "1 rue Oberkampf", 48.8650, 2.3790)
    assert here.spot_id == next_door.spot_id
    assert here.method == "geohash" and here.geohash
    assert far.spot_id != here.spot_id


def test_without_coordinates_the_spot_is_the_postcode_and_normalised_address() -> None:
    one = spot_for("rodeo_urbain", "69003", "3, Av. Lacassagne", None, None)
    same = spot_for("rodeo_urbain", "69003", "3 avenue lacassagne", None, None)
    other_town = spot_for("rodeo_urbain", "69008", "3 avenue lacassagne", None, None)
    assert one.spot_id == same.spot_id
    assert one.method == "address" and one.geohash is None
    assert other_town.spot_id != one.spot_id


def test_a_spot_is_per_kind_of_report() -> None:
    deal = spot_for("point_de_deal", "75011", "12 bd Voltaire", 48.8635, 2.3707)
    rodeo = spot_for("rodeo_urbain", "75011", "12 bd Voltaire", 48.8635, 2.3707)
    assert deal.spot_id != rodeo.spot_id


def test_spot_ids_are_url_safe() -> None:
    spot = spot_for("autre_nuisance", "75011", "Place de la République / angle ?#&", None, None)
    assert all(char.isalnum() or char in "._-" for char in spot.spot_id)
