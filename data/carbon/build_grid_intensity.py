"""Rebuild ``ecoai_chain/carbon/data/grid_intensity.csv`` from CodeCarbon's published data.

Usage (offline once the wheel is downloaded through pip, PyPI's ordinary client)::

    pip download codecarbon==3.3.2 --no-deps -d /tmp/cc
    unzip -o /tmp/cc/codecarbon-3.3.2-py3-none-any.whl 'codecarbon/data/*' -d /tmp/cc
    python data/carbon/build_grid_intensity.py /tmp/cc/codecarbon/data

Inputs (all inside the codecarbon 3.3.2 wheel, MIT licence,
sha256 05b31dea9dd26ed1e90947973c9ef20c87d127ea71fc32b4cb55a3ec512b8897):

* ``private_infra/global_energy_mix.json``: per-country ``carbon_intensity`` (gCO2e/kWh) and
  ``year``. CodeCarbon builds it from Our World in Data's energy dataset (which carries Ember's
  yearly electricity review); see its notebooks ``our_world_in_data-2022_data.ipynb``.
* ``cloud/impact.csv``: Google Cloud per-region grid intensity (gCO2e/kWh, location-based) as
  published by Google at https://cloud.google.com/sustainability/region-carbon; no year is given.

AWS and Azure publish no per-region intensity. Their regions are mapped to the country that hosts
them (region locations from the providers' region lists, cited per row) and take that country's
annual value: a coarse national average, which the DAO table or a live provider should override.
Country codes are ISO 3166-1 alpha-2 (Debian iso-codes), matching on-chain region codes like "KR".
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

CC = "CodeCarbon 3.3.2 global_energy_mix.json (from Our World in Data / Ember)"
CC_URL = ("https://github.com/mlco2/codecarbon/blob/v3.3.2/codecarbon/data/private_infra/"
          "global_energy_mix.json")
GCP = "Google Cloud region-carbon data as carried in CodeCarbon 3.3.2 cloud/impact.csv"
AWS_URL = "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html"
AZURE_URL = "https://learn.microsoft.com/azure/reliability/regions-list"

# region -> (hosting country alpha-2, location as the provider names it)
AWS = {
    "us-east-1": ("US", "N. Virginia"), "us-east-2": ("US", "Ohio"),
    "us-west-1": ("US", "N. California"), "us-west-2": ("US", "Oregon"),
    "ca-central-1": ("CA", "Canada Central"), "sa-east-1": ("BR", "Sao Paulo"),
    "eu-west-1": ("IE", "Ireland"), "eu-west-2": ("GB", "London"), "eu-west-3": ("FR", "Paris"),
    "eu-central-1": ("DE", "Frankfurt"), "eu-central-2": ("CH", "Zurich"),
    "eu-north-1": ("SE", "Stockholm"), "eu-south-1": ("IT", "Milan"),
    "eu-south-2": ("ES", "Spain"), "ap-northeast-1": ("JP", "Tokyo"),
    "ap-northeast-2": ("KR", "Seoul"), "ap-northeast-3": ("JP", "Osaka"),
    "ap-southeast-1": ("SG", "Singapore"), "ap-southeast-2": ("AU", "Sydney"),
    "ap-southeast-3": ("ID", "Jakarta"), "ap-south-1": ("IN", "Mumbai"),
    "ap-south-2": ("IN", "Hyderabad"), "ap-east-1": ("HK", "Hong Kong"),
    "me-south-1": ("BH", "Bahrain"), "me-central-1": ("AE", "UAE"),
    "il-central-1": ("IL", "Tel Aviv"), "af-south-1": ("ZA", "Cape Town"),
}
AZURE = {
    "eastus": ("US", "Virginia"), "eastus2": ("US", "Virginia"), "centralus": ("US", "Iowa"),
    "northcentralus": ("US", "Illinois"), "southcentralus": ("US", "Texas"),
    "westus": ("US", "California"), "westus2": ("US", "Washington"),
    "westus3": ("US", "Arizona"), "canadacentral": ("CA", "Toronto"),
    "canadaeast": ("CA", "Quebec City"), "brazilsouth": ("BR", "Sao Paulo State"),
    "northeurope": ("IE", "Ireland"), "westeurope": ("NL", "Netherlands"),
    "uksouth": ("GB", "London"), "ukwest": ("GB", "Cardiff"),
    "francecentral": ("FR", "Paris"), "germanywestcentral": ("DE", "Frankfurt"),
    "swedencentral": ("SE", "Gavle"), "switzerlandnorth": ("CH", "Zurich"),
    "norwayeast": ("NO", "Oslo"), "polandcentral": ("PL", "Warsaw"),
    "italynorth": ("IT", "Milan"), "japaneast": ("JP", "Tokyo, Saitama"),
    "japanwest": ("JP", "Osaka"), "koreacentral": ("KR", "Seoul"),
    "koreasouth": ("KR", "Busan"), "southeastasia": ("SG", "Singapore"),
    "eastasia": ("HK", "Hong Kong"), "australiaeast": ("AU", "New South Wales"),
    "australiasoutheast": ("AU", "Victoria"), "centralindia": ("IN", "Pune"),
    "southindia": ("IN", "Chennai"), "southafricanorth": ("ZA", "Johannesburg"),
    "uaenorth": ("AE", "Dubai"), "qatarcentral": ("QA", "Doha"),
}

COLUMNS = ["code", "name", "kind", "country", "year", "intensity_g_per_kwh", "source", "source_url"]


def _iso3_to_iso2() -> dict[str, tuple[str, str]]:
    data = json.loads(Path("/usr/share/iso-codes/json/iso_3166-1.json").read_text())
    return {c["alpha_3"]: (c["alpha_2"], c["name"]) for c in data["3166-1"]}


def _fmt(value: float | str) -> str:
    """The decimal string as published (CodeCarbon stores at most 3 decimals)."""
    text = repr(float(value)) if not isinstance(value, str) else value
    return text[:-2] if text.endswith(".0") else text


def build(cc_data: Path) -> list[dict[str, str]]:
    iso = _iso3_to_iso2()
    mix = json.loads((cc_data / "private_infra" / "global_energy_mix.json").read_text())
    rows: list[dict[str, str]] = []
    by_iso2: dict[str, dict[str, str]] = {}
    for iso3, rec in sorted(mix.items()):
        iso2, _ = iso[iso3]
        row = {"code": iso2, "name": rec["country_name"], "kind": "country", "country": iso2,
               "year": str(rec["year"]), "intensity_g_per_kwh": _fmt(rec["carbon_intensity"]),
               "source": CC, "source_url": CC_URL}
        rows.append(row)
        by_iso2[iso2] = row
    with (cc_data / "cloud" / "impact.csv").open(encoding="utf-8-sig") as f:
        for rec in csv.DictReader(f):
            if rec["provider"] != "gcp":
                continue
            iso2 = iso[rec["countryIsoCode"]][0]
            # CodeCarbon 3.3.2 misspells Google's Doha region as "me-cenrtal1".
            rec["region"] = rec["region"].replace("me-cenrtal1", "me-central1")
            rows.append({"code": f"gcp:{rec['region']}", "name": f"Google Cloud {rec['region']} "
                         f"({rec['city']})", "kind": "cloud_region", "country": iso2, "year": "",
                         "intensity_g_per_kwh": _fmt(rec["impact"]), "source": GCP,
                         "source_url": rec["source"]})
    for provider, table, url in (("aws", AWS, AWS_URL), ("azure", AZURE, AZURE_URL)):
        for region, (iso2, place) in table.items():
            base = by_iso2[iso2]
            rows.append({"code": f"{provider}:{region}", "name": f"{provider.upper()} {region} "
                         f"({place})", "kind": "cloud_region", "country": iso2,
                         "year": base["year"], "intensity_g_per_kwh": base["intensity_g_per_kwh"],
                         "source": f"national average of {iso2} ({CC}); region location per "
                         f"{provider.upper()} region list", "source_url": f"{CC_URL} ; {url}"})
    return rows


def main(argv: list[str]) -> int:
    cc_data = Path(argv[1])
    out = Path(__file__).resolve().parents[2] / "ecoai_chain" / "carbon" / "data"
    rows = build(cc_data)
    with (out / "grid_intensity.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {out / 'grid_intensity.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
