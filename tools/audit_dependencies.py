"""Audit the locked dependencies (requirements.lock) for known vulnerabilities: the equivalent of
`pip-audit -s pypi` for registries that answer only PyPI's project JSON (as these machines'
does: the per-version endpoint pip-audit asks is not served).

For each locked `name==version` it reads https://pypi.org/pypi/<name>/json. Where the locked
version is the latest, that answer's `vulnerabilities` are the locked version's: any one fails the
audit. Where it is not the latest, the registry cannot say, and the package is listed as not
audited (re-lock with `make lock` to audit it). Exit 1 on a vulnerability, 2 when the registry
does not answer."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

REGISTRY = "https://pypi.org/pypi/{name}/json"


def locked(path: Path) -> list[tuple[str, str]]:
    pins = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins.append((name.strip(), version.strip()))
    return pins


def main() -> int:
    lock = Path(sys.argv[1] if len(sys.argv) > 1 else "requirements.lock")
    found, unaudited = [], []
    for name, version in locked(lock):
        try:
            with urllib.request.urlopen(REGISTRY.format(name=name), timeout=30) as answer:
                project = json.load(answer)
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            print(f"audit: the registry did not answer for {name}: {error}", file=sys.stderr)
            return 2
        latest = project["info"]["version"]
        if latest != version:
            unaudited.append(f"{name}=={version} (latest {latest})")
            continue
        for vulnerability in project.get("vulnerabilities") or []:
            fixed = ", ".join(vulnerability.get("fixed_in") or []) or "no fixed release"
            found.append(f"{name}=={version}: {vulnerability.get('id')} (fixed in {fixed})")
    for line in found:
        print(f"VULNERABLE {line}")
    for line in unaudited:
        print(f"not audited {line}")
    print(
        f"audit: {len(locked(lock))} locked, {len(found)} vulnerable, {len(unaudited)} not audited"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
