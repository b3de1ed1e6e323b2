"""All tables, re-exported so that ``Base.metadata`` knows every one of them."""

from callcenter.models.accounts import Account, ApiKey, LoginSession, Role, User
from callcenter.models.base import Base

__all__ = ["Account", "ApiKey", "Base", "LoginSession", "Role", "User"]
