"""Managing accounts and their users.

Business rules:
- Only owners and admins manage users; nobody hands out a role above their own.
- An account always keeps at least one active owner: the last one can be neither demoted, deactivated
  nor deleted.
- Nobody deletes or deactivates themselves (ask another admin), so an account never locks itself out by
  accident.
- Emails are stored lower-cased and are unique across all accounts, because they are the login.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.accounts.repository import UserRepository
from callcenter.accounts.schemas import UserCreate, UserUpdate
from callcenter.auth.context import AuthContext
from callcenter.auth.passwords import hash_password
from callcenter.auth.permissions import can_grant
from callcenter.kit.errors import Conflict, FieldError, Forbidden
from callcenter.models.accounts import Account, Role, User


async def create_account(session: AsyncSession, *, name: str) -> Account:
    account = Account(name=name)
    session.add(account)
    await session.flush()
    return account


async def add_user(
    session: AsyncSession,
    account: Account | uuid.UUID,
    *,
    email: str,
    password: str,
    role: Role,
    name: str = "",
) -> User:
    """Creates a user without permission checks: for the CLI and the demo seed, which act as the operator."""
    email = email.strip().lower()
    repository = UserRepository(session)
    if await repository.email_taken(email):
        raise FieldError("email", "A user with this email already exists")
    account_id = account.id if isinstance(account, Account) else account
    return await repository.add(
        User(
            account_id=account_id,
            email=email,
            name=name,
            role=role,
            password_hash=await hash_password(password),
        )
    )


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.strip().lower()))


def _check_grant(auth: AuthContext, role: Role) -> None:
    if not can_grant(auth.role, role):
        raise Forbidden(f"A {auth.role} cannot give the {role} role")


async def create_user(session: AsyncSession, auth: AuthContext, data: UserCreate) -> User:
    _check_grant(auth, data.role)
    return await add_user(
        session, auth.account_id, email=data.email, password=data.password, role=data.role, name=data.name
    )


async def _ensure_another_owner_remains(repository: UserRepository, auth: AuthContext, user: User) -> None:
    if user.role == Role.OWNER and user.is_active and await repository.active_owner_count(auth) <= 1:
        raise Conflict("The account's last active owner cannot be removed or demoted")


async def update_user(session: AsyncSession, auth: AuthContext, user_id: uuid.UUID, data: UserUpdate) -> User:
    repository = UserRepository(session)
    user = await repository.get(auth, user_id)
    if not can_grant(auth.role, user.role):
        raise Forbidden(f"A {auth.role} cannot change a {user.role}")
    changes = data.model_dump(exclude_unset=True)
    if changes.get("role") not in (None, user.role) or changes.get("is_active") is False:
        if user.id == auth.user_id and changes.get("is_active") is False:
            raise Conflict("You cannot deactivate yourself")
        if changes.get("role") is not None:
            _check_grant(auth, changes["role"])
        await _ensure_another_owner_remains(repository, auth, user)
    if changes.get("password") is not None:
        user.password_hash = await hash_password(changes.pop("password"))
    for field in ("name", "role", "is_active"):
        if changes.get(field) is not None:
            setattr(user, field, changes[field])
    await session.flush()
    return user


async def delete_user(session: AsyncSession, auth: AuthContext, user_id: uuid.UUID) -> None:
    repository = UserRepository(session)
    user = await repository.get(auth, user_id)
    if user.id == auth.user_id:
        raise Conflict("You cannot delete yourself")
    if not can_grant(auth.role, user.role):
        raise Forbidden(f"A {auth.role} cannot delete a {user.role}")
    await _ensure_another_owner_remains(repository, auth, user)
    await repository.delete(user)
