"""Dumps the parts of libphonenumber's metadata that callme's number checks
use, as JSON on standard output.

The source is the pinned Python port of Google's libphonenumber
(`phonenumbers`, see `cargo xtask numbers`), whose data files are generated
from Google's PhoneNumberMetadata.xml. `cargo xtask numbers` turns this JSON
into `numbers/src/data.rs`; the differential test checks the Rust code against
the same package, so both sides read the same metadata.
"""

import json
import sys

import phonenumbers
from phonenumbers import PhoneMetadata

# The order of `numbers::Kind`'s table: libphonenumber's own order of checks.
TYPES = [
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
]


def desc(d):
    if d is None:
        return None
    return {
        "pattern": d.national_number_pattern,
        "lengths": list(d.possible_length or ()),
        "local_lengths": list(d.possible_length_local_only or ()),
        "example": d.example_number,
    }


def region(region_id, metadata):
    return {
        "id": region_id,
        "country_code": metadata.country_code,
        "leading_digits": metadata.leading_digits,
        "national_prefix_for_parsing": metadata.national_prefix_for_parsing,
        "national_prefix_transform_rule": metadata.national_prefix_transform_rule,
        "same_mobile_and_fixed_line_pattern": bool(
            metadata.same_mobile_and_fixed_line_pattern
        ),
        "general": desc(metadata.general_desc),
        "types": {name: desc(getattr(metadata, name)) for name in TYPES},
    }


def main():
    regions = []
    for region_id in sorted(phonenumbers.SUPPORTED_REGIONS):
        regions.append(region(region_id, PhoneMetadata.metadata_for_region(region_id)))
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        regions.append(region("001", PhoneMetadata.metadata_for_nongeo_region(code)))
    codes = [
        {"country_code": code, "regions": list(ids)}
        for code, ids in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items())
    ]
    json.dump(
        {
            "version": phonenumbers.__version__,
            "types": TYPES,
            "regions": regions,
            "country_codes": codes,
        },
        sys.stdout,
        indent=1,
        sort_keys=True,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
