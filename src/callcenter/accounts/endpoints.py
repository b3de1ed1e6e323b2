"""``/api/users``: the users of the caller's account."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from callcenter.accounts import service
from callcenter.accounts.repository import UserRepository
from callcenter.accounts.schemas import UserCreate, UserRead, UserUpdate
from callcenter.auth.dependencies import UsersManage
from callcenter.kit.db import DbSession
from callcenter.kit.pagination import Page, Pagination
from callcenter.models.accounts import User

router = APIRouter(prefix="/api/users", tags=["users"])


@router.get("", response_model=Page[UserRead])
async def list_users(auth: UsersManage, session: DbSession, page: Pagination) -> Page[UserRead]:
    rows, total = await UserRepository(session).list(auth, page, order_by=[User.email])
    return Page(items=[UserRead.model_validate(r) for r in rows], total=total)


@router.post("", response_model=UserRead, status_code=status.HTTP_201_CREATED)
async def create_user(data: UserCreate, auth: UsersManage, session: DbSession) -> UserRead:
    return UserRead.model_validate(await service.create_user(session, auth, data))


@router.get("/{user_id}", response_model=UserRead)
async def get_user(user_id: uuid.UUID, auth: UsersManage, session: DbSession) -> UserRead:
    return UserRead.model_validate(await UserRepository(session).get(auth, user_id))


@router.patch("/{user_id}", response_model=UserRead)
async def update_user(
    user_id: uuid.UUID, data: UserUpdate, auth: UsersManage, session: DbSession
) -> UserRead:
    return UserRead.model_validate(await service.update_user(session, auth, user_id, data))


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(user_id: uuid.UUID, auth: UsersManage, session: DbSession) -> Response:
    await service.delete_user(session, auth, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
