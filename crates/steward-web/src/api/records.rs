//! Routes for information requests, the subject access document and the printable
//! acceptance form.

use super::openapi::Access::{Member, Officer, Token};
use super::openapi::{self, BodyDoc, Op};
use super::{Routes, handlers as h};

pub(super) fn routes(r: Routes) -> Routes {
    r.add(
        Op::get(
            "/people/{ref}/acceptance-form",
            "The acceptance form of the policy in force, pre-filled for a person, with its form reference",
            Officer,
        ),
        h::acceptance_form,
    )
    .add(
        Op::get(
            "/people/{ref}/acceptance-form.pdf",
            "The acceptance form as a PDF to print",
            Officer,
        ),
        h::acceptance_form_pdf,
    )
    .add(
        Op::get(
            "/people/{ref}/subject-access",
            "Everything held about a person, other people redacted; for the offices that handle information requests, and audited",
            Token,
        ),
        h::subject_access,
    )
    .add(
        Op::get(
            "/people/{ref}/subject-access.pdf",
            "The subject access document as a PDF; audited",
            Token,
        ),
        h::subject_access_pdf,
    )
    .add(
        Op::get(
            "/information-requests",
            "Information requests the caller handles (auditors: all), with their deadlines",
            Token,
        )
        .query(&[
            "limit", "cursor", "q", "sort", "dir", "kind", "open", "as_of",
        ]),
        h::info_list,
    )
    .add(
        Op::post(
            "/information-requests",
            "Record an FOI, EIR or subject access request received",
            Token,
        )
        .body(BodyDoc::Json(openapi::info_receive)),
        h::info_receive,
    )
    .add(
        Op::get(
            "/information-requests/{key}",
            "One information request by id or reference",
            Token,
        )
        .query(&["as_of"]),
        h::info_show,
    )
    .add(
        Op::post(
            "/information-requests/{key}/pause",
            "Stop the clock: clarification was asked for",
            Token,
        )
        .body(BodyDoc::Json(openapi::info_pause)),
        h::info_pause,
    )
    .add(
        Op::post(
            "/information-requests/{key}/resume",
            "Restart the clock: the requester clarified",
            Token,
        )
        .body(BodyDoc::Json(openapi::info_resume)),
        h::info_resume,
    )
    .add(
        Op::post(
            "/information-requests/{key}/extend",
            "Extend the deadline as the law allows",
            Token,
        )
        .body(BodyDoc::Json(openapi::info_extend)),
        h::info_extend,
    )
    .add(
        Op::post(
            "/information-requests/{key}/ask",
            "Ask someone in the register to search for what they hold",
            Token,
        )
        .body(BodyDoc::Json(openapi::info_ask)),
        h::info_ask,
    )
    .add(
        Op::post(
            "/information-requests/{key}/answer",
            "Record a helper's answer given another way",
            Token,
        )
        .body(BodyDoc::Json(openapi::info_answer)),
        h::info_answer,
    )
    .add(
        Op::post(
            "/information-requests/{key}/identity",
            "Record that a subject access requester's identity was checked",
            Token,
        )
        .body(BodyDoc::Json(openapi::info_identity)),
        h::info_identity,
    )
    .add(
        Op::post(
            "/information-requests/{key}/close",
            "Close a request answered or refused",
            Token,
        )
        .body(BodyDoc::Json(openapi::info_close)),
        h::info_close,
    )
    .add(
        Op::get(
            "/me/information-requests",
            "Information requests the caller was asked to help with",
            Member,
        ),
        h::my_info_asks,
    )
    .add(
        Op::post(
            "/me/information-requests/{id}/answer",
            "Say what one holds for a request one was asked about",
            Member,
        )
        .body(BodyDoc::Json(openapi::my_info_answer)),
        h::my_info_answer,
    )
}
