from datetime import datetime

from ninja import Schema
from pydantic import Field


class MessageOut(Schema):
    message: str


class DetailOut(Schema):
    detail: str


class LoginIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)


class LoginOut(Schema):
    message: str
    username: str


class MeOut(Schema):
    id: int
    username: str
    is_staff: bool


class ApiKeyCreateIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class ApiKeyCreatedOut(Schema):
    id: int
    api_key: str
    name: str
    created_at: datetime
    expires_at: datetime | None


class ApiKeyOut(Schema):
    id: int
    name: str
    prefix: str
    is_active: bool
    created_at: datetime
    last_used: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiRootOut(Schema):
    message: str
    status: str
    version: str
    demo_mode: bool
