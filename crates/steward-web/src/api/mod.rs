//! The JSON API at `/api/v1`: the register's commands and reads for callers holding an API
//! token (`Authorization: Bearer stw_...`), with failures as RFC 9457 problem details.
//!
//! Routes are registered only through [`Routes::add`], which records each one's documentation
//! beside it, so the OpenAPI document (`/api/v1/openapi.json`) lists exactly what is served.

#[cfg(test)]
mod audit_tests;
pub(crate) mod error;
mod extract;
mod handlers;
mod openapi;
mod records;
#[cfg(test)]
mod tests;

use crate::{Now, Today};
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use axum::{Json, Router};
use error::ApiError;
use handlers as h;
use openapi::{BodyDoc, Op};
use std::sync::Arc;
use steward_store::Store;

#[derive(Clone)]
pub(crate) struct ApiState {
    store: Store,
    today: Today,
    now: Now,
    document: Arc<serde_json::Value>,
    touches: Arc<crate::touches::Touches>,
    due: Arc<steward_domain::ops::due::DueCache>,
    counts: Arc<steward_domain::ops::kept::KeptCounts>,
    checks: Arc<crate::verifying::Checks>,
    /// Whether this server sends email: then new accounts are invited, not given passwords.
    sends_mail: bool,
}

/// The router under construction and the documentation of every route added to it.
struct Routes {
    router: Router<ApiState>,
    ops: Vec<Op>,
}

impl Routes {
    /// Adds a route; what it answers on success is read from the handler's return type.
    fn add<H, T, A>(mut self, mut op: Op, handler: H) -> Self
    where
        H: Handler<T, ApiState> + openapi::Returns<A>,
        <H as openapi::Returns<A>>::Output: openapi::Described,
        T: 'static,
    {
        op.answer = Some(<<H as openapi::Returns<A>>::Output as openapi::Described>::answer);
        let method: MethodRouter<ApiState> = if op.method == Method::POST {
            post(handler)
        } else {
            get(handler)
        };
        self.router = self.router.route(op.path, method);
        self.ops.push(op);
        self
    }
}

use openapi::Access::{Admin, Auditor, Member, Officer, Public, Reader, ReaderOrMember, Token};

/// Every route of the API with its documentation.
fn routes() -> Routes {
    records::routes(core_routes())
}

