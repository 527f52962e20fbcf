"""Open contracting data: OCDS 1.1 release packages and OC4IDS project packages, built from the
lifecycle's records. Auditors and the public read these with their own tools, so the tests check
them with the standards' own validators (libcoveocds, libcoveoc4ids), not with our reading.

Which projects are published is the selectors' one rule (`selectors.public_projects`); ADR 0201 says why."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from govpm.accounts.models import Unit
from govpm.core import clock
from govpm.materials.detect import CONTENT_TYPES
from govpm.materials.models import Material
from govpm.materials.selectors import public_materials
from govpm.projects import selectors
from govpm.projects.models import (
    CATEGORY_LABELS,
    Contract,
    Event,
    IssuedDocument,
    Payment,
    Project,
    Tender,
)
from govpm.projects.stages import Stage

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CURRENCY = "CNY"
OCDS_VERSION = "1.1"
OC4IDS_VERSION = "0.9"


# Tender.method (what officials write) → OCDS method.csv (closed codelist); the Chinese term stays in
# procurementMethodDetails.
PROCUREMENT_METHODS = {
    "公开招标": "open",
    "邀请招标": "selective",
    "竞争性谈判": "limited",
    "竞争性磋商": "limited",
    "询价": "limited",
    "单一来源": "direct",
    "单一来源采购": "direct",
}

# Stage → OC4IDS projectStatus.csv (closed): identification → preparation → implementation → completion.
PROJECT_STATUS = {
    Stage.DRAFT: "identification",
    Stage.SUBMITTED: "identification",
    Stage.RETURNED: "identification",
    Stage.POOLED: "identification",
    Stage.SCHEME: "preparation",
    Stage.JOINT_REVIEW: "preparation",
    Stage.CONSULTATION: "preparation",
    Stage.APPROVAL: "preparation",
    Stage.FUNDED: "preparation",
    Stage.PROCUREMENT: "implementation",
    Stage.IMPLEMENTATION: "implementation",
    Stage.FINAL_ACCEPTANCE: "implementation",
    Stage.OPERATION: "completion",
    Stage.EVALUATED: "completion",
    Stage.REJECTED: "cancelled",
    Stage.OUT_OF_SCOPE: "cancelled",
    Stage.WITHDRAWN: "cancelled",
    Stage.TERMINATED: "cancelled",
    Stage.MERGED: "cancelled",
}
# BuildType → OC4IDS projectType.csv (closed). Maintenance and O&M renewal have no counterpart: omitted.
PROJECT_TYPES = {"new": "construction", "expansion": "construction", "renovation": "rehabilitation"}
DOCUMENT_TYPES = {IssuedDocument.Kind.ACCEPTANCE_REPORT: "completionCertificate"}


def published_projects() -> QuerySet[Project]:
    """The public feeds' projects: approved ones only (selectors.public_projects, ADR 0201)."""
    return selectors.public_projects()


