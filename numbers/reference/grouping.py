"""Writes shared/tests/data/grouping.jsonl: numbers of every dialing plan
callme knows, each with how Google's libphonenumber (the pinned Python port
`phonenumbers`) writes it internationally, the reference the widget's
digit grouping (`callme_shared::grouped`) is tested against.

Numbers: each country's example numbers of every type, and variations of
them (last digits replaced, seeded) that libphonenumber calls valid.

Usage: grouping.py OUT.jsonl
"""

import json
import random
import sys

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

COUNTRIES = ["NL", "BE", "DE", "FR", "GB", "IE", "AT", "CH", "ES", "US", "CA"]
TYPES = [value for name, value in vars(PhoneNumberType).items() if name.isupper() and isinstance(value, int)]


def main(out):
    rng = random.Random(20261202)
    seen = set()
    lines = []
    for region in COUNTRIES:
        for kind in TYPES:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            e164 = phonenumbers.format_number(example, PhoneNumberFormat.E164)
            candidates = [e164]
            for _ in range(20):
                keep = len(e164) - rng.randint(1, 4)
                candidates.append(e164[:keep] + "".join(rng.choice("0123456789") for _ in range(len(e164) - keep)))
            for text in candidates:
                number = phonenumbers.parse(text)
                if text in seen or not phonenumbers.is_valid_number(number):
                    continue
                seen.add(text)
                lines.append({
                    "e164": text,
                    "region": region,
                    "international": phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
                })
    with open(out, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
    print(f"{len(lines)} numbers, phonenumbers {phonenumbers.__version__}")


if __name__ == "__main__":
    main(sys.argv[1])
