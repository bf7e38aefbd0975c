"""Migration 0006 on a database the previous release made, with rows in it: an organization that
was issued enrollment-level credentials (which opened nothing) and one with a site registered at
the IZ Portal under the old id scheme. After it, every site is a site row with its Site ID, the
old credentials and their unused links are revoked, and the first site waits for its onboarding
(``cair start-onboarding``) to be issued staging credentials."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from alembic import command

from cair.store.migrate import alembic_config

NOW = "2026-11-30 12:00:00.000000"
ADDRESS = json.dumps({"line1": "3300 E Tulare St", "city": "Fresno", "state": "CA", "zip": "93702"})


def _previous_release(path: Path) -> sqlite3.Connection:
    command.upgrade(alembic_config(f"sqlite+aiosqlite:///{path}"), "0005")
    db = sqlite3.connect(path)
    for n, (provider, level) in enumerate(
        (("CA100001", "data_exchange"), ("CA100002", "clinical")), 1
    ):
        db.execute(
            "insert into enrollment_requests (id, stage, org_name, org_type, county, region, "
            "access_level, request, provider_id, submitted_at, updated_at) values "
            "(?, 'completed', ?, 'healthcare_provider', 'Fresno', 'central_valley', ?, '{}', "
            "?, ?, ?)",
            (f"EN{n}", f"Clinic {n}", level, provider, NOW, NOW),
        )
        db.execute(
            "insert into organizations (id, provider_id, enrollment_id, name, org_type, county, "
            "region, access_level, contacts, info, created_at, updated_at) values "
            "(?, ?, ?, ?, 'healthcare_provider', 'Fresno', 'central_valley', ?, '{}', '{}', ?, ?)",
            (n, provider, f"EN{n}", f"Clinic {n}", level, NOW, NOW),
        )
        db.execute(
            "insert into sites (organization_id, facility_id, physical_address) values (?, ?, ?)",
            (n, f"{provider}-01", ADDRESS),
        )
        db.execute(
            "insert into representatives (organization_id, email, name, active, named_by, "
            "created_at, source) values (?, ?, 'Pat Rep', 1, 'enrollment', ?, 'primary_contact')",
            (n, f"rep{n}@clinic.example", NOW),
        )
    # CA100001: enrollment-level credentials, with an unused reveal link.
    db.execute(
        "insert into credentials (id, organization_id, issue_key, username, facility_id, "
        "secret_hash, sealed_secret, active, issued_by, created_at) values "
        "(7, 1, 'EN1/credentials', 'dxca100001', 'CA100001-01', '$argon2id$x', 'sealed', 1, "
        "'enrollment', ?)",
        (NOW,),
    )
    db.execute(
        "insert into link_tokens (token_hash, purpose, subject, issue_key, expires_at, "
        "created_at) values ('h1', 'credential_reveal', 'credential:7', 'k1', ?, ?)",
        (NOW, NOW),
    )
    # CA100002: a site registered at the IZ Portal as S100001, live with its EHR.
    registration = {
        "site_name": "Clinic 2 East",
        "physical_address": {"line1": "1 East St", "city": "Fresno", "state": "CA", "zip": "93701"},
        "site_contact": {"first_name": "Al", "last_name": "Ng", "email": "al@clinic.example"},
    }
    db.execute(
        "insert into dx_sites (organization_id, site_id, registration_key, role, site_name, "
        "county, region, registration, stage, registered_by, representative_id, created_at, "
        "stage_changed_at) values (2, 'S100001', 'DXkey', 1, 'Clinic 2 East', 'Fresno', "
        "'central_valley', ?, 'live', 'rep2@clinic.example', 2, ?, ?)",
        (json.dumps(registration), NOW, NOW),
    )
    db.commit()
    return db


def test_migration_0006_makes_sites_first_class_and_retires_old_credentials(
    tmp_path: Path,
) -> None:
    path = tmp_path / "previous.db"
    _previous_release(path).close()
    command.upgrade(alembic_config(f"sqlite+aiosqlite:///{path}"), "head")
    db = sqlite3.connect(path)
    sites = db.execute(
        "select s.facility_id, s.name, s.county, s.region, o.provider_id from sites s "
        "join organizations o on o.id = s.organization_id order by s.id"
    ).fetchall()
    assert sites == [
        ("CA100001-01", "Clinic 1", "Fresno", "central_valley", "CA100001"),
        ("CA100002-01", "Clinic 2", "Fresno", "central_valley", "CA100002"),
        # The IZ Portal site keeps the id its EHR sends: one scheme, one table.
        ("S100001", "Clinic 2 East", "Fresno", "central_valley", "CA100002"),
    ]
    registered = db.execute(
        "select d.site_id, s.facility_id, d.stage, d.role, d.registered_by from dx_sites d "
        "join sites s on s.id = d.site_row_id order by d.id"
    ).fetchall()
    assert registered == [
        ("S100001", "S100001", "live", 1, "rep2@clinic.example"),
        ("CA100001-01", "CA100001-01", "registered", 1, "rep1@clinic.example"),
    ]
    credential = db.execute(
        "select active, sealed_secret, revoked_at is not null from credentials where id = 7"
    ).fetchone()
    assert credential == (0, None, 1)
    link = db.execute("select revoked_at is not null from link_tokens").fetchone()
    assert link == (1,)
    audit = db.execute("select action, provider_id, old_value, new_value from audit_log").fetchall()
    assert [(a, p) for a, p, _, _ in audit] == [("credentials.migrated", "CA100001")]
    assert json.loads(audit[0][2]) == {"usernames": ["dxca100001"]}
    assert json.loads(audit[0][3]) == {"site_id": "CA100001-01"}
    # Run again (every process migrates on start): nothing changes.
    command.upgrade(alembic_config(f"sqlite+aiosqlite:///{path}"), "head")
    assert db.execute("select count(*) from dx_sites").fetchone() == (2,)
