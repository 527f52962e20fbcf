"""The material catalogue (MAT-01): for each lifecycle action, the files an official attaches to it.

Pure data, versioned like the rule catalogue: a change of what an action requires is a change here.
Who may upload a kind is whoever may take its action (`project.action.<code>` in govpm.core.access);
a kind marked `public` is published with the open data once the project is approved, never before.
The first catalogue is the one of spec/additions-2026-12.md (MAT-01)."""

from __future__ import annotations

from dataclasses import dataclass

from govpm.projects.facts import PRIORITY_CLAIMS

VERSION = 1
MB = 1024 * 1024

# Detected types (govpm.materials.detect) and how the UI names them.
FORMAT_LABELS = {
    "pdf": "PDF",
    "ofd": "OFD",
    "docx": "DOCX",
    "xlsx": "XLSX",
    "jpeg": "JPEG",
    "png": "PNG",
}
DOCUMENTS = ("pdf", "ofd", "docx")
SHEETS = ("pdf", "ofd", "docx", "xlsx")
SCANS = ("pdf", "ofd", "docx", "jpeg", "png")


@dataclass(frozen=True)
class MaterialKind:
    code: str
    name: str  # Chinese, as officials call it; refusals name it
    action: str  # the lifecycle action it belongs to (stages.ACTIONS)
    required: bool
    formats: tuple[str, ...]
    max_bytes: int
    public: bool  # published with the open data once the project is approved
    # A priority claim's 证明材料 (PRI-05/PRI-06): taken, and required, only when the project makes
    # that claim (facts.priority_claims); None for every other kind.
    claim: str | None = None

    @property
    def capability(self) -> str:
        return f"project.action.{self.action}"

    @property
    def formats_label(self) -> str:
        return "、".join(FORMAT_LABELS[f] for f in self.formats)

    @property
    def limit_label(self) -> str:
        return f"{self.max_bytes // MB} MB"


K = MaterialKind
KINDS: dict[str, MaterialKind] = {
    kind.code: kind
    for kind in [
        K("needs_application", "需求申报书", "submit", True, DOCUMENTS, 20 * MB, True),
        K("scheme_text", "合并方案文本", "submit_scheme", True, DOCUMENTS, 55 * MB, True),
        K("estimate", "概算书", "submit_scheme", True, SHEETS, 20 * MB, True),
        K("review_opinion_form", "评审意见表", "record_opinion", False, SCANS, 20 * MB, False),
        # The spec names the action record_estimate_review; in the stage table the third-party estimate
        # review is the price review the review centre issues (issue_price_review).
        K("estimate_review_report", "第三方概算评审报告", "issue_price_review", True, SHEETS, 20 * MB, True),
        K("tender_documents", "招标文件", "record_tender", True, DOCUMENTS, 55 * MB, True),
        K("contract", "合同", "record_contract", True, SCANS, 20 * MB, True),
        K("supervision_report", "监理报告", "pass_module_acceptance", False, SCANS, 20 * MB, False),
        K("module_acceptance_report", "初验报告", "pass_module_acceptance", True, SCANS, 20 * MB, True),
        K(
            "final_acceptance_application",
            "验收申请材料",
            "apply_final_acceptance",
            True,
            SCANS,
            55 * MB,
            False,
        ),
        K("external_acceptance", "外部验收文件", "file_external_acceptance", True, SCANS, 20 * MB, True),
        K("post_evaluation_report", "后评估报告", "record_post_evaluation", True, DOCUMENTS, 20 * MB, True),
    ]
    + [
        # PRI-06: every priority claim carries evidence, in words and, since materials exist, a file.
        K(f"priority_evidence_{code}", f"证明材料（{label}）", "submit", False, SCANS, 20 * MB, False, code)
        for code, label in PRIORITY_CLAIMS.items()
    ]
}


def claimed(project) -> set[str]:
    return {claim.get("code") for claim in (project.facts or {}).get("priority_claims", []) or []}


def applies(kind: MaterialKind, project) -> bool:
    """Whether this project takes this kind at all: a claim's evidence only when the claim is made."""
    return kind.claim is None or kind.claim in claimed(project)


def is_required(kind: MaterialKind, project) -> bool:
    return kind.required or (kind.claim is not None and kind.claim in claimed(project))


def latest_kinds(project) -> dict[str, int]:
    """{kind: newest version} of the project's materials (reads `project.materials.all()`)."""
    latest: dict[str, int] = {}
    for material in project.materials.all():
        latest[material.kind] = max(latest.get(material.kind, 0), material.version)
    return latest


def kinds_of(action: str, project) -> list[MaterialKind]:
    """The kinds this project's action takes (kinds_for, less the evidence of claims not made)."""
    return [kind for kind in kinds_for(action) if applies(kind, project)]


def required_of(action: str, project) -> list[MaterialKind]:
    return [kind for kind in kinds_for(action) if is_required(kind, project)]


def kinds_for(action: str) -> list[MaterialKind]:
    return [kind for kind in KINDS.values() if kind.action == action]


def required_for(action: str) -> list[MaterialKind]:
    return [kind for kind in kinds_for(action) if kind.required]


def actions_with_materials() -> list[str]:
    return list(dict.fromkeys(kind.action for kind in KINDS.values()))
