"""The demo team: the admin, two support agents, a moderator and a moderator who also answers cases."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from hub.demo.context import Demo
from hub.demo.names import ADMIN_NAME, STAFF
from hub.staff.accounts import normalise_email
from hub.staff.models import Role, StaffUser
from hub.staff.passwords import hash_password


@dataclass(frozen=True)
class Team:
    admin: StaffUser
    members: tuple[StaffUser, ...]  # everyone but the admin
    agents: tuple[StaffUser, ...]  # everyone who works cases
    moderators: tuple[StaffUser, ...]  # everyone who replies to reviews in public


async def password_hashes(password: str, count: int) -> list[str]:
    """`count` Argon2 hashes of one password, each with its own salt, hashed in threads."""
    hashing = (asyncio.to_thread(hash_password, password) for _ in range(count))
    return list(await asyncio.gather(*hashing))


def build_team(demo: Demo, admin_email: str, hashes: list[str]) -> Team:
    joined = demo.now.replace(microsecond=0) - demo.days(740, 760)
    admin_email = normalise_email(admin_email)
    admin = demo.add(
        StaffUser,
        email=admin_email,
        name=ADMIN_NAME,
        password_hash=hashes[0],
        roles=Role.ADMIN.value,
        created_at=joined,
    )
    domain = admin_email.rpartition("@")[2] or "example.com"
    members = [
        demo.add(
            StaffUser,
            email=_address(local, domain, admin_email),
            name=name,
            password_hash=password_hash,
            roles=roles,
            created_at=joined + demo.days(1, 30),
        )
        for (name, local, roles), password_hash in zip(STAFF, hashes[1:], strict=True)
    ]
    return Team(
        admin=admin,
        members=tuple(members),
        agents=tuple(m for m in members if Role.AGENT.value in m.role_set),
        moderators=tuple(m for m in members if Role.MODERATOR.value in m.role_set),
    )


def _address(local: str, domain: str, taken: str) -> str:
    address = f"{local}@{domain}"
    return f"{local}.demo@{domain}" if address == taken else address
