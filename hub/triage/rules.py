"""Assignment rules as admins edit them on /admin/assignment: checked field by field, ordered, audited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub.catalog.models import Product, ProductGroup
from hub.staff.accounts import AccountError, audit
from hub.staff.availability import parse_groups
from hub.staff.models import Role, StaffUser
from hub.triage.filters import REASON_PATTERN
from hub.triage.models import AssignmentRule, Priority
from hub.web.columns import fits
from hub.web.errors import FieldError, InvalidInput
from hub.web.params import has_control_characters

MAX_NAME = 120
PRIORITIES = tuple(priority.value for priority in Priority)


@dataclass(frozen=True)
class RuleFields:
    name: str
    product: str
    reason: str
    priority: str
    agent_id: int | None
    group: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "product": self.product,
            "reason": self.reason,
            "priority": self.priority,
            "agent_id": self.agent_id,
            "group": self.group,
        }


def _name(value: str) -> str | None:
    if not value or len(value) > MAX_NAME or has_control_characters(value):
        return f"give the rule a name of at most {MAX_NAME} characters"
    return None


async def _product(value: str) -> str | None:
    if not value:
        return None
    if not fits(AssignmentRule, "product", value) or has_control_characters(value):
        return "no product or product group has this id"
    if await Product.exists(external_id=value) or await ProductGroup.exists(key=value):
        return None
    return "no product or product group has this id"


def _reason(value: str) -> str | None:
    if value and not REASON_PATTERN.fullmatch(value):
        return "use a reason code such as low_rating, urgent or delivery"
    return None


def _priority(value: str) -> str | None:
    if value and value not in PRIORITIES:
        return f"choose one of {', '.join(PRIORITIES)}, or any"
    return None


async def _agent(value: str) -> tuple[int | None, str | None]:
    if not value:
        return None, None
    agent = await StaffUser.get_or_none(id=int(value)) if value.isdigit() and len(value) < 10 else None
    if agent is None or not agent.is_active or Role.AGENT not in agent.role_set:
        return None, "choose an active agent"
    return agent.id, None


async def _group(value: str) -> tuple[str, str | None]:
    if not value:
        return "", None
    try:
        names = parse_groups(value)
    except AccountError as error:
        return "", error.reason
    if len(names) != 1:
        return "", "name one group"
    holders = await StaffUser.filter(is_active=True, groups__contains=names[0])
    if not any(names[0] in user.group_set for user in holders):
        return "", f"no agent is in group {names[0]!r}: put agents in it below first"
    return names[0], None


async def clean_rule(form: Mapping[str, str]) -> RuleFields:
    """The rule ``form`` describes; ``InvalidInput`` names every field that is wrong and why."""
    value = {key: form.get(key, "").strip() for key in ("name", "product", "reason", "priority", "agent")}
    value["group"] = form.get("group", "").strip().lower()
    agent_id, agent_error = await _agent(value["agent"])
    group, group_error = await _group(value["group"])
    checks = {
        "name": _name(value["name"]),
        "product": await _product(value["product"]),
        "reason": _reason(value["reason"].lower()),
        "priority": _priority(value["priority"]),
        "agent": agent_error,
        "group": group_error,
    }
    if not agent_error and not group_error and (agent_id is None) == (not group):
        checks["group"] = "choose an agent or a group, not both" if group else None
        checks["agent"] = None if group else "choose an agent or a group to give the cases to"
    errors = [FieldError(field, reason) for field, reason in checks.items() if reason]
    if errors:
        raise InvalidInput(errors)
    reason = value["reason"].lower()
    return RuleFields(value["name"], value["product"], reason, value["priority"], agent_id, group)


async def ordered_rules() -> list[AssignmentRule]:
    return await AssignmentRule.all().select_related("agent").order_by("position", "id")


async def save_rule(
    actor: StaffUser, form: Mapping[str, str], rule_id: int | None = None
) -> AssignmentRule | None:
    """Add a rule at the end, or change ``rule_id``; None when there is no such rule."""
    fields = await clean_rule(form)
    if rule_id is None:
        last = await AssignmentRule.all().order_by("-position").first()
        rule = await AssignmentRule.create(position=(last.position + 1) if last else 1, **fields.as_dict())
    else:
        found = await AssignmentRule.get_or_none(id=rule_id)
        if found is None:
            return None
        rule = found
        await AssignmentRule.filter(id=rule.id).update(**fields.as_dict())
    await audit(actor, "assignment_rule.save", "assignment_rule", rule.id, **fields.as_dict())
    return rule


async def delete_rule(actor: StaffUser, rule_id: int) -> bool:
    deleted = await AssignmentRule.filter(id=rule_id).delete()
    if deleted:
        await audit(actor, "assignment_rule.delete", "assignment_rule", rule_id)
    return bool(deleted)


async def move_rule(actor: StaffUser, rule_id: int, up: bool) -> bool:
    """Swap the rule with the one before (``up``) or after it; False at either end or when missing."""
    rules = await ordered_rules()
    index = next((i for i, rule in enumerate(rules) if rule.id == rule_id), None)
    other = None if index is None else index - 1 if up else index + 1
    if index is None or other is None or not 0 <= other < len(rules):
        return False
    rules[index], rules[other] = rules[other], rules[index]
    for position, rule in enumerate(rules, start=1):
        if rule.position != position:
            await AssignmentRule.filter(id=rule.id).update(position=position)
    await audit(actor, "assignment_rule.move", "assignment_rule", rule_id, up=up)
    return True


def describe_rule(rule: AssignmentRule) -> str:
    """What a rule matches and where it sends it: ``priority urgent · reason safety → group tier2``."""
    conditions = [
        f"{label} {value}"
        for label, value in (("product", rule.product), ("reason", rule.reason), ("priority", rule.priority))
        if value
    ]
    target = rule.agent.display_name if rule.agent_id and rule.agent else f"group {rule.group}"
    return f"{' · '.join(conditions) or 'every case'} → {target}"
