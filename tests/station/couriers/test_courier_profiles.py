"""Courier profiles load from data files; a bad one is a message naming file and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from station.couriers.profiles import (
    SHIPPED_PROFILES,
    LabelSize,
    ProfileError,
    Symbology,
    load_profiles,
)
from station.couriers.tracking import Scheme

GOOD = """\
id = "testpost"
name = "Test Post"
label_size = "100x150"
symbology = "code128"
required_fields = ["weight_g"]

[tracking]
scheme = "s10"
prefix = "CP"
country = "GB"

[[services]]
id = "tracked"
name = "Tracked 48"

[[services]]
id = "signed"
name = "Signed For"

[routing]
countries = ["GB"]
default = "INT"

[routing.prefixes]
"SW1A" = "WESTMINSTER"
"SW" = "LONDON-SW"
"EH" = "EDINBURGH"
"""


def write(folder: Path, text: str, name: str = "testpost.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_profiles_load_and_make_valid_numbers() -> None:
    profiles = load_profiles([SHIPPED_PROFILES])
    assert {"hansepost", "swiftparcel", "aeroexpress", "generic"} <= set(profiles)
    for profile in profiles.values():
        assert profile.services, profile.id
        for serial in (0, 1, 4711, profile.tracking.max_serial):
            tracking = profile.format_tracking(serial)
            assert profile.tracking.is_valid(tracking), (profile.id, tracking)


def test_the_shipped_profiles_cover_post_parcel_and_express_carriers() -> None:
    profiles = load_profiles([SHIPPED_PROFILES])
    post, parcel, express = profiles["hansepost"], profiles["swiftparcel"], profiles["aeroexpress"]
    assert post.tracking.scheme is Scheme.S10
    assert post.format_tracking(10000) == "CP000100009DE"
    assert parcel.tracking.scheme is Scheme.MOD10
    assert parcel.format_tracking(1) == "04570000000011"
    assert express.symbology is Symbology.GS1_128
    assert "ship_to.phone" in express.required_fields
    assert express.barcode_text(express.format_tracking(1)) == "(00)340123450000000017"


def test_a_user_profile_replaces_a_shipped_one_with_the_same_id(tmp_path: Path) -> None:
    generic = (SHIPPED_PROFILES / "generic.toml").read_text(encoding="utf-8")
    write(tmp_path / "mine", generic.replace('"Generic courier"', '"Our van"'), "van.toml")
    write(tmp_path / "mine", GOOD)
    profiles = load_profiles([SHIPPED_PROFILES, tmp_path / "mine"])
    assert profiles["generic"].name == "Our van"
    assert profiles["testpost"].name == "Test Post"
    assert profiles["hansepost"].name == "HansePost"


def test_a_missing_user_folder_is_no_error(tmp_path: Path) -> None:
    assert (
        load_profiles([SHIPPED_PROFILES, tmp_path / "absent"]).keys()
        == load_profiles([SHIPPED_PROFILES]).keys()
    )


def test_a_profile_reads_as_written(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    profile = load_profiles([tmp_path])["testpost"]
    assert profile.label_size is LabelSize.MM_100X150
    assert profile.service("SIGNED FOR") == profile.service("signed")
    assert profile.service(" tracked ") is not None
    assert profile.service("Express") is None
    assert profile.format_tracking(47312482) == "CP473124829GB"
    assert profile.logo is None


@pytest.mark.parametrize(
    ("country", "postcode", "sort_code"),
    [
        ("GB", "SW1A 2AA", "WESTMINSTER"),  # the longer prefix wins
        ("gb", "sw19 5ae", "LONDON-SW"),
        ("GB", "EH1 1YZ", "EDINBURGH"),
        ("GB", "M1 1AE", "INT"),  # no prefix matches: the default
        ("FR", "SW1A 2AA", "INT"),  # outside the courier's own network
    ],
)
def test_the_sort_code_comes_from_the_postcode(
    tmp_path: Path, country: str, postcode: str, sort_code: str
) -> None:
    write(tmp_path, GOOD)
    assert load_profiles([tmp_path])["testpost"].sort_code(country, postcode) == sort_code


def test_label_sizes_know_their_paper() -> None:
    assert (LabelSize.IN_4X6.width_mm, LabelSize.IN_4X6.height_mm) == (101.6, 152.4)
    assert LabelSize.ROLL_80MM.width_mm == 80 and LabelSize.ROLL_80MM.height_mm is None


def test_a_logo_is_found_next_to_its_profile(tmp_path: Path) -> None:
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "tp.png").write_bytes(b"\x89PNG")
    write(tmp_path, 'logo = "logos/tp.png"\n' + GOOD)
    assert load_profiles([tmp_path])["testpost"].logo == tmp_path / "logos" / "tp.png"


# (what to change in GOOD, the key the message must name)
BROKEN = [
    (('name = "Test Post"\n', ""), "name is missing"),
    (('"code128"', '"ean13"'), "symbology must be one of code128, gs1-128, qr, datamatrix"),
    (('"100x150"', '"A6"'), "label_size"),
    (('scheme = "s10"', 'scheme = "mod97"'), "tracking.scheme"),
    (('prefix = "CP"', 'prefix = "C1"'), "tracking.prefix"),
    (('country = "GB"', 'country = "Britain"'), "tracking.country"),
    (('country = "GB"\n', 'country = "GB"\nserial_digits = 9\n'), "tracking.serial_digits"),
    (('["weight_g"]', '["ship_to.fone"]'), "required_fields names 'ship_to.fone'"),
    (('["weight_g"]', '"weight_g"'), "required_fields must be a list"),
    (('id = "signed"', 'id = "tracked"'), "services[2].id"),
    (('name = "Signed For"', 'name = "TRACKED 48"'), "services[2].id"),
    (('id = "testpost"', 'id = "Test Post"'), "key id must be lower-case"),
    (('"SW" = "LONDON-SW"', '"SW" = ""'), "routing.prefixes.SW"),
    (('countries = ["GB"]', 'countries = ["UK1"]'), "routing.countries"),
    (('label_size = "100x150"', 'label_size = "100x150"\ncolour = "red"'), "key colour"),
    (('symbology = "code128"', 'symbology = "gs1-128"'), "symbology"),
    (('required_fields = ["weight_g"]', 'logo = "nowhere.png"'), "logo"),
]


@pytest.mark.parametrize(("change", "named"), BROKEN)
def test_a_bad_profile_names_its_file_and_key(
    tmp_path: Path, change: tuple[str, str], named: str
) -> None:
    assert change[0] in GOOD, "the test changes text that is there"
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ProfileError, match=re.escape(named)) as caught:
        load_profiles([tmp_path])
    assert str(path) in str(caught.value)


def test_services_are_required(tmp_path: Path) -> None:
    write(tmp_path, GOOD.split("[[services]]")[0])
    with pytest.raises(ProfileError, match=re.escape("key services must be one or more")):
        load_profiles([tmp_path])


def test_a_gs1_128_profile_needs_an_sscc_number(tmp_path: Path) -> None:
    sscc = GOOD.replace('symbology = "code128"', 'symbology = "gs1-128"').replace(
        'scheme = "s10"\nprefix = "CP"\ncountry = "GB"',
        'scheme = "mod10"\nprefix = "31234567"\nserial_digits = 9',
    )
    write(tmp_path, sscc)
    profile = load_profiles([tmp_path])["testpost"]
    assert len(profile.format_tracking(5)) == 18
    write(tmp_path, sscc.replace("serial_digits = 9", "serial_digits = 8"))
    with pytest.raises(ProfileError, match="17 digits"):
        load_profiles([tmp_path])


def test_a_file_that_is_not_toml_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, 'id = "testpost\n')
    with pytest.raises(ProfileError, match="cannot be read") as caught:
        load_profiles([tmp_path])
    assert str(path) in str(caught.value)


def test_two_files_with_one_id_in_a_folder_are_refused(tmp_path: Path) -> None:
    first = write(tmp_path, GOOD, "a.toml")
    second = write(tmp_path, GOOD, "b.toml")
    with pytest.raises(ProfileError, match="both have id 'testpost'") as caught:
        load_profiles([tmp_path])
    assert str(first) in str(caught.value) and str(second) in str(caught.value)
