from .catalog import DOC, DOC_TITLE, RULES


def sync_rules(using: str = "default") -> int:
    """Make the Rule table say what catalog.py says. Idempotent; returns how many rows changed."""
    from .models import PolicyDocument, Rule

    document, _ = PolicyDocument.objects.using(using).get_or_create(
        number=DOC, defaults={"title": DOC_TITLE, "issued_on": "2020-04-17"}
    )
    changed = 0
    for definition in RULES.values():
        _, created_or_updated = Rule.objects.using(using).update_or_create(
            code=definition.id,
            defaults={
                "document": document,
                "kind": definition.kind,
                "clause": definition.clause,
                "text": definition.text,
                "version": definition.version,
            },
        )
        changed += 1
    return changed


def sync_rules_after_migrate(sender, using="default", **kwargs) -> None:
    sync_rules(using)
