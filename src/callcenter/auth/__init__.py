"""Authentication (sessions, API keys), authorisation (roles and permissions) and login protection."""
