"""CLI commands of the invites domain."""

from __future__ import annotations

import click

commands: list[click.Command] = []
