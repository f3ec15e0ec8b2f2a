"""One in-process moto per test process, put back as it was built before each test.

Building the world — every table, bucket and the user pool of infra/template.yaml, and the
demo accounts — costs about a second (parsing the template, moto loading the pool's signing
key); putting it back costs a few milliseconds. So it is built once per process (with
pytest-xdist, once per worker) and, before each test, restored through moto's own API:

- every table emptied (Scan, then BatchWriteItem deletes): conversations, messages,
  counters, rate windows, the idempotency table, connections start from nothing;
- every bucket emptied, every object version and delete marker; every SQS queue purged;
- anything else that differs from what was built — a table, bucket, user pool or client
  more or less, an account or a group membership changed, a secret rotated — and the whole
  world is reset (``mock_aws().reset()``) and built again.

moto's mock is active during the tests that use it only, as with a ``mock_aws()`` per test.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import boto3

from local.aws import (
    DEMO_ACCOUNTS,
    REGION,
    create_account,
    create_buckets,
    create_queues,
    create_secrets,
    create_tables,
    create_user_pool,
)

TEST_PREFIX = "moncommissariat-test"


@functools.cache
def _client(service: str) -> Any:
    """One client per service for the whole worker (moto's state lives in the process)."""
    return boto3.client(service, region_name=REGION)


@dataclass
class MotoAws:
    """In-process moto with the tables and buckets of infra/template.yaml."""

    prefix: str
    user_pool_id: str = ""
    client_id: str = ""
    secrets: dict[str, str] = field(default_factory=dict)  # setting -> ARN

    def client(self, service: str) -> Any:
        return _client(service)

    def secret_value(self, setting: str) -> str:
        """The current value of one of the stage's secrets (``ORIGIN_SECRET_ID``...)."""
        answer = self.client("secretsmanager").get_secret_value(SecretId=self.secrets[setting])
        return str(answer["SecretString"])


class MotoWorld:
    """The AWS resources of the app in in-process moto, and how to put them back."""

    def __init__(self) -> None:
        from moto import mock_aws

        from local.moto_costs import cut_costs

        # moto as the local platform runs it: DynamoDB's item answers as json.dumps of the
        # result (the same bytes without moto's model-driven serializer, a third of the time
        # of a chat test went there), no copies nobody reads, its Query reading what it
        # answers, its update checks built once per pass, its SQS calls costing what they
        # ask for.
        cut_costs(with_server_locks=False)

        # SQS allows one PurgeQueue a minute per queue; every test purges them (moto's switch).
        os.environ["MOTO_SQS_ENFORCE_STRICT_QUEUE_PURGE_BEHAVIOUR"] = "false"

        # boto3's default session is kept from test to test: a new one would load botocore's
        # service models again for each client made (about 0.1 s each).
        self._mock: Any = mock_aws(config={"core": {"reset_boto3_session": False}})
        self._dynamodb = boto3.client("dynamodb", region_name=REGION)
        self._s3 = boto3.client("s3", region_name=REGION)
        self._cognito = boto3.client("cognito-idp", region_name=REGION)
        self._secretsmanager = boto3.client("secretsmanager", region_name=REGION)
        self._sqs = boto3.client("sqs", region_name=REGION)
        with self.active():
            self.aws = self._build()

    @contextmanager
    def active(self) -> Iterator[None]:
        """moto's mock on (the state built is kept when it goes off)."""
        self._mock.start(reset=False)
        try:
            yield
        finally:
            self._mock.stop(remove_data=False)

    def close(self) -> None:
        """Drop everything moto holds."""
        self._mock.reset()

    def app_environment(self) -> dict[str, str]:
        """The settings that point the app at this world."""
        return {
            "TABLE_PREFIX": self.aws.prefix,
            "DYNAMODB_ENDPOINT": "",
            "S3_ENDPOINT": "",
            "SQS_ENDPOINT": "",
            # The fan-out runs right after each request here (tests/integration/
            # chat_harness.py): no join can be in flight behind the one it reads.
            "QUEUE_SETTLE_SECONDS": "0",
            "PHOTOS_BUCKET": f"{self.aws.prefix}-photos",
            "USER_POOL_ID": self.aws.user_pool_id,
            "USER_POOL_CLIENT_ID": self.aws.client_id,
            "WEBSOCKET_ENDPOINT": "",
            "JWKS_URL": "",
            "STAGE": "test",
            "SECRETS_ENDPOINT": "",
            **self.aws.secrets,
            # As dev and prod (.chalice/config.json): CloudFront is the one trusted hop.
            "TRUSTED_PROXY_HOPS": "1",
        }

    def restore(self) -> MotoAws:
        """Empty tables and buckets, Cognito as built; rebuilt whole if anything else changed."""
        if self._shape() != self._built_shape:
            self._mock.reset()
            self._build()
        else:
            for table, keys in self._table_keys.items():
                self._empty_table(table, keys)
            for bucket in self._buckets:
                self._empty_bucket(bucket)
            for queue in self._queues:
                self._empty_queue(queue)
        return replace(self.aws)

    # -- building --------------------------------------------------------------------

    def _build(self) -> MotoAws:
        aws = MotoAws(prefix=TEST_PREFIX)
        tables = create_tables(self._dynamodb, TEST_PREFIX)
        self._table_keys = {
            table: [
                key["AttributeName"]
                for key in self._dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]
            ]
            for table in tables
        }
        self._buckets = create_buckets(self._s3, TEST_PREFIX)
        self._queues = create_queues(self._sqs, TEST_PREFIX)
        aws.secrets = create_secrets(self._secretsmanager, TEST_PREFIX)
        aws.user_pool_id, aws.client_id = create_user_pool(self._cognito, TEST_PREFIX)
        for account in DEMO_ACCOUNTS:
            create_account(self._cognito, aws.user_pool_id, account)
        self.aws = aws
        self._built_shape = self._shape()
        return aws

    def _shape(self) -> tuple[Any, ...]:
        """What a test could change besides items and objects, as moto reports it."""
        tables = sorted(self._dynamodb.list_tables()["TableNames"])
        secrets = sorted(
            (secret["Name"], sorted(secret.get("SecretVersionsToStages", {}).items()))
            for secret in self._secretsmanager.list_secrets()["SecretList"]
        )
        buckets = sorted(bucket["Name"] for bucket in self._s3.list_buckets()["Buckets"])
        buckets += sorted(self._sqs.list_queues().get("QueueUrls", []))
        pools = sorted(
            pool["Id"] for pool in self._cognito.list_user_pools(MaxResults=60)["UserPools"]
        )
        if pools != [self.aws.user_pool_id]:
            return (tables, buckets, pools, secrets)
        pool = self.aws.user_pool_id
        clients = self._cognito.list_user_pool_clients(UserPoolId=pool, MaxResults=60)
        users = self._cognito.list_users(UserPoolId=pool)["Users"]
        groups = self._cognito.list_groups(UserPoolId=pool)["Groups"]
        members = {
            group["GroupName"]: sorted(
                user["Username"]
                for user in self._cognito.list_users_in_group(
                    UserPoolId=pool, GroupName=group["GroupName"]
                )["Users"]
            )
            for group in groups
        }
        return (
            tables,
            buckets,
            pools,
            secrets,
            sorted(client["ClientId"] for client in clients["UserPoolClients"]),
            sorted(
                (
                    user["Username"],
                    user["UserStatus"],
                    user["Enabled"],
                    user["UserLastModifiedDate"],
                    sorted((a["Name"], a["Value"]) for a in user["Attributes"]),
                )
                for user in users
            ),
            sorted(members.items()),
        )

    # -- emptying --------------------------------------------------------------------

    def _empty_table(self, table: str, keys: list[str]) -> None:
        names = {f"#k{n}": key for n, key in enumerate(keys)}
        while True:  # what is deleted is not scanned again: start over until nothing is left
            page = self._dynamodb.scan(
                TableName=table,
                ProjectionExpression=", ".join(names),
                ExpressionAttributeNames=names,
            )
            items = page["Items"]
            for start in range(0, len(items), 25):
                deletes = [{"DeleteRequest": {"Key": key}} for key in items[start : start + 25]]
                self._dynamodb.batch_write_item(RequestItems={table: deletes})
            if "LastEvaluatedKey" not in page:
                return

    def _empty_queue(self, name: str) -> None:
        # moto's switch for SQS's one purge a minute is off here (MotoWorld.__init__).
        self._sqs.purge_queue(QueueUrl=self._sqs.get_queue_url(QueueName=name)["QueueUrl"])

    def _empty_bucket(self, bucket: str) -> None:
        while True:
            page = self._s3.list_object_versions(Bucket=bucket)
            objects = [
                {"Key": entry["Key"], "VersionId": entry["VersionId"]}
                for entry in page.get("Versions", []) + page.get("DeleteMarkers", [])
            ]
            if objects:
                self._s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
            if not page.get("IsTruncated"):
                return
