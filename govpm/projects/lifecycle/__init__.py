"""The lifecycle of 衢政办发〔2020〕8号: one function per action, called by the API and the web UI alike."""

from collections.abc import Callable
from typing import Any

from .acceptance import (
    apply_final_acceptance,
    decide_final_acceptance,
    file_external_acceptance,
    record_external_filing,
)
from .approval import (
    accept_application,
    issue_design_approval,
    issue_price_review,
    record_funding,
    record_project_code,
)
from .deadlines import process_deadlines, remind_stale_reviews
from .estimates import record_estimate_review
from .evaluation import list_zombie, record_post_evaluation
from .exemptions import grant_exemption
from .experts import add_expert, draw_experts
from .finance import (
    apply_estimate_change,
    decide_estimate_change,
    record_settlement,
    record_supervision,
    set_payment_schedule,
)
from .implementation import (
    pass_module_acceptance,
    plan_implementation,
    record_inspection,
    record_midterm_review,
    record_payment,
    submit_data_dictionary,
)
from .intake import create_project, precheck, reopen, review_needs, submit, terminate, update_draft, withdraw
from .locks import retry_once
from .procurement import record_contract, record_tender, start_implementation, start_procurement
from .review import (
    issue_consultation,
    leading_group_decide,
    open_scheme,
    record_opinion,
    remind_reviewers,
    submit_scheme,
)

# Action code (stages.ACTIONS) → the one function that carries it out.
ACTION_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "update": update_draft,
    "precheck": precheck,
    "submit": submit,
    "review_needs": review_needs,
    "reopen": reopen,
    "open_scheme": open_scheme,
    "submit_scheme": submit_scheme,
    "draw_experts": draw_experts,
    "record_opinion": record_opinion,
    "remind_reviewers": remind_reviewers,
    "issue_consultation": issue_consultation,
    "leading_group_decide": leading_group_decide,
    "accept_application": accept_application,
    "issue_design_approval": issue_design_approval,
    "issue_price_review": issue_price_review,
    "record_project_code": record_project_code,
    "record_funding": record_funding,
    "start_procurement": start_procurement,
    "record_tender": record_tender,
    "record_contract": record_contract,
    "start_implementation": start_implementation,
    "record_inspection": record_inspection,
    "record_midterm_review": record_midterm_review,
    "record_payment": record_payment,
    "submit_data_dictionary": submit_data_dictionary,
    "pass_module_acceptance": pass_module_acceptance,
    "apply_final_acceptance": apply_final_acceptance,
    "decide_final_acceptance": decide_final_acceptance,
    "file_external_acceptance": file_external_acceptance,
    "record_external_filing": record_external_filing,
    "plan_implementation": plan_implementation,
    "grant_exemption": grant_exemption,
    "record_post_evaluation": record_post_evaluation,
    "list_zombie": list_zombie,
    "withdraw": withdraw,
    "terminate": terminate,
    "record_estimate_review": record_estimate_review,
    "apply_estimate_change": apply_estimate_change,
    "decide_estimate_change": decide_estimate_change,
    "set_payment_schedule": set_payment_schedule,
    "record_settlement": record_settlement,
    "record_supervision": record_supervision,
}

# What the API and the web UI call: a transaction PostgreSQL aborted on a lock cycle runs once more,
# then answers 409 (locks.retry_once).
ACTION_FUNCTIONS = {code: retry_once(function) for code, function in ACTION_FUNCTIONS.items()}

__all__ = ["ACTION_FUNCTIONS", "add_expert", "create_project", "process_deadlines", "remind_stale_reviews"]
