"""The name of every activity: the one place both ``@activity.defn`` and the workflows' typed
calls take it from, so a misspelt name cannot leave an activity unregistered."""

from __future__ import annotations

from enum import StrEnum


class Activity(StrEnum):
    # enrollment records
    VALIDATE_REQUEST = "validate_request"
    RECORD_STAGE = "record_stage"
    RECORD_AMENDMENT = "record_amendment"
    REGISTER_REQUEST = "register_request"  # validate + register + stage, in one step
    # provisioning
    ISSUE_CREDENTIALS = "issue_credentials"
    PROVISION_ACCOUNT = "provision_account"  # stage + Provider ID + users + credentials
    # users and accounts
    SET_USER_STATE = "set_user_state"
    APPLY_ACCOUNT_CHANGE = "apply_account_change"
    DECIDE_ACCOUNT_CHANGE = "decide_account_change"
    EXPIRE_SIGN_IN_LINK = "expire_sign_in_link"
    # data-exchange sites
    RECORD_DX_STAGE = "record_dx_stage"
    ISSUE_DX_CREDENTIALS = "issue_dx_credentials"
    DX_PROGRESS = "dx_progress"
    # mail and incidents
    SEND_MAIL = "send_mail"
    RECORD_INCIDENT = "record_incident"
    # retention
    PURGE_EXPIRED = "purge_expired"