def with_records(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Everything the builders read, in a fixed number of queries however many projects there are."""
    return projects.select_related("owner_unit", "funding").prefetch_related(
        Prefetch("documents", queryset=IssuedDocument.objects.select_related("issuer").order_by("id")),
        Prefetch("tenders", queryset=Tender.objects.select_related("exemption").order_by("id")),
        Prefetch(
            "contracts",
            queryset=Contract.objects.select_related("signing_unit", "exemption").order_by("id"),
        ),
        Prefetch("payments", queryset=Payment.objects.select_related("exemption").order_by("id")),
        "modules",
        "final_acceptances",
        Prefetch("materials", queryset=Material.objects.order_by("id")),
        Prefetch(
            "events",
            queryset=Event.objects.filter(action__in=TIMED_ACTIONS).order_by("id"),
            to_attr="timed_events",
        ),
    )


TIMED_ACTIONS = [
    "leading_group_decide",
    "record_funding",
    "start_procurement",
    "record_tender",
    "record_contract",
    "start_implementation",
    "record_payment",
    "pass_module_acceptance",
    "decide_final_acceptance",
    "file_external_acceptance",
    "record_post_evaluation",
    "terminate",
]


# -- small pieces -------------------------------------------------------------------------------------


def amount(value: Decimal) -> int | float:
    """JSON has one number type. Money is exact to the 分 and below 10^13 元, so the float's shortest
    repr is exactly the decimal: checked here rather than assumed."""
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    assert Decimal(repr(number)) == value, value
    return number


def money(value: Decimal) -> dict:
    return {"amount": amount(value), "currency": CURRENCY}


def day_time(day: dt.date) -> str:
    """A date as OCDS wants it: a date-time with its zone. Dates without a time are taken at 00:00 in
    Shanghai, the day as the policy counts it."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI).isoformat()


def moment(value: dt.datetime) -> str:
    return value.astimezone(SHANGHAI).isoformat(timespec="seconds")


def ocid(project: Project) -> str:
    return f"{settings.GOVPM_OCID_PREFIX}-{project.pk}"


def oc4ids_prefix() -> str:
    """OC4IDS identifiers are `oc4ids-` and six characters; derived from the registered ocid prefix unless
    a deployment sets its own."""
    configured = getattr(settings, "GOVPM_OC4IDS_PREFIX", "")
    if configured:
        return configured
    return "oc4ids-" + settings.GOVPM_OCID_PREFIX.split("-", 1)[-1][:6].lower()


def unit_party_id(unit: Unit) -> str:
    return f"CN-UNIT-{unit.code}"


def supplier_party_id(name: str) -> str:
    return "CN-SUPPLIER-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def _events(project: Project, action: str) -> list[Event]:
    return [event for event in getattr(project, "timed_events", []) if event.action == action]


def _first_time(project: Project, action: str, fallback: dt.date | None) -> str:
    events = _events(project, action)
    if events:
        return moment(events[0].created_at)
    return day_time(fallback or project.created_at.astimezone(SHANGHAI).date())


class Parties:
    """Collects the organisations a package mentions, once each, with all their roles."""

    def __init__(self) -> None:
        self.parties: dict[str, dict] = {}

    def add(self, party_id: str, name: str, *roles: str) -> dict:
        party = self.parties.setdefault(party_id, {"id": party_id, "name": name, "roles": []})
        for role in roles:
            if role not in party["roles"]:
                party["roles"].append(role)
        return {"id": party_id, "name": name}

    def unit(self, unit: Unit, *roles: str) -> dict:
        return self.add(unit_party_id(unit), unit.name, *roles)

    def supplier(self, name: str, *roles: str) -> dict:
        return self.add(supplier_party_id(name), name, *roles)

    def as_list(self) -> list[dict]:
        return list(self.parties.values())


def _document(document: IssuedDocument, url: str | None) -> dict:
    entry = {
        "id": document.number,
        "title": document.title,
        "description": f"{document.get_kind_display()}，{document.issuer.name}发文，SHA-256 {document.sha256}",
        "datePublished": day_time(document.issued_on),
        "format": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "language": "zh",
    }
    if url:  # left out where the reader could not open it (a public feed; the download needs a login)
        entry["url"] = url
    if document.kind in DOCUMENT_TYPES:
        entry["documentType"] = DOCUMENT_TYPES[document.kind]
    return entry


def _material_documents(project: Project, document_url) -> list[dict]:
    """The public materials (MAT-02) of an approved project, newest version of each kind, each with its
    URL readable without login; nothing of a project before approval."""
    if project.stage not in selectors.APPROVED_STAGES:
        return []
    return [
        {
            "id": f"material-{material.pk}",
            "title": f"{material.kind_name}（{material.name}）",
            "description": f"{material.kind_name}，第{material.version}版，SHA-256 {material.sha256}",
            "datePublished": moment(material.uploaded_at),
            "format": CONTENT_TYPES[material.detected_type],
            "language": "zh",
            "url": document_url(material),
        }
        for material in public_materials(project)
    ]


# -- OCDS 1.1 ------------------------------------------------------------------------------------------


def _release(project: Project, tag: str, suffix: str, date: str, parties: Parties, **sections) -> dict:
    buyer = parties.unit(project.owner_unit, "buyer")
    release = {
        "ocid": ocid(project),
        "id": f"{ocid(project)}-{suffix}",
        "date": date,
        "tag": [tag],
        "initiationType": "tender",
        "language": "zh",
        "buyer": buyer,
    }
    release.update(sections)
    release["parties"] = parties.as_list()
    return release


def _planning(project: Project, document_url) -> dict:
    planning: dict = {"rationale": project.summary or project.name}
    if project.approved_estimate is not None:
        planning["budget"] = {
            "id": project.project_code or f"{ocid(project)}-budget",
            "description": "决策咨询意见核定的项目概算价；资金纳入财政保障（衢政办发〔2020〕8号 三(二)3）",
            "amount": money(project.approved_estimate),
            "project": project.name,
        }
        if project.project_code:
            planning["budget"]["projectID"] = project.project_code
    documents = [
        _document(document, document_url(document))
        for document in project.documents.all()
        if document.kind != IssuedDocument.Kind.ACCEPTANCE_REPORT
        and document.kind != IssuedDocument.Kind.POST_EVALUATION_REPORT
    ]
    documents += _material_documents(project, document_url)
    if documents:
        planning["documents"] = documents
    milestones = [
        {
            "id": document.number,
            "title": document.get_kind_display(),
            "type": "approval",
            "status": "met",
            "dateMet": day_time(document.issued_on),
            "description": f"{document.issuer.name} {document.number}",
        }
        for document in project.documents.all()
        if document.kind
        in {
            IssuedDocument.Kind.CONSULTATION_OPINION,
            IssuedDocument.Kind.DESIGN_APPROVAL,
            IssuedDocument.Kind.PRICE_REVIEW,
        }
    ]
    if milestones:
        planning["milestones"] = milestones
    return planning


def exemption_note(exemption) -> str:
    """ORG-04: how a record made under a special-case exemption is marked in open data and exports."""
    return (
        f"特殊情况豁免（ORG-04）：经领导小组于{exemption.granted_on.isoformat()}批准，"
        f"{exemption.starts_on.isoformat()}至{exemption.ends_on.isoformat()}"
        f"豁免「{exemption.get_rule_display()}」；{exemption.reason}"
    )


def _tender(project: Project, tender: Tender, parties: Parties, *, complete: bool) -> dict:
    procuring = parties.unit(project.owner_unit, "buyer", "procuringEntity")
    section = {
        "id": f"{ocid(project)}-tender-{tender.pk}",
        "title": tender.title,
        "status": "complete" if complete else "active",
        "procuringEntity": procuring,
        "value": money(tender.ceiling),
        "procurementMethodDetails": tender.method,
        "mainProcurementCategory": "services",
        "tenderPeriod": {"startDate": day_time(tender.published_on)},
    }
    if tender.method in PROCUREMENT_METHODS:
        section["procurementMethod"] = PROCUREMENT_METHODS[tender.method]
    if tender.exemption is not None:
        section["description"] = exemption_note(tender.exemption)
    return section


def _award(project: Project, contract: Contract, parties: Parties) -> dict:
    supplier = parties.supplier(contract.supplier, "supplier", "tenderer", "payee")
    return {
        "id": f"{ocid(project)}-award-{contract.pk}",
        "title": f"{contract.tender.title}（{contract.supplier}）"
        if contract.tender_id
        else contract.supplier,
        "status": "active",
        "date": day_time(contract.signed_on),
        "value": money(contract.amount),
        "suppliers": [supplier],
    }


def _contract(project: Project, contract: Contract, parties: Parties, *, with_implementation: bool) -> dict:
    terminated = project.stage in {Stage.OPERATION, Stage.EVALUATED}
    entry = {
        "id": f"{ocid(project)}-contract-{contract.pk}",
        "awardID": f"{ocid(project)}-award-{contract.pk}",
        "title": f"{project.name}合同（{contract.signing_unit.name}签订）",
        "status": "terminated" if terminated else "active",
        "value": money(contract.amount),
        "dateSigned": day_time(contract.signed_on),
    }
    notes = [exemption_note(contract.exemption)] if contract.exemption is not None else []
    notes += [
        f"支付 {payment.paid_on.isoformat()}（{payment.amount} 元）：{exemption_note(payment.exemption)}"
        for payment in project.payments.all()
        if payment.contract_id == contract.pk and payment.exemption is not None
    ]
    if notes:
        entry["description"] = "；".join(notes)
    if with_implementation:
        payer = parties.unit(contract.signing_unit, "payer")
        payee = parties.supplier(contract.supplier, "supplier", "payee")
        transactions = [
            {
                "id": f"{ocid(project)}-payment-{payment.pk}",
                "date": day_time(payment.paid_on),
                "value": money(payment.amount),
                "payer": payer,
                "payee": payee,
            }
            for payment in project.payments.all()
            if payment.contract_id == contract.pk
        ]
        milestones = [
            {
                "id": f"{ocid(project)}-module-{module.pk}",
                "title": f"{module.name}初验",
                "type": "delivery",
                "status": "met" if module.accepted_on else "scheduled",
                **({"dateMet": day_time(module.accepted_on)} if module.accepted_on else {}),
                "description": module.acceptance_note or "功能模块初验（衢政办发〔2020〕8号 三(三)5）",
            }
            for module in project.modules.all()
        ]
        implementation: dict = {}
        if transactions:
            implementation["transactions"] = transactions
        if milestones:
            implementation["milestones"] = milestones
        if implementation:
            entry["implementation"] = implementation
    return entry


def releases(project: Project, document_url) -> list[dict]:
    """planning → tender → award → contract → implementation, each a release as of when it happened."""
    out: list[dict] = []
    project_ocid = ocid(project)
    parties = Parties()
    planning = _planning(project, document_url)
    approved_on = next(
        (d.issued_on for d in project.documents.all() if d.kind == IssuedDocument.Kind.CONSULTATION_OPINION),
        None,
    )
    out.append(
        _release(
            project,
            "planning",
            "planning",
            _first_time(project, "leading_group_decide", approved_on),
            parties,
            planning=planning,
        )
    )
    tenders = list(project.tenders.all())
    contracts = list(project.contracts.all())
    awarded = {contract.tender_id for contract in contracts}
    for tender in tenders:
        parties = Parties()
        out.append(
            _release(
                project,
                "tender",
                f"tender-{tender.pk}",
                day_time(tender.published_on),
                parties,
                planning=planning,
                tender=_tender(project, tender, parties, complete=tender.pk in awarded),
            )
        )
    tender_of = {tender.pk: tender for tender in tenders}
    for contract in contracts:
        contract.tender = tender_of[contract.tender_id]
        parties = Parties()
        tender = _tender(project, contract.tender, parties, complete=True)
        out.append(
            _release(
                project,
                "award",
                f"award-{contract.pk}",
                day_time(contract.signed_on),
                parties,
                tender=tender,
                awards=[_award(project, contract, parties)],
            )
        )
        parties = Parties()
        out.append(
            _release(
                project,
                "contract",
                f"contract-{contract.pk}",
                day_time(contract.signed_on),
                parties,
                tender=_tender(project, contract.tender, parties, complete=True),
                awards=[_award(project, contract, parties)],
                contracts=[_contract(project, contract, parties, with_implementation=False)],
            )
        )
    implemented = [contract for contract in contracts if project.stage not in {Stage.PROCUREMENT}]
    if implemented and (list(project.payments.all()) or any(m.accepted_on for m in project.modules.all())):
        parties = Parties()
        latest = max(
            [p.paid_on for p in project.payments.all()]
            + [m.accepted_on for m in project.modules.all() if m.accepted_on]
        )
        out.append(
            _release(
                project,
                "implementation",
                f"implementation-{latest.isoformat()}",
                day_time(latest),
                parties,
                awards=[_award(project, contract, parties) for contract in implemented],
                contracts=[
                    _contract(project, contract, parties, with_implementation=True)
                    for contract in implemented
                ],
            )
        )
    assert all(release["ocid"] == project_ocid for release in out)
    return out


def publisher() -> dict:
    return {"name": "衢州市大数据发展管理局", "uri": "https://www.qz.gov.cn/"}


def release_package(projects, *, uri: str, document_url) -> dict:
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": moment(clock.now()),
        "publisher": publisher(),
        "releases": [release for project in projects for release in releases(project, document_url)],
    }


