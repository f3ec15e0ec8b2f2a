"""moto standing in for AWS: its server (in its own process) and every resource the app needs."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from typing import Any

import boto3

from local.moto_server import MotoProcess, start_moto
from local.template import (
    bucket_names,
    queue_definitions,
    resources_of_type,
    secret_definitions,
    table_definitions,
    user_pool_groups,
)

REGION = "eu-west-3"
PREFIX = "moncommissariat-local"
DEMO_PASSWORD = "Commissariat-2026!"  # noqa: S105 - demo accounts of the local platform only
# moto's one TOTP secret for every user (moto.cognitoidp.models.COGNITO_TOTP_MFA_SECRET): the
# key an authenticator app needs for the MFA demo account (base32 of "asdfasdfasdf").
DEMO_TOTP_SECRET = "ASDFASDFASDF"  # noqa: S105 - moto's constant, local platform only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    groups: tuple[str, ...]
    name: str
    mfa: bool = False  # enrolled with an authenticator app: sign-in asks for a code


DEMO_ACCOUNTS = (
    DemoAccount("officier1", DEMO_PASSWORD, ("officers",), "Agent Camille Martin"),
    DemoAccount("officier2", DEMO_PASSWORD, ("officers",), "Agent Karim Benali"),
    DemoAccount("officier3", DEMO_PASSWORD, ("officers",), "Agent Julie Petit"),
    DemoAccount(
        "superviseur", DEMO_PASSWORD, ("officers", "supervisors"), "Brigadier-chef Marc Leroy"
    ),
    DemoAccount("officier4", DEMO_PASSWORD, ("officers",), "Agente Inès Moreau", mfa=True),
)


@dataclass
class LocalAws:
    """The running moto server and the names of what was created in it."""

    server: MotoProcess
    endpoint: str
    prefix: str
    user_pool_id: str
    client_id: str
    tables: list[str] = field(default_factory=list)
    buckets: list[str] = field(default_factory=list)
    queues: list[str] = field(default_factory=list)
    # Setting -> ARN of each secret (CLIENT_KEY_SECRET_ID, ORIGIN_SECRET_ID).
    secrets: dict[str, str] = field(default_factory=dict)

    def secret_value(self, setting: str) -> str:
        """The current value of a secret (the gateway plays CloudFront with the origin's)."""
        answer = self.client("secretsmanager").get_secret_value(SecretId=self.secrets[setting])
        return str(answer["SecretString"])

    @property
    def jwks_url(self) -> str:
        return f"{self.endpoint}/{self.user_pool_id}/.well-known/jwks.json"

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - moto only
        )

    def stop(self) -> None:
        self.server.stop()


def enable_totp_checks() -> None:
    """moto checks TOTP codes only with this switch (otherwise any code passes)."""
    os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"


def fake_credentials() -> None:
    """Credentials that only moto accepts, so nothing can reach a real account."""
    os.environ["AWS_ACCESS_KEY_ID"] = "local"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "local"  # noqa: S105
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    os.environ["AWS_DEFAULT_REGION"] = REGION
    os.environ["AWS_REGION"] = REGION


def create_tables(dynamodb: Any, prefix: str) -> list[str]:
    """Create every table of infra/template.yaml, with its indexes and TTL."""
    names = []
    for name, props in table_definitions(prefix).items():
        request: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        if props.get("LocalSecondaryIndexes"):
            request["LocalSecondaryIndexes"] = props["LocalSecondaryIndexes"]
        dynamodb.create_table(**request)
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
            )
        names.append(name)
    return names


def create_buckets(s3: Any, prefix: str) -> list[str]:
    names = bucket_names(prefix)
    for name in names:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return names


def create_queues(sqs: Any, prefix: str) -> list[str]:
    """Create every SQS queue of the template with its attributes (a dead-letter queue first,
    so that the queue naming it can point at its ARN)."""
    definitions = queue_definitions(prefix)
    arns: dict[str, str] = {}
    names: list[str] = []
    pending = dict(definitions)
    while pending:
        progressed = False
        for logical, props in list(pending.items()):
            attributes = {
                key: str(value)
                for key, value in props.items()
                if key not in ("QueueName", "RedrivePolicy", "SqsManagedSseEnabled")
            }
            redrive = props.get("RedrivePolicy")
            if redrive:
                target = redrive["deadLetterTargetArn"]
                if isinstance(target, dict):
                    target = arns.get(target["Fn::GetAtt"][0])
                    if target is None:
                        continue  # its dead-letter queue first
                attributes["RedrivePolicy"] = json.dumps(
                    {"deadLetterTargetArn": target, "maxReceiveCount": redrive["maxReceiveCount"]}
                )
            url = sqs.create_queue(QueueName=props["QueueName"], Attributes=attributes)["QueueUrl"]
            arns[logical] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
            names.append(props["QueueName"])
            del pending[logical]
            progressed = True
        if not progressed:
            raise ValueError(f"queues naming an unknown dead-letter queue: {sorted(pending)}")
    return names


