//! The table of actions and their words, in the order of the kinds of record they concern.

use super::{ActionWords, Say, opt};
use crate::ops::audit_log::words::{code_words, day_words, moment_words, role_words, with_article};
use serde_json::Value;

const fn words(
    action: &'static str,
    label: &'static str,
    say: fn(&Say<'_>) -> String,
) -> ActionWords {
    ActionWords { action, label, say }
}

/// Every action the program records.
pub static ACTIONS: &[ActionWords] = &[
    // People, their terms and offices.
    words("person.add", "Added a person", |s| {
        format!(
            "{} added {} to the register{}",
            s.who(),
            s.person(),
            opt(
                " as ",
                s.text("kind").map(|k| with_article(&code_words(&k)))
            )
        )
    }),
    words("person.edit", "Corrected a person's details", |s| {
        format!(
            "{} corrected {} of {}",
            s.who(),
            s.changed(&[
                ("name", "the name"),
                ("email", "the email address"),
                ("kind", "the kind of person"),
                ("household", "the household"),
            ])
            .unwrap_or_else(|| "the details".to_string()),
            s.person()
        )
    }),
    words("term.start", "Recorded a term", |s| {
        format!(
            "{} recorded a term for {}{}{}",
            s.who(),
            s.person(),
            opt(" from ", s.day("starts")),
            opt(" to ", s.day("ends"))
        )
    }),
    words("term.end", "Ended a term", |s| {
        format!(
            "{} recorded that the term of {} ended{}{}",
            s.who(),
            s.person(),
            opt(" on ", s.day("ends")),
            opt(
                " (",
                s.text("end_reason").map(|r| format!("{})", code_words(&r)))
            )
        )
    }),
    words("office.assign", "Appointed to an office", |s| {
        format!(
            "{} appointed {} as {}{}",
            s.who(),
            s.person(),
            s.text("office")
                .map_or_else(|| "an office holder".to_string(), |o| code_words(&o)),
            opt(" from ", s.day("starts"))
        )
    }),
    words("office.end", "Ended an office", |s| {
        format!(
            "{} recorded that {} stopped being {}{}",
            s.who(),
            s.person(),
            s.text("office")
                .map_or_else(|| "an office holder".to_string(), |o| code_words(&o)),
            opt(" on ", s.day("ends"))
        )
    }),
    words(
        "person.subject_access_document",
        "Produced a subject access document",
        |s| {
            format!(
                "{} produced the subject access document of {}",
                s.who(),
                s.person()
            )
        },
    ),
    // Signatures.
    words("acceptance.sign", "Signed the policy", |s| {
        let version = opt(" (", s.version().map(|v| format!("{v})")));
        if s.text("method").as_deref() == Some("paper_form") {
            format!(
                "{} recorded the paper form on which {} signed the policy{}{}",
                s.who(),
                s.person(),
                version,
                opt(" on ", s.day("signed_on"))
            )
        } else {
            format!("{} signed the policy{}", s.person(), version)
        }
    }),
    // Equipment.
    words("equipment.add", "Added equipment", |s| {
        format!(
            "{} added {}{} to the register{}",
            s.who(),
            opt(
                "the ",
                s.text("kind").map(|k| format!("{} ", code_words(&k)))
            ),
            s.id(),
            opt(", a ", s.text("model"))
        )
    }),
    words("equipment.edit", "Corrected equipment's details", |s| {
        format!(
            "{} corrected {} of {}",
            s.who(),
            s.changed(&[
                ("model", "the make and model"),
                ("serial", "the serial number"),
                ("replacement_cost", "the replacement cost"),
                ("purchased_on", "the purchase date"),
            ])
            .unwrap_or_else(|| "the details".to_string()),
            s.id()
        )
    }),
    words(
        "equipment.state",
        "Changed the state of equipment",
        |s| match s.states("state") {
            (Some(from), Some(to)) => format!("{} changed {} from {from} to {to}", s.who(), s.id()),
            (_, to) => format!(
                "{} changed the state of {}{}",
                s.who(),
                s.id(),
                opt(" to ", to)
            ),
        },
    ),
    words(
        "equipment.pat_test",
        "Recorded an electrical safety test",
        |s| {
            format!(
                "{} recorded an electrical safety test of {}{}",
                s.who(),
                s.id(),
                opt(" on ", s.day("pat_tested_on"))
            )
        },
    ),
    words("equipment.erase", "Recorded equipment erased", |s| {
        format!(
            "{} recorded that {} was erased{}",
            s.who(),
            s.id(),
            opt(" by ", s.text("method"))
        )
    }),
    words("equipment.restrict", "Restricted equipment", |s| {
        format!(
            "{} restricted {}{}{}",
            s.who(),
            s.id(),
            opt(" after case ", s.num("case_id").map(|n| n.to_string())),
            s.clause()
        )
    }),
    words(
        "equipment.addresses",
        "Set equipment's network addresses",
        |s| {
            let tag = s.text("asset_tag").unwrap_or_else(|| s.id().to_string());
            format!(
                "{} set the network addresses of {tag}{}",
                s.who(),
                opt(
                    " to ",
                    s.after("addresses").and_then(|_| s.words("addresses"))
                )
            )
        },
    ),
    words("software.authorise", "Authorised software", |s| {
        format!(
            "{} authorised {} on {}{}",
            s.who(),
            s.text("name").unwrap_or_else(|| "software".to_string()),
            s.item().unwrap_or_else(|| "an item".to_string()),
            opt(" for request ", s.num("request_id").map(|n| n.to_string()))
        )
    }),
    words(
        "posture_exception.grant",
        "Authorised a security duty off",
        |s| {
            let duty = s
                .text("check")
                .and_then(|w| steward_policy::posture::CheckWord::parse(&w))
                .map(|c| format!("\u{201c}{}\u{201d}", c.label()))
                .unwrap_or_else(|| "a security duty".to_string());
            format!(
                "{} recorded the {}'s authorisation for {} to go without {duty}{}{}",
                s.who(),
                s.text("office_name")
                    .unwrap_or_else(|| "approving office".to_string()),
                s.item().unwrap_or_else(|| "an item".to_string()),
                opt(" until ", s.text("until").as_deref().and_then(day_words)),
                opt(" for request ", s.num("request_id").map(|n| n.to_string()))
            )
        },
    ),
    // Loans and charges.
    words("loan.issue", "Lent equipment", |s| {
        format!(
            "{} lent {} to {} as loan {}{}",
            s.who(),
            s.item().unwrap_or_else(|| "an item".to_string()),
            s.person_id("person_id")
                .unwrap_or_else(|| "someone".to_string()),
            s.id(),
            opt(", due back ", s.day("due_on"))
        )
    }),
    words("loan.return", "Took equipment back", |s| {
        format!(
            "{} took {} back from {}, ending loan {}{}",
            s.who(),
            s.item().unwrap_or_else(|| "an item".to_string()),
            s.person_id("person_id")
                .unwrap_or_else(|| "its holder".to_string()),
            s.id(),
            opt(" on ", s.day("returned_on"))
        )
    }),
    words("loan.extend", "Extended a loan", |s| {
        format!(
            "{} extended loan {}{}{}",
            s.who(),
            s.id(),
            opt(" until ", s.day("new_due")),
            opt(" (was due ", s.day("previous_due").map(|d| format!("{d})")))
        )
    }),
    words("loan.recall", "Recalled a loan", |s| {
        format!(
            "{} recalled {} from {}, on loan {}{}",
            s.who(),
            s.item().unwrap_or_else(|| "an item".to_string()),
            s.person_id("person_id")
                .unwrap_or_else(|| "its holder".to_string()),
            s.id(),
            opt(", to be back by ", s.day("recall_by"))
        )
    }),
    words(
        "loan.leaving_deadline",
        "Set a loan's date on leaving",
        |s| {
            format!(
                "{} set the date {} must give back {}, on loan {}, on leaving office{}",
                s.who(),
                s.person_id("person_id")
                    .unwrap_or_else(|| "its holder".to_string()),
                s.item().unwrap_or_else(|| "an item".to_string()),
                s.id(),
                opt(": ", s.day("leaving_by"))
            )
        },
    ),
    words("loan.end", "Ended a loan", |s| {
        format!(
            "{} ended loan {} of {}{}",
            s.who(),
            s.id(),
            s.item().unwrap_or_else(|| "an item".to_string()),
            opt(
                ": the item was ",
                s.text("ended_as").map(|e| code_words(&e))
            )
        )
    }),
    words("charge.raise", "Raised a charge", |s| {
        format!(
            "{} raised a charge{} for loan {}{}",
            s.who(),
            opt(" of ", s.money("amount")),
            s.id(),
            s.clause()
        )
    }),
    // Requests, their approvals and tasks.
    words("request.raise", "Raised a request", |s| {
        format!(
            "{} raised request {}{}",
            s.who(),
            s.id(),
            opt(": ", s.text("summary"))
        )
    }),
    words("request.assign", "Took up a request", |s| {
        format!(
            "{} assigned request {} to {}",
            s.who(),
            s.id(),
            s.words("assignee_id")
                .unwrap_or_else(|| "an officer".to_string())
        )
    }),
    words("request.comment", "Commented on a request", |s| {
        let note = if s.get("internal").and_then(serde_json::Value::as_bool) == Some(true) {
            "an internal note on"
        } else {
            "a comment on"
        };
        format!("{} added {note} request {}", s.who(), s.id())
    }),
    words("request.approve", "Approved a request", |s| {
        format!(
            "{} approved request {}{}",
            s.who(),
            s.id(),
            opt(" as ", s.text("office").map(|o| code_words(&o)))
        )
    }),
    words("request.refuse", "Refused a request", |s| {
        format!(
            "{} refused request {}{}",
            s.who(),
            s.id(),
            opt(": ", s.text("reason"))
        )
    }),
    words("request.task_done", "Did a request's task", |s| {
        format!(
            "{} did “{}” for request {}",
            s.who(),
            s.text("title").unwrap_or_else(|| "a task".to_string()),
            s.id()
        )
    }),
    words("request.close", "Closed a request", |s| {
        format!(
            "{} closed request {}{}",
            s.who(),
            s.id(),
            opt(": ", s.text("outcome"))
        )
    }),
    words("web_exception.grant", "Allowed a web address", |s| {
        format!(
            "{} allowed {} to reach {}{}",
            s.who(),
            s.person_id("person_id")
                .unwrap_or_else(|| "someone".to_string()),
            s.text("host")
                .unwrap_or_else(|| "a web address".to_string()),
            opt(
                " until ",
                s.text("ends_at").as_deref().and_then(moment_words)
            )
        )
    }),
    // Breach cases: the trail says a case exists and where it went, not what it says.
    words("case.raise", "Raised a case", |s| {
        format!(
            "{} raised case {}{}",
            s.who(),
            s.id(),
            opt(
                ", handled by the ",
                s.words("handlers").map(|h| format!("{h} offices"))
            )
        )
    }),
    words("case.view", "Opened a case", |s| {
        format!("{} opened case {}", s.who(), s.id())
    }),
    words("case.note", "Added a note to a case", |s| {
        format!("{} added a note to case {}", s.who(), s.id())
    }),
    words("case.escalate", "Escalated a case", |s| {
        format!(
            "{} escalated case {}{}{}",
            s.who(),
            s.id(),
            opt(" to the ", s.text("escalated_to").map(|o| code_words(&o))),
            s.clause()
        )
    }),
    words("case.close", "Closed a case", |s| {
        format!(
            "{} closed case {}{}{}",
            s.who(),
            s.id(),
            opt(
                " (outcome: ",
                s.text("outcome").map(|o| format!("{})", code_words(&o)))
            ),
            s.clause()
        )
    }),
    words("access.withdraw", "Withdrew access", |s| {
        format!(
            "{} withdrew the access of {} to the council's ICT{}{}",
            s.who(),
            s.person(),
            opt(" from ", s.day("from")),
            s.clause()
        )
    }),
    words("access.restore", "Restored access", |s| {
        format!(
            "{} restored the access of {} (case {}){}",
            s.who(),
            s.person_id("person_id")
                .unwrap_or_else(|| "someone".to_string()),
            s.id(),
            opt(" on ", s.day("lifted_on"))
        )
    }),
    // Information requests.
    words(
        "information.receive",
        "Received an information request",
        |s| {
            let kind = match s.text("kind").as_deref() {
                Some("foi") => "freedom of information request",
                Some("eir") => "environmental information request",
                Some("sar") => "subject access request",
                _ => "information request",
            };
            format!(
                "{} recorded the {kind} {}{}",
                s.who(),
                s.id(),
                opt(", received on ", s.day("received_on"))
            )
        },
    ),
    words(
        "information.pause",
        "Stopped an information request's clock",
        |s| {
            format!(
                "{} stopped the clock on {} to ask for clarification{}",
                s.who(),
                s.id(),
                opt(" on ", s.day("asked_on"))
            )
        },
    ),
    words(
        "information.resume",
        "Restarted an information request's clock",
        |s| {
            format!(
                "{} restarted the clock on {}: clarification came{}",
                s.who(),
                s.id(),
                opt(" on ", s.day("answered_on"))
            )
        },
    ),
    words(
        "information.extend",
        "Extended an information request",
        |s| {
            format!(
                "{} extended the time to answer {}{}",
                s.who(),
                s.id(),
                opt(" to ", s.day("extended_to"))
            )
        },
    ),
    words(
        "information.identity",
        "Checked a requester's identity",
        |s| {
            format!(
                "{} recorded that the identity of the person asking in {} was checked{}",
                s.who(),
                s.id(),
                opt(" on ", s.day("identity_checked_on"))
            )
        },
    ),
    words("information.ask", "Asked someone to help answer", |s| {
        format!(
            "{} asked {} to help answer {}",
            s.who(),
            s.words("person").unwrap_or_else(|| "someone".to_string()),
            s.id()
        )
    }),
    words("information.answer", "Recorded a helper's answer", |s| {
        format!(
            "{} recorded an answer to {}{}",
            s.who(),
            s.id(),
            opt(", given on ", s.day("answered_on"))
        )
    }),
    words("information.close", "Closed an information request", |s| {
        format!(
            "{} closed {}{}",
            s.who(),
            s.id(),
            opt(" on ", s.day("closed_on"))
        )
    }),
    // Phones.
    words("phone.line.add", "Added a phone line", |s| {
        format!(
            "{} added the line {} to {}",
            s.who(),
            s.text("number").unwrap_or_else(|| "a number".to_string()),
            s.text("asset_tag").unwrap_or_else(|| "a phone".to_string())
        )
    }),
    words("phone.line.remove", "Removed a phone line", |s| {
        format!(
            "{} removed the line {} from {}",
            s.who(),
            s.text("number").unwrap_or_else(|| "a number".to_string()),
            s.text("asset_tag").unwrap_or_else(|| "a phone".to_string())
        )
    }),
    words("phone.bill.import", "Imported phone bills", |s| {
        let bills = s
            .get("bills")
            .and_then(|b| b.as_array())
            .map_or(0, Vec::len);
        format!(
            "{} imported {bills} phone {} for {}",
            s.who(),
            if bills == 1 { "bill" } else { "bills" },
            s.id()
        )
    }),
    words("phone.calls.mark", "Marked personal calls", |s| {
        format!(
            "{} marked {} {} on phone bill {} as personal for {}{}",
            s.who(),
            s.num("personal_items").unwrap_or(0),
            if s.num("personal_items") == Some(1) {
                "item"
            } else {
                "items"
            },
            s.id(),
            s.person_id("person_id")
                .unwrap_or_else(|| "its holder".to_string()),
            opt(", costing ", s.money("personal_pence"))
        )
    }),
    words("phone.statement.issue", "Issued a phone statement", |s| {
        format!(
            "{} issued phone statement {} to {}{}",
            s.who(),
            s.id(),
            s.person_id("person_id")
                .unwrap_or_else(|| "the phone's holder".to_string()),
            opt(" for ", s.money("amount"))
        )
    }),
    words("phone.payment", "Recorded a payment", |s| {
        format!(
            "{} recorded a payment{} against phone statement {}{}",
            s.who(),
            opt(" of ", s.money("amount")),
            s.id(),
            opt(", paid on ", s.day("paid_on"))
        )
    }),
    // The web proxy.
    words("proxy_user.add", "Added a web proxy name", |s| {
        format!(
            "{} recorded that {} is known to the web proxy as {}",
            s.who(),
            s.words("person").unwrap_or_else(|| "someone".to_string()),
            s.text("username")
                .unwrap_or_else(|| "another name".to_string())
        )
    }),
    words("proxy_user.remove", "Removed a web proxy name", |s| {
        format!(
            "{} removed the web proxy name {} of {}",
            s.who(),
            s.text("username")
                .unwrap_or_else(|| "(unnamed)".to_string()),
            s.words("person").unwrap_or_else(|| "someone".to_string())
        )
    }),
    words("posture.import", "Imported device checks", |s| {
        format!(
            "{} imported device checks from {}{}",
            s.who(),
            s.text("file").unwrap_or_else(|| "a file".to_string()),
            opt(
                ": ",
                s.num("devices").map(|n| format!(
                    "{n} items of the register reported on, {} devices not in it",
                    s.num("unmatched").unwrap_or(0)
                ))
            )
        )
    }),
    words("web_scan.record", "Scanned the web proxy's logs", |s| {
        format!(
            "{} scanned {} {} of the web proxy's logs and recorded {} {}",
            s.who(),
            s.num("lines").unwrap_or(0),
            if s.num("lines") == Some(1) {
                "line"
            } else {
                "lines"
            },
            s.num("cells").unwrap_or(0),
            if s.num("cells") == Some(1) {
                "finding"
            } else {
                "findings"
            }
        )
    }),
    words(
        "mail_forwarding.import",
        "Imported a snapshot of mail forwarding",
        |s| {
            format!(
                "{} imported {} {} from {}, {} of them against the policy",
                s.who(),
                s.num("forwards").unwrap_or(0),
                if s.num("forwards") == Some(1) {
                    "mail forward"
                } else {
                    "mail forwards"
                },
                s.text("file_name")
                    .unwrap_or_else(|| "a snapshot".to_string()),
                s.num("breaches").unwrap_or(0)
            )
        },
    ),
    words(
        "mail_decision.record",
        "The outbound mail relay judged a message",
        |s| {
            let action = match s.text("action").as_deref() {
                Some("reject") => "refused",
                Some("hold") => "held",
                _ => "let through",
            };
            format!("{} {action} a message by the mail policy", s.who())
        },
    ),
    // Notices and email.
    words("notice.queue", "Queued a notice", |s| {
        format!(
            "{} queued the notice “{}”{}",
            s.who(),
            s.text("subject").unwrap_or_default(),
            opt(" for ", s.words("recipients"))
        )
    }),
    words("message.sent", "Sent an email", |s| {
        format!(
            "{} sent message {}{}",
            s.who(),
            s.id(),
            opt(" to ", s.words("recipient"))
        )
    }),
    words("message.failed", "Gave up sending an email", |s| {
        format!(
            "{} gave up sending message {}{}{}",
            s.who(),
            s.id(),
            opt(" to ", s.words("recipient")),
            opt(
                " after ",
                s.num("attempts").map(|n| format!("{n} attempts"))
            )
        )
    }),
    words(
        "message.uncertain",
        "Could not tell whether an email was sent",
        |s| {
            format!(
                "{} found that message {} may or may not have been sent: its sender stopped before saying",
                s.who(),
                s.id()
            )
        },
    ),
    words("message.retry", "Queued an email again", |s| {
        format!("{} queued message {} to be sent again", s.who(), s.id())
    }),
    words(
        "message.resend",
        "Asked for an email to be sent again",
        |s| {
            format!(
                "{} settled message {}: it did not arrive, so it is to be sent again",
                s.who(),
                s.id()
            )
        },
    ),
    words("message.resolve_sent", "Confirmed an email arrived", |s| {
        format!(
            "{} settled message {}: it arrived, so it is not to be sent again",
            s.who(),
            s.id()
        )
    }),
    words("sweep.run", "Ran the daily checks", |s| {
        format!(
            "{} ran the daily checks for {}: {} {} queued, {} {} raised",
            s.who(),
            day_words(s.id()).unwrap_or_else(|| s.id().to_string()),
            s.num("queued").unwrap_or(0),
            if s.num("queued") == Some(1) {
                "notice"
            } else {
                "notices"
            },
            s.num("charges").unwrap_or(0),
            if s.num("charges") == Some(1) {
                "charge"
            } else {
                "charges"
            }
        )
    }),
    // The once-a-day run a server claims for the council, which several servers share.
    words("sweep.daily", "Ran the daily checks", |s| {
        let count = |field: &str, one: &str, many: &str| {
            let n = s.num(field).unwrap_or(0);
            format!("{n} {}", if n == 1 { one } else { many })
        };
        format!(
            "{} ran the day's checks{}: {} queued, {} raised, {} past retention removed",
            s.who(),
            opt(" for ", s.day("day")),
            count("queued", "notice", "notices"),
            count("charges", "charge", "charges"),
            count("retention_purged", "record", "records"),
        )
    }),
    words(
        "retention.purge",
        "Removed records past their retention",
        |s| {
            format!(
                "{} removed {} {} past the time the policy keeps them{}",
                s.who(),
                s.num("records").unwrap_or(0),
                code_words(s.id()),
                s.clause()
            )
        },
    ),
    // Accounts, sessions and tokens.
    words("user.create", "Created an account", |s| {
        format!(
            "{} created the account {}{}",
            s.who(),
            s.id(),
            opt(" with the role ", s.text("role").map(|r| role_words(&r)))
        )
    }),
    words("user.disable", "Disabled an account", |s| {
        format!("{} disabled the account {}", s.who(), s.id())
    }),
    words("user.enable", "Enabled an account", |s| {
        format!("{} enabled the account {}", s.who(), s.id())
    }),
    words("user.password_change", "Changed their password", |s| {
        format!("{} changed the password of the account {}", s.who(), s.id())
    }),
    words("user.password_reset", "Reset a password", |s| {
        format!(
            "{} reset the password of the account {}, which must choose a new one",
            s.who(),
            s.id()
        )
    }),
    words("user.password_expired", "Found a password expired", |s| {
        format!(
            "The password of the account {} had run out{}, so a new one must be chosen",
            s.id(),
            s.clause()
        )
    }),
    words("user.invite", "Invited an account's holder", |s| {
        format!(
            "{} invited the holder of the account {} by email to choose their own password{}",
            s.who(),
            s.id(),
            if s.num("replaces").is_some() {
                ", in place of an earlier invitation"
            } else {
                ""
            }
        )
    }),
    words("invitation.send", "Sent an invitation's link", |s| {
        format!(
            "{} sent the holder of the account {} a link to choose their password{}",
            s.who(),
            s.id(),
            opt(", good once until ", s.words("expires_at"))
        )
    }),
    words("invitation.use", "Chose a password by invitation", |s| {
        format!(
            "{} chose the password of the account {} with the link of an invitation, which \
             no longer works",
            s.who(),
            s.id()
        )
    }),
    words("invitation.withdraw", "Withdrew an invitation", |s| {
        format!(
            "{} withdrew the waiting invitation of the account {}: a newer invitation or a \
             temporary password takes its place",
            s.who(),
            s.id()
        )
    }),
    words(
        "user.identity",
        "Linked an account to the identity provider",
        |s| {
            if s.after("external").is_some() {
                format!(
                    "{} linked the account {} to a person's identity at the council's identity \
                 provider",
                    s.who(),
                    s.id()
                )
            } else {
                format!(
                    "{} removed the link of the account {} to the identity provider",
                    s.who(),
                    s.id()
                )
            }
        },
    ),
    words("user.break_glass", "Changed a break-glass account", |s| {
        let on = s.after("break_glass").and_then(Value::as_bool) == Some(true);
        format!(
            "{} {} the account {} {} break-glass account that keeps its password",
            s.who(),
            if on { "made" } else { "stopped" },
            s.id(),
            if on { "a" } else { "being a" }
        )
    }),
    words(
        "user.role_from_provider",
        "Took a role from the identity provider",
        |s| {
            format!(
                "{} gave the account {}{} at sign-in",
                s.who(),
                s.id(),
                opt(
                    " the role ",
                    s.after("role").and_then(Value::as_str).map(role_words)
                )
            )
        },
    ),
    words("session.start", "Signed in", |s| {
        format!("{} signed in", s.who())
    }),
    words("session.end", "Session ended", |s| {
        format!(
            "The session of {} ended: the account was disabled or removed",
            s.id()
        )
    }),
    words("session.expire", "Session ran out", |s| {
        format!("The session of {} ran out", s.id())
    }),
    words("session.end_all", "Ended sessions", |s| {
        let n = s.num("sessions_ended").unwrap_or(0);
        format!(
            "{} ended {n} {} of the account {}",
            s.who(),
            if n == 1 { "session" } else { "sessions" },
            s.id()
        )
    }),
    words("token.create", "Created an API token", |s| {
        if s.text("scope").as_deref() == Some("scim") {
            return format!(
                "{} created the SCIM provisioning token “{}”{}",
                s.who(),
                s.text("name").unwrap_or_default(),
                opt(", good until ", s.day("expires_on"))
            );
        }
        format!(
            "{} created the API token “{}”{}{}",
            s.who(),
            s.text("name").unwrap_or_default(),
            opt(" with the role ", s.text("role").map(|r| role_words(&r))),
            opt(", good until ", s.day("expires_on"))
        )
    }),
    words("token.revoke", "Revoked an API token", |s| {
        format!(
            "{} revoked the API token “{}”",
            s.who(),
            s.text("name").unwrap_or_default()
        )
    }),
    // The council and its policy.
    words("council.create", "Created the council", |s| {
        format!(
            "{} created the council {}",
            s.who(),
            s.text("name").unwrap_or_else(|| s.id().to_string())
        )
    }),
    words("policy.adopt", "Adopted a policy version", |s| {
        format!(
            "{} adopted version {} of the policy{}{}",
            s.who(),
            s.id(),
            opt(" “", s.text("title").map(|t| format!("{t}”"))),
            opt(", in force from ", s.day("effective_from"))
        )
    }),
    words("policy.review", "Confirmed the policy fits", |s| {
        format!(
            "{} confirmed that version {} of the policy fits the council's own document",
            s.who(),
            s.id()
        )
    }),
    words("setup.complete", "Set the council up", |s| {
        format!(
            "{} set the council up from the browser{}, with the first administrator account {}",
            s.who(),
            opt(" under the preset ", s.text("preset")),
            s.text("administrator").unwrap_or_default()
        )
    }),
    words("oidc.set", "Set sign-in with the identity provider", |s| {
        format!(
            "{} set the council to sign in with {}{}",
            s.who(),
            s.text("provider_name")
                .unwrap_or_else(|| "its identity provider".into()),
            if s.after("passwords_off").and_then(Value::as_bool) == Some(true) {
                ", with passwords only for break-glass administrators"
            } else {
                ""
            }
        )
    }),
    words(
        "oidc.clear",
        "Stopped sign-in with the identity provider",
        |s| {
            format!(
                "{} stopped the council signing in with {}: everyone uses a password again",
                s.who(),
                s.text("provider_name")
                    .unwrap_or_else(|| "its identity provider".into())
            )
        },
    ),
    words(
        "directory.settings",
        "Set how the register follows the directory",
        |s| {
            format!(
                "{} set how the register follows the council's directory{}",
                s.who(),
                if s.after("scheduled").and_then(Value::as_bool) == Some(true) {
                    ", synced once a day"
                } else {
                    ""
                }
            )
        },
    ),
    words(
        "directory.sync",
        "Synced the register with the directory",
        |s| {
            let unreadable = s.num("unreadable").unwrap_or(0);
            format!(
                "{} synced the register with the council's directory: {} joined, {} changed, {} left{}",
                s.who(),
                s.num("joiners").unwrap_or(0),
                s.num("movers").unwrap_or(0),
                s.num("leavers").unwrap_or(0),
                if unreadable > 0 {
                    format!(", {unreadable} entries could not be read")
                } else {
                    String::new()
                }
            )
        },
    ),
    words("directory.link", "Linked a person to the directory", |s| {
        format!(
            "{} linked {} to their entry in the council's directory",
            s.who(),
            s.person()
        )
    }),
    words("scim.user_create", "Provisioned from the directory", |s| {
        format!(
            "{} provisioned the user {} from the council's directory{}",
            s.who(),
            s.text("user_name").unwrap_or_default(),
            if s.after("active").and_then(Value::as_bool) == Some(false) {
                ", not active"
            } else {
                ""
            }
        )
    }),
    words("scim.user_update", "Updated from the directory", |s| {
        let active = |v: Option<&Value>| v.and_then(Value::as_bool);
        format!(
            "{} updated the user {} from the council's directory{}",
            s.who(),
            s.text("user_name").unwrap_or_default(),
            match (active(s.before("active")), active(s.after("active"))) {
                (Some(true), Some(false)) => ", which is no longer active",
                (Some(false), Some(true)) => ", which is active again",
                _ => "",
            }
        )
    }),
    words("scim.user_remove", "Removed by the directory", |s| {
        format!(
            "{} removed the user {} as the council's directory asked; the person stays in the register",
            s.who(),
            s.text("user_name").unwrap_or_default()
        )
    }),
    words(
        "scim.group_create",
        "Provisioned a group from the directory",
        |s| {
            format!(
                "{} provisioned the group {} from the council's directory, with {} members",
                s.who(),
                s.text("display_name").unwrap_or_default(),
                s.num("members").unwrap_or(0)
            )
        },
    ),
    words(
        "scim.group_update",
        "Updated a group from the directory",
        |s| {
            format!(
                "{} updated the group {} from the council's directory: {} members",
                s.who(),
                s.text("display_name").unwrap_or_default(),
                s.num("members").unwrap_or(0)
            )
        },
    ),
    words(
        "scim.group_remove",
        "Removed a group by the directory",
        |s| {
            format!(
                "{} removed the group {} as the council's directory asked",
                s.who(),
                s.text("display_name").unwrap_or_default()
            )
        },
    ),
    words("mail.configure", "Chose the mail server", |s| {
        format!(
            "{} chose the mail server {}{} for the council's notices{}",
            s.who(),
            s.text("host").unwrap_or_default(),
            opt(" port ", s.num("port").map(|p| p.to_string())),
            opt(", sent from ", s.text("mail_from"))
        )
    }),
    // The audit trail's own records.
    words(
        crate::audit::CHECKPOINT_ACTION,
        "Signed a checkpoint",
        |s| {
            format!(
                "{} signed a checkpoint of the audit trail at record {}",
                s.who(),
                s.num("seq").unwrap_or(0)
            )
        },
    ),
    words(crate::audit::HEARTBEAT_ACTION, "Noted a quiet spell", |s| {
        format!(
            "{} noted that nothing had been recorded{}",
            s.who(),
            opt(
                " since ",
                s.text("quiet_since").as_deref().and_then(moment_words)
            )
        )
    }),
    words(crate::audit::ERASE_ACTION, "Erased personal details", |s| {
        let n = s.get("seqs").and_then(|v| v.as_array()).map_or(0, Vec::len);
        format!(
            "{} erased the personal details held in {n} audit {} under the retention rules",
            s.who(),
            if n == 1 { "record" } else { "records" }
        )
    }),
];