fn core_routes() -> Routes {
    let r = Routes {
        router: Router::new(),
        ops: Vec::new(),
    };
    let list = &["limit", "cursor"];
    let dated_list = &["limit", "cursor", "as_of"];
    r.add(
        Op::get("/openapi.json", "This OpenAPI document", Public),
        openapi_json,
    )
    .add(
        Op::get(
            "/me",
            "The caller's own person record, offices and signature",
            Member,
        )
        .query(&["as_of"]),
        h::me,
    )
    .add(
        Op::get(
            "/me/loans",
            "The caller's own loans, with due dates and clauses",
            Member,
        )
        .query(dated_list),
        h::my_loans,
    )
    .add(
        Op::post(
            "/me/acceptance",
            "Sign the policy in force by typing one's name",
            Member,
        )
        .body(BodyDoc::Json(openapi::typed_signature)),
        h::sign_myself,
    )
    .add(
        Op::get(
            "/policy",
            "The policy version in force, with its rules",
            ReaderOrMember,
        )
        .query(&["as_of"]),
        h::policy_in_force,
    )
    .add(
        Op::get("/policy/versions", "Every adopted policy version", Reader).query(list),
        h::policy_versions,
    )
    .add(
        Op::get(
            "/policy/versions/{n}",
            "One policy version, with its rules",
            ReaderOrMember,
        ),
        h::policy_version,
    )
    .add(
        Op::get("/policy/presets", "The built-in policy presets", Reader),
        h::policy_presets,
    )
    .add(
        Op::post("/policy/check", "Check a policy pack's TOML text", Reader).body(BodyDoc::Toml),
        h::policy_check,
    )
    .add(
        Op::post(
            "/policy/changes",
            "What adopting a pack would change, in words, and who must sign; adopts nothing",
            Reader,
        )
        .body(BodyDoc::Json(openapi::adopt)),
        h::policy_changes,
    )
    .add(
        Op::post("/policy/adopt", "Adopt a new policy version", Admin)
            .body(BodyDoc::Json(openapi::adopt)),
        h::policy_adopt,
    )
    .add(
        Op::get("/people", "People in the register", Reader).query(&[
            "limit", "cursor", "q", "sort", "dir", "kind", "in_office", "as_of",
        ]),
        h::people_list,
    )
    .add(
        Op::post("/people", "Register a person", Officer)
            .body(BodyDoc::Json(openapi::add_person)),
        h::people_add,
    )
    .add(
        Op::get(
            "/people/{ref}",
            "One person with terms, offices and loans",
            Reader,
        ),
        h::person_show,
    )
    .add(
        Op::post(
            "/people/{ref}/edit",
            "Correct a person's name, email, kind or household",
            Officer,
        )
        .body(BodyDoc::Json(openapi::edit_person)),
        h::person_edit,
    )
    .add(
        Op::post("/people/{ref}/offices", "Give a person an office", Officer)
            .body(BodyDoc::Json(openapi::add_office)),
        h::person_office,
    )
    .add(
        Op::post("/people/{ref}/leave", "A person leaves office", Officer)
            .body(BodyDoc::Json(openapi::leave)),
        h::person_leave,
    )
    .add(
        Op::post(
            "/people/import",
            "Import people from a CSV file; any bad row imports nothing",
            Officer,
        )
        .body(BodyDoc::Csv(openapi::people_file)),
        h::people_import,
    )
    .add(
        Op::post(
            "/people/{ref}/offices/{office}/end",
            "End a person's office",
            Officer,
        )
        .body(BodyDoc::Json(openapi::end_office)),
        h::person_office_end,
    )
    .add(
        Op::post(
            "/people/{ref}/terms",
            "Start a new term for a person",
            Officer,
        )
        .body(BodyDoc::Json(openapi::new_term)),
        h::person_term,
    )
    .add(
        Op::get(
            "/equipment",
            "Equipment in the register, each item with whoever holds it; sort by tag, kind, \
             model, state or purchased",
            Reader,
        )
        .query(&["limit", "cursor", "q", "sort", "dir", "kind", "state"]),
        h::equipment_list,
    )
    .add(
        Op::post("/equipment", "Register an item of equipment", Officer)
            .body(BodyDoc::Json(openapi::add_equipment)),
        h::equipment_add,
    )
    .add(
        Op::post(
            "/equipment/import",
            "Import equipment from a CSV file; any bad row imports nothing",
            Officer,
        )
        .body(BodyDoc::Csv(openapi::equipment_file)),
        h::equipment_import,
    )
    .add(
        Op::get("/equipment/{tag}", "One item and its open loan", Reader),
        h::equipment_show,
    )
    .add(
        Op::post(
            "/equipment/{tag}/pat-test",
            "Record a passed PAT test",
            Officer,
        )
        .body(BodyDoc::Json(openapi::pat_test)),
        h::equipment_pat_test,
    )
    .add(
        Op::post(
            "/equipment/{tag}/edit",
            "Correct an item's model, serial number, replacement cost or purchase date",
            Officer,
        )
        .body(BodyDoc::Json(openapi::edit_equipment)),
        h::equipment_edit,
    )
    .add(
        Op::post("/equipment/{tag}/state", "Change an item's state", Officer)
            .body(BodyDoc::Json(openapi::set_state)),
        h::equipment_state,
    )
    .add(
        Op::get(
            "/acceptances",
            "Who has signed the policy in force; sort by name, reference or kind",
            Reader,
        )
        .query(&["limit", "cursor", "q", "sort", "dir", "as_of", "outstanding"]),
        h::acceptances_list,
    )
    .add(
        Op::post("/acceptances", "Record a signed paper form", Officer)
            .body(BodyDoc::Json(openapi::paper_form)),
        h::acceptance_paper,
    )
    .add(
        Op::get(
            "/loans",
            "Loans, oldest first unless sorted otherwise: by number, lent_on, return_by or \
             returned_on",
            Reader,
        )
        .query(&[
            "limit", "cursor", "q", "sort", "dir", "show", "as_of", "open",
        ]),
        h::loans_list,
    )
    .add(
        Op::get(
            "/loans/{id}",
            "One loan (members: their own only)",
            ReaderOrMember,
        )
        .query(&["as_of"]),
        h::loan_show,
    )
    .add(
        Op::post(
            "/loans/check",
            "Ask the policy about a loan, without lending",
            Officer,
        )
        .body(BodyDoc::Json(openapi::issue)),
        h::loan_check,
    )
    .add(
        Op::post(
            "/loans",
            "Issue a loan; refused with the gates and clauses",
            Officer,
        )
        .body(BodyDoc::Json(openapi::issue)),
        h::loan_issue,
    )
    .add(
        Op::post(
            "/loans/{id}/extend",
            "Extend a loan with approvals",
            Officer,
        )
        .body(BodyDoc::Json(openapi::extend)),
        h::loan_extend,
    )
    .add(
        Op::post("/loans/{id}/recall", "Recall a loan", Officer)
            .body(BodyDoc::Json(openapi::recall)),
        h::loan_recall,
    )
    .add(
        Op::post("/loans/{id}/return", "Record a loan's return", Officer),
        h::loan_return,
    )
    .add(
        Op::post(
            "/loans/{id}/charge",
            "Raise the charge the policy allows",
            Officer,
        ),
        h::loan_charge,
    )
    .add(
        Op::get(
            "/phone-lines",
            "Council phone lines, removed ones too",
            Reader,
        )
        .query(list),
        h::phone_lines_list,
    )
    .add(
        Op::post(
            "/phone-lines",
            "Register a number as a phone's line",
            Officer,
        )
        .body(BodyDoc::Json(openapi::add_phone_line)),
        h::phone_line_add,
    )
    .add(
        Op::post(
            "/phone-lines/{id}/remove",
            "Stop a number being its phone's line",
            Officer,
        ),
        h::phone_line_remove,
    )
    .add(
        Op::get(
            "/phone-bills",
            "Imported phone bills with each holder's share; found by a line's number or a holder's name or reference; sorts: month, imported",
            Reader,
        )
        .query(&["limit", "cursor", "q", "sort", "dir", "month"]),
        h::phone_bills_list,
    )
    .add(
        Op::post(
            "/phone-bills/import/{period}",
            "Import a month's itemised bill from CSV; any bad row imports nothing",
            Officer,
        )
        .body(BodyDoc::Csv(openapi::phone_bill_file)),
        h::phone_bill_import,
    )
    .add(
        Op::get(
            "/phone-bills/{id}",
            "One phone bill with every item",
            Reader,
        ),
        h::phone_bill_show,
    )
    .add(
        Op::post(
            "/phone-bills/{id}/statements",
            "Issue a holder's statement for their personal calls on a bill",
            Officer,
        )
        .body(BodyDoc::Json(openapi::issue_phone_statement)),
        h::phone_statement_issue,
    )
    .add(
        Op::get(
            "/phone-statements",
            "Statements for personal calls, with what is still owed; found by the holder's name or reference or the line's number; sorts: issued, owed",
            Reader,
        )
        .query(&["limit", "cursor", "q", "sort", "dir", "outstanding"]),
        h::phone_statements_list,
    )
    .add(
        Op::get(
            "/phone-statements/{id}",
            "One statement and its payments (members: their own only)",
            ReaderOrMember,
        ),
        h::phone_statement_show,
    )
    .add(
        Op::post(
            "/phone-statements/{id}/payments",
            "Record a payment; more than is still owed is refused",
            Officer,
        )
        .body(BodyDoc::Json(openapi::phone_payment)),
        h::phone_payment,
    )
    .add(
        Op::get(
            "/me/phone-bills",
            "The caller's own items on each phone bill, and where each stands",
            Member,
        )
        .query(list),
        h::my_phone_bills,
    )
    .add(
        Op::post(
            "/me/phone-bills/{id}/personal",
            "Mark which of the caller's items on a bill were personal",
            Member,
        )
        .body(BodyDoc::Json(openapi::phone_marks)),
        h::my_phone_marks,
    )
    .add(
        Op::get(
            "/due",
            "What is due: returns, charges, signatures, PAT tests; a page, with counts by kind",
            Reader,
        )
        .query(&["limit", "cursor", "q", "sort", "dir", "kind", "as_of"]),
        h::due_report,
    )
    .add(
        Op::get(
            "/notifications",
            "Email notices in the outbox (members: their own only)",
            ReaderOrMember,
        )
        .query(&["limit", "cursor", "q", "sort", "dir", "state"]),
        h::notifications_list,
    )
    .add(
        Op::get(
            "/notifications/{id}",
            "One notice message with its text (members: their own only)",
            ReaderOrMember,
        ),
        h::notification_show,
    )
    .add(
        Op::post(
            "/notifications/{id}/retry",
            "Queue a failed message, or one that had no address, to be sent again",
            Officer,
        ),
        h::notification_retry,
    )
    .add(
        Op::post(
            "/notifications/{id}/resolve",
            "Settle a message that may have been sent: it arrived, or send it again",
            Officer,
        )
        .body(BodyDoc::Json(openapi::resolve_message)),
        h::notification_resolve,
    )
    .add(
        Op::get(
            "/audit",
            "The audit trail by sequence number, oldest first (dir=desc for newest first); a time range lists by time",
            Reader,
        )
        .query(&[
            "limit",
            "cursor",
            "sort",
            "dir",
            "entity",
            "entity_id",
            "action",
            "actor",
            "from",
            "to",
        ]),
        h::audit_log,
    )
    .add(
        Op::get(
            "/audit/verify",
            "Verify the whole audit chain; one check per council at a time (429 while one runs)",
            Auditor,
        ),
        h::audit_verify,
    )
    .add(
        Op::post(
            "/people/leave",
            "Many people leave office at once, from CSV (reference,left_on,reason)",
            Officer,
        )
        .body(BodyDoc::Csv(openapi::leavers_file)),
        h::people_leave_many,
    )
    .add(
        Op::get(
            "/requests",
            "Requests the caller may see: their offices' queues and approvals",
            Token,
        )
        .query(&[
            "limit", "cursor", "q", "sort", "dir", "state", "office", "late", "assigned",
        ]),
        h::requests_list,
    )
    .add(
        Op::post(
            "/requests",
            "Raise a request for someone, or for the council",
            Officer,
        )
        .body(BodyDoc::Json(openapi::raise_request)),
        h::request_raise,
    )
    .add(
        Op::get("/me/requests", "The caller's own requests", Member).query(&[
            "limit", "cursor", "q", "sort", "dir", "state", "late",
        ]),
        h::my_requests,
    )
    .add(
        Op::post(
            "/me/requests",
            "Report a problem or ask for something for oneself",
            Member,
        )
        .body(BodyDoc::Json(openapi::raise_request)),
        h::my_request_raise,
    )
    .add(
        Op::get(
            "/requests/{id}",
            "One request with its history, approvals and follow-ups",
            Token,
        ),
        h::request_show,
    )
    .add(
        Op::post("/requests/{id}/comments", "Comment on a request", Token)
            .body(BodyDoc::Json(openapi::comment)),
        h::request_comment,
    )
    .add(
        Op::post(
            "/requests/{id}/assign",
            "Take up a request, or give it to an officer of the handling office; audited",
            Token,
        )
        .body(BodyDoc::Json(openapi::assign)),
        h::request_assign,
    )
    .add(
        Op::post(
            "/requests/{id}/decision",
            "Approve or refuse a request, with a reason",
            Token,
        )
        .body(BodyDoc::Json(openapi::decision)),
        h::request_decide,
    )
    .add(
        Op::post(
            "/requests/{id}/tasks/{task}/done",
            "Mark a follow-up done",
            Token,
        )
        .body(BodyDoc::Json(openapi::task_done)),
        h::request_task_done,
    )
    .add(
        Op::post("/requests/{id}/resolve", "Resolve a request", Token)
            .body(BodyDoc::Json(openapi::resolve)),
        h::request_resolve,
    )
    .add(
        Op::post("/requests/{id}/withdraw", "Withdraw a request", Token)
            .body(BodyDoc::Json(openapi::withdraw)),
        h::request_withdraw,
    )
    .add(
        Op::get(
            "/web-exceptions",
            "Web exceptions in force now, or at `from`",
            Reader,
        )
        .query(&["limit", "cursor", "from"]),
        h::web_exceptions,
    )
    .add(
        Op::get(
            "/cases",
            "Breach cases the caller handles (auditors: all)",
            Token,
        )
        .query(&["limit", "cursor", "q", "sort", "dir", "state"]),
        h::cases_list,
    )
    .add(
        Op::post(
            "/cases",
            "Raise a concern about someone's use of council ICT",
            Token,
        )
        .body(BodyDoc::Json(openapi::concern)),
        h::case_raise,
    )
    .add(
        Op::get("/cases/{id}", "Open a case; every look is audited", Token),
        h::case_show,
    )
    .add(
        Op::post("/cases/{id}/notes", "Add a handler's note", Token)
            .body(BodyDoc::Json(openapi::case_note)),
        h::case_note,
    )
    .add(
        Op::post(
            "/cases/{id}/escalate",
            "Refer a serious case where the policy sends them",
            Token,
        )
        .body(BodyDoc::Json(openapi::escalate)),
        h::case_escalate,
    )
    .add(
        Op::post(
            "/cases/{id}/close",
            "Close a case with an outcome the policy provides for",
            Token,
        )
        .body(BodyDoc::Json(openapi::close_case)),
        h::case_close,
    )
    .add(
        Op::post(
            "/cases/{id}/restore-access",
            "Lift the withdrawal of access a case made",
            Token,
        ),
        h::case_restore,
    )
    .add(
        Op::get(
            "/users",
            "The council's accounts; found by username or the name or reference of the person each acts as; sorts: username, role, last_sign_in, created",
            Admin,
        )
        .query(&["limit", "cursor", "q", "sort", "dir", "role", "status"]),
        h::users_list,
    )
    .add(
        Op::get(
            "/oidc",
            "How the council signs in with its identity provider: the issuer, client id, role mapping and where the server reads the client secret from (never the secret); null settings where everyone uses a password",
            Admin,
        ),
        h::oidc_settings,
    )
    .add(
        Op::get(
            "/directory",
            "Where the council's people are read from and how: the directory, its attributes and group mapping, whether the server syncs daily, and where it reads any secret from (never the secret)",
            Admin,
        ),
        h::directory_settings,
    )
    .add(
        Op::post(
            "/users",
            "Make an account: where the server sends email its holder is invited to choose their own password, elsewhere it gets a temporary one",
            Admin,
        )
        .body(BodyDoc::Json(openapi::new_user)),
        h::user_create,
    )
    .add(
        Op::post(
            "/users/{username}/invite",
            "Invite an account's holder by email to choose their password; a link good once for 72 hours from sending, which ends any earlier one",
            Admin,
        )
        .body(BodyDoc::Json(openapi::invite_user)),
        h::user_invite,
    )
    .add(
        Op::post(
            "/users/{username}/disable",
            "Disable an account and end its sessions",
            Admin,
        ),
        h::user_disable,
    )
    .add(
        Op::post("/users/{username}/enable", "Enable an account", Admin),
        h::user_enable,
    )
    .add(
        Op::post(
            "/users/{username}/password",
            "Reset a password; its holder chooses their own at next sign-in",
            Admin,
        )
        .body(BodyDoc::Json(openapi::reset_password)),
        h::user_reset_password,
    )
    .add(
        Op::get(
            "/tokens",
            "The council's API tokens, never their secrets; found by name or the owning account's username; sorts: created, name, last_used, expires",
            Admin,
        )
        .query(&["limit", "cursor", "q", "sort", "dir", "status"]),
        h::tokens_list,
    )
    .add(
        Op::post(
            "/tokens",
            "Make an API token; its secret is shown only here",
            Admin,
        )
        .body(BodyDoc::Json(openapi::new_token)),
        h::token_create,
    )
    .add(
        Op::post("/tokens/{id}/revoke", "Revoke an API token", Admin),
        h::token_revoke,
    )
    .add(
        Op::get(
            "/web-identities",
            "Everyone the web filter would recognise on the day, by reference: people with a proxy user name or a device with network addresses on loan to them, with those names and devices",
            Officer,
        )
        .query(&["limit", "cursor", "q", "sort", "dir", "as_of"]),
        h::web_identities_list,
    )
    .add(
        Op::get(
            "/people/{ref}/web-identities",
            "The names the web proxy knows a person by, and devices on loan to them today with their addresses",
            Officer,
        ),
        h::web_identities,
    )
    .add(
        Op::post(
            "/people/{ref}/web-identities",
            "Record a name the person gives the web proxy",
            Officer,
        )
        .body(BodyDoc::Json(openapi::proxy_name)),
        h::web_identity_add,
    )
    .add(
        Op::post(
            "/people/{ref}/web-identities/remove",
            "Forget one of a person's proxy user names",
            Officer,
        )
        .body(BodyDoc::Json(openapi::proxy_name)),
        h::web_identity_remove,
    )
    .add(
        Op::post(
            "/equipment/{tag}/addresses",
            "Set an item's network addresses, by which the web filter knows whoever has it on loan",
            Officer,
        )
        .body(BodyDoc::Json(openapi::equipment_addresses)),
        h::equipment_addresses_set,
    )
    .add(
        Op::post(
            "/posture/import/fleet",
            "Take in Fleet's host results (the answer of its hosts endpoint with policies) and the map saying which check each of the council's Fleet policies verifies; any bad host imports nothing",
            Officer,
        )
        .body(BodyDoc::Json(openapi::fleet_import)),
        h::posture_import_fleet,
    )
    .add(
        Op::post(
            "/posture/import/{format}",
            "Take in a file of device checks: format steward (CSV or JSON Lines), intune (Graph managedDevices JSON or the compliance report CSV) or osquery (its results log); any bad row imports nothing",
            Officer,
        )
        .body(BodyDoc::Text(openapi::posture_file)),
        h::posture_import,
    )
    .add(
        Op::get(
            "/posture",
            "Every item a device management tool has reported on, a page at a time by asset tag, with each duty's latest result and the findings: failing or unknown duties, silence past the policy's check-in age, software not authorised, each with its clause",
            Reader,
        )
        .query(&["limit", "cursor"]),
        h::posture_findings,
    )
    .add(
        Op::get(
            "/equipment/{tag}/posture",
            "One item's compliance with the policy's device duties, by duty, with its findings and clauses",
            Reader,
        ),
        h::equipment_posture,
    )
    .add(
        Op::get(
            "/mail/forwards",
            "The forwards set on the council's mailboxes in the latest snapshots, each with what the policy says of it and the clause; for the offices the policy names and auditors; found by the person's name or reference; sorts: mailbox, outcome",
            Reader,
        )
        .query(&["outcome", "person", "limit", "cursor", "q", "sort", "dir"]),
        h::mail_forwards,
    )
    .add(
        Op::post(
            "/mail/forwards/import",
            "Import a snapshot of mailbox forwarding (Graph messageRules JSON, or an Exchange Get-InboxRule or Get-Mailbox CSV export); it replaces the forwards of its kind, and a snapshot with any problem imports nothing",
            Officer,
        )
        .body(BodyDoc::Json(openapi::forwarding_import)),
        h::mail_forwards_import,
    )
    .add(
        Op::get(
            "/mail/decisions",
            "What the outbound milter decided about each message, newest first: accepted, refused or held, whether the disclaimer was added, and each reason with its clause; for the offices the policy names and auditors; sorts: decided, action",
            Reader,
        )
        .query(&["action", "flagged", "limit", "cursor", "q", "sort", "dir"]),
        h::mail_decisions,
    )
    .add(
        Op::get(
            "/findings",
            "What scanning the web proxy's logs found, per identity, category and day; for the offices the policy names and auditors; found by the person's name or reference; sorts: day, category",
            Reader,
        )
        .query(&["person", "category", "from", "to", "limit", "cursor", "q", "sort", "dir"]),
        h::findings,
    )
    .add(
        Op::get(
            "/reports/{name}",
            "A report's rows, columns and chart figures: overdue, signatures, refresh, requests, equipment, compliance (device compliance by day or week and duty, from `from` to `as_of`, at most a year) or findings (monitoring findings over time, from `from` to `as_of`; only for the offices the policy names and auditors)",
            Reader,
        )
        .query(&["as_of", "from"]),
        h::report_rows,
    )
    .add(
        Op::get(
            "/retention",
            "What the policy's retention periods make due for purging today",
            Admin,
        ),
        h::retention_plan,
    )
    .add(
        Op::post(
            "/retention/purge",
            "Purge what is due: personal data removed, audit data erased, the purge recorded",
            Admin,
        ),
        h::retention_purge,
    )
}

