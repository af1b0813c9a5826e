"""Investors' webhooks and each delivery of an alert to one of them.

The signing `secret` is kept as given out: it must be usable to sign every delivery. It is
shown to the investor once, at registration, and never appears in an answer, a page, the audit
trail or a log afterwards.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from pydantic import AnyHttpUrl, BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from compliance.clock import now
from compliance.db import enum_column, utc_column


class DeliveryStatus(StrEnum):
    pending = "pending"  # waiting for its next attempt
    delivered = "delivered"  # the receiver answered 2xx
    failed = "failed"  # every attempt failed, or the address was refused


class Webhook(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)  # the investor
    url: str = Field(max_length=2000)
    description: str | None = Field(default=None, max_length=300)
    secret: str = Field(max_length=100)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (sa.UniqueConstraint("webhook_id", "alert_id"),)

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", index=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    status: DeliveryStatus = Field(
        default=DeliveryStatus.pending, sa_type=enum_column(DeliveryStatus), index=True
    )
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    last_attempt_at: datetime | None = Field(default=None, sa_column=utc_column())
    last_error: str | None = Field(default=None, max_length=500)
    response_status: int | None = None
    delivered_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))


# --- What callers send and get back -----------------------------------------------------------


class WebhookCreate(BaseModel):
    url: AnyHttpUrl = PydanticField(description="Where alerts are POSTed (http or https)")
    description: str | None = PydanticField(default=None, max_length=300)


class WebhookPath(BaseModel):
    webhook_id: int = PydanticField(ge=1, le=2**63 - 1)


class DeliveryCounts(BaseModel):
    pending: int = 0
    delivered: int = 0
    failed: int = 0


class WebhookPublic(BaseModel):
    id: int
    url: str
    description: str | None
    created_at: datetime
    deliveries: DeliveryCounts
    last_error: str | None = PydanticField(description="Error of the latest failed attempt")


class WebhookCreated(WebhookPublic):
    secret: str = PydanticField(
        description="Signing secret, shown only now: each delivery carries "
        "X-HRD-Sentinel-Signature: sha256=HMAC-SHA256(secret, timestamp + '.' + body)"
    )


class WebhookList(BaseModel):
    items: list[WebhookPublic]