def create_user_pool(cognito: Any, prefix: str) -> tuple[str, str]:
    """Create the pool, its groups and the console client as the template defines them."""
    params = {"Prefix": prefix, "Stage": "dev"}
    pool_props = next(iter(resources_of_type("AWS::Cognito::UserPool", params).values()))
    client_props = next(iter(resources_of_type("AWS::Cognito::UserPoolClient", params).values()))
    pool = cognito.create_user_pool(
        PoolName=pool_props["UserPoolName"],
        Policies=pool_props["Policies"],
        AdminCreateUserConfig=pool_props["AdminCreateUserConfig"],
    )["UserPool"]
    # MFA as in production (infra/template.yaml: ON, authenticator apps only), so that the
    # console's enrolment and code steps run locally. moto lets an account that never enrolled
    # sign in without the MFA_SETUP challenge Cognito would send (docs/console.md).
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool["Id"],
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    for group in user_pool_groups(prefix):
        cognito.create_group(
            GroupName=group["GroupName"],
            UserPoolId=pool["Id"],
            Description=group.get("Description", ""),
        )
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=client_props["ClientName"],
        GenerateSecret=False,
        ExplicitAuthFlows=client_props["ExplicitAuthFlows"],
        # Cognito's id token carries every readable attribute (all when the client names
        # none); moto's only those the client names. The console shows `name`.
        ReadAttributes=["name"],
    )["UserPoolClient"]
    return pool["Id"], client["ClientId"]


def create_secrets(secretsmanager: Any, prefix: str) -> dict[str, str]:
    """The secrets of infra/template.yaml, each with a fresh random value (CloudFormation
    generates them in AWS); returns setting -> ARN (what the app is configured with)."""
    created = {}
    for name, setting, length in secret_definitions(prefix):
        arn = secretsmanager.create_secret(
            Name=name, SecretString=secrets.token_urlsafe(length)[:length]
        )["ARN"]
        created[setting] = str(arn)
    return created


def create_account(
    cognito: Any, pool_id: str, account: DemoAccount, permanent: bool = True
) -> None:
    """An officer account with its groups (a permanent password, unless told otherwise)."""
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=account.username,
        TemporaryPassword=account.password,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "name", "Value": account.name}],
    )
    if permanent:
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=account.username, Password=account.password, Permanent=True
        )
    for group in account.groups:
        cognito.admin_add_user_to_group(
            UserPoolId=pool_id, Username=account.username, GroupName=group
        )


def totp_code(secret: str = DEMO_TOTP_SECRET, at: float | None = None) -> str:
    """The 6-digit RFC 6238 code of ``secret`` (base32) at ``at`` (30 s steps, SHA-1)."""
    import base64
    import hashlib
    import hmac
    import struct
    import time

    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    step = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def enrol_authenticator(cognito: Any, client_id: str, account: DemoAccount) -> None:
    """Enrol ``account`` with an authenticator app, as its first sign-in would."""
    tokens = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": account.username, "PASSWORD": account.password},
    )["AuthenticationResult"]
    cognito.associate_software_token(AccessToken=tokens["AccessToken"])
    for attempt in range(2):  # moto accepts the current 30 s step only: once more past its edge
        try:
            cognito.verify_software_token(
                AccessToken=tokens["AccessToken"], UserCode=totp_code(), FriendlyDeviceName="démo"
            )
            break
        except cognito.exceptions.CodeMismatchException:
            if attempt:
                raise
    cognito.set_user_mfa_preference(
        AccessToken=tokens["AccessToken"],
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )


def start_local_aws(host: str = "127.0.0.1", prefix: str = PREFIX) -> LocalAws:
    """moto on a free port with tables, buckets, the user pool and the demo accounts."""
    fake_credentials()
    enable_totp_checks()
    server, endpoint = start_moto(host)
    aws = LocalAws(server=server, endpoint=endpoint, prefix=prefix, user_pool_id="", client_id="")
    aws.tables = create_tables(aws.client("dynamodb"), prefix)
    aws.buckets = create_buckets(aws.client("s3"), prefix)
    aws.queues = create_queues(aws.client("sqs"), prefix)
    aws.secrets = create_secrets(aws.client("secretsmanager"), prefix)
    cognito = aws.client("cognito-idp")
    aws.user_pool_id, aws.client_id = create_user_pool(cognito, prefix)
    for account in DEMO_ACCOUNTS:
        create_account(cognito, aws.user_pool_id, account)
        if account.mfa:
            enrol_authenticator(cognito, aws.client_id, account)
    return aws


def app_environment(aws: LocalAws, public_url: str) -> dict[str, str]:
    """The environment the app runs with on the local platform."""
    return {
        "STAGE": "local",
        "TABLE_PREFIX": aws.prefix,
        "DYNAMODB_ENDPOINT": aws.endpoint,
        "S3_ENDPOINT": aws.endpoint,
        "SQS_ENDPOINT": aws.endpoint,
        "PHOTOS_BUCKET": f"{aws.prefix}-photos",
        "USER_POOL_ID": aws.user_pool_id,
        "USER_POOL_CLIENT_ID": aws.client_id,
        "JWKS_URL": aws.jwks_url,
        "WEBSOCKET_ENDPOINT": public_url,
        "SITE_URL": public_url,
        "SECRETS_ENDPOINT": aws.endpoint,
        **aws.secrets,
        # The local gateway plays CloudFront: it sends the origin secret and appends the
        # client's address to X-Forwarded-For (local/gateway.py).
        "TRUSTED_PROXY_HOPS": "1",
        "POWERTOOLS_METRICS_NAMESPACE": "MonCommissariatLocal",
        "POWERTOOLS_DEV": "false",
    }