/// The API, to be nested at `/api/v1`, sharing the application's store and clocks.
pub(crate) fn router<S: Clone + Send + Sync + 'static>(app: &crate::AppState) -> Router<S> {
    with_parts(
        app.store.clone(),
        app.today.clone(),
        app.now.clone(),
        app.touches.clone(),
        app.due.clone(),
        app.counts.clone(),
        app.checks.clone(),
        app.sends_mail,
    )
}

// Each part of the API's state, as the server or a test builds it.
#[allow(clippy::too_many_arguments)]
fn with_parts<S: Clone + Send + Sync + 'static>(
    store: Store,
    today: Today,
    now: Now,
    touches: Arc<crate::touches::Touches>,
    due: Arc<steward_domain::ops::due::DueCache>,
    counts: Arc<steward_domain::ops::kept::KeptCounts>,
    checks: Arc<crate::verifying::Checks>,
    sends_mail: bool,
) -> Router<S> {
    let Routes { router, ops } = routes();
    let document = Arc::new(openapi::document(&ops));
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(whole_body))
        .with_state(ApiState {
            store,
            today,
            now,
            document,
            touches,
            due,
            counts,
            checks,
            sends_mail,
        })
}

/// The largest request body the API reads.
pub(crate) const BODY_LIMIT: usize = crate::limits::BODY;

/// Reads every request's body before it is answered, whatever the handler does with it. A
/// response sent while part of the body is unread would make the connection unusable, and a
/// client reusing it for its next request would find it closed; a body over the limit is
/// answered 413 here, for every endpoint alike.
async fn whole_body(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => {
            next.run(axum::extract::Request::from_parts(
                parts,
                axum::body::Body::from(bytes),
            ))
            .await
        }
        Err(_) => ApiError::too_large().into_response(),
    }
}

async fn openapi_json(
    axum::extract::State(state): axum::extract::State<ApiState>,
) -> Json<openapi::Document> {
    Json(openapi::Document(state.document.clone()))
}

async fn not_found() -> ApiError {
    ApiError::not_found("there is no such API endpoint; see /api/v1/openapi.json")
}

async fn method_not_allowed() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        "this endpoint does not take that method; see /api/v1/openapi.json",
    )
    .into_response()
}