# -- OC4IDS --------------------------------------------------------------------------------------------


def _contracting_process(
    project: Project, tender: Tender, contracts: list[Contract], parties: Parties
) -> dict:
    own = [contract for contract in contracts if contract.tender_id == tender.pk]
    summary: dict = {
        "ocid": ocid(project),
        "title": tender.title,
        "status": "active"
        if own and project.stage not in {Stage.OPERATION, Stage.EVALUATED}
        else ("closed" if own else "pre-award"),
        "nature": ["construction"],
        "tender": {
            "procurementMethodDetails": tender.method,
            "costEstimate": money(tender.ceiling),
            "procuringEntity": parties.unit(project.owner_unit, "buyer", "procuringEntity"),
        },
    }
    if tender.method in PROCUREMENT_METHODS:
        summary["tender"]["procurementMethod"] = PROCUREMENT_METHODS[tender.method]
    if own:
        summary["suppliers"] = [parties.supplier(contract.supplier, "supplier") for contract in own]
        summary["contractValue"] = money(sum((contract.amount for contract in own), Decimal("0")))
        summary["contractPeriod"] = {"startDate": day_time(min(contract.signed_on for contract in own))}
    return {"id": f"{ocid(project)}-tender-{tender.pk}", "summary": summary}


def project_record(project: Project, document_url) -> dict:
    """One OC4IDS project: its identification, preparation (approvals and budget), implementation
    (contracting processes) and completion."""
    parties = Parties()
    parties.unit(project.owner_unit, "buyer", "procuringEntity")
    record: dict = {
        "id": f"{oc4ids_prefix()}-{project.pk}",
        "updated": moment(project.stage_changed_at),
        "title": project.name,
        "description": project.summary or project.name,
        "status": PROJECT_STATUS[Stage(project.stage)],
        "locations": [
            {
                "id": "1",
                "description": project.owner_unit.get_region_code_display(),
                "address": {"region": project.owner_unit.get_region_code_display(), "countryName": "中国"},
            }
        ],
    }
    if project.category:
        record["additionalClassifications"] = [
            {
                "scheme": "衢政办发〔2020〕8号 项目类别",
                "id": str(project.category),
                "description": CATEGORY_LABELS[project.category],
            }
        ]
    if project.build_type in PROJECT_TYPES:
        record["type"] = PROJECT_TYPES[project.build_type]
    if project.approved_on:
        period = {"startDate": day_time(project.approved_on)}
        if project.final_accepted_on:
            period["endDate"] = day_time(project.final_accepted_on)
        record["period"] = period
    if project.approved_estimate is not None:
        record["budget"] = {"amount": money(project.approved_estimate)}
        if project.approved_on:
            record["budget"]["approvalDate"] = day_time(project.approved_on)
    funding = getattr(project, "funding", None) if hasattr(project, "funding") else None
    if funding is not None:
        record.setdefault("budget", {})["budgetBreakdown"] = [
            {
                "id": "funding",
                "description": funding.source or "财政资金",
                "amount": money(funding.amount),
                "sourceParty": parties.add("CN-UNIT-finance", "衢州市财政局", "funder"),
            }
        ]
    documents = [_document(document, document_url(document)) for document in project.documents.all()]
    documents += _material_documents(project, document_url)
    if documents:
        record["documents"] = documents
    contracts = list(project.contracts.all())
    processes = [
        _contracting_process(project, tender, contracts, parties) for tender in project.tenders.all()
    ]
    if processes:
        record["contractingProcesses"] = processes
    if project.stage in {Stage.OPERATION, Stage.EVALUATED} and project.final_accepted_on:
        paid = sum((payment.amount for payment in project.payments.all()), Decimal("0"))
        record["completion"] = {
            "endDate": day_time(project.final_accepted_on),
            "finalValue": money(paid),
            "finalValueDetails": f"截至终验累计支付；核定概算价{project.approved_estimate}元",
            "finalScope": "；".join(module.name for module in project.modules.all()) or project.name,
        }
    record["parties"] = parties.as_list()
    return record


def project_package(projects, *, uri: str, document_url) -> dict:
    return {
        "version": OC4IDS_VERSION,
        "uri": uri,
        "publishedDate": moment(clock.now()),
        "publisher": publisher(),
        "projects": [project_record(project, document_url) for project in projects],
    }
