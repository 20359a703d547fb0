"""Writes the reference side of callme's differential number test: a set of
E.164-style inputs and, for each, what Google's libphonenumber (the pinned
Python port `phonenumbers`) says of it, one JSON object per line.

Inputs (deterministic, seeded): every example number of every region and
number type; each with its last digit replaced by every other digit, its last
two digits replaced at random, one digit dropped and one added; the same
numbers written with the region's national prefix after the calling code;
and random digit strings of every length from 2 to 17 after every calling
code. `cargo xtask test` feeds the file to `numbers/examples/differential.rs`,
which must agree on every line.

Usage: verdicts.py OUT.jsonl
"""

import json
import random
import sys

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberType

TYPE_NAMES = {
    value: name
    for name, value in vars(PhoneNumberType).items()
    if name.isupper() and isinstance(value, int)
}
DESCS = [
    "general_desc",
    "fixed_line",
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "personal_number",
    "voip",
    "pager",
    "uan",
    "voicemail",
]


def all_metadata():
    for region_id in sorted(phonenumbers.SUPPORTED_REGIONS):
        yield PhoneMetadata.metadata_for_region(region_id)
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        yield PhoneMetadata.metadata_for_nongeo_region(code)


def inputs(rng):
    seen = set()

    def add(text):
        if text not in seen:
            seen.add(text)
            return [text]
        return []

    out = []
    for metadata in all_metadata():
        code = str(metadata.country_code)
        prefix = metadata.national_prefix or ""
        for name in DESCS:
            desc = getattr(metadata, name)
            example = desc.example_number if desc is not None else None
            if not example:
                continue
            variants = [example]
            variants += [example[:-1] + d for d in "0123456789"]
            for _ in range(3):
                variants.append(example[:-2] + "%02d" % rng.randrange(100))
            variants.append(example[:-1])
            variants.append(example + str(rng.randrange(10)))
            for variant in variants:
                out += add("+" + code + variant)
                if prefix:
                    out += add("+" + code + prefix + variant)
    for code in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        for length in range(2, 18):
            for _ in range(5):
                digits = "".join(rng.choice("0123456789") for _ in range(length))
                out += add("+" + str(code) + digits)
    return out


def verdict(text):
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as error:
        return {"input": text, "error": int(error.error_type)}
    region = phonenumbers.region_code_for_number(number)
    return {
        "input": text,
        "e164": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        "valid": phonenumbers.is_valid_number(number),
        "region": region,
        "type": TYPE_NAMES[phonenumbers.number_type(number)],
    }


def main():
    rng = random.Random(20261124)
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        out.write(json.dumps({"libphonenumber": phonenumbers.__version__}) + "\n")
        for text in inputs(rng):
            out.write(json.dumps(verdict(text), sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
