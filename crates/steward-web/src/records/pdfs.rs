//! The printable documents of this part: the acceptance form pre-filled for one person, and
//! the subject access document. Both are laid out with [`crate::pdf::Flow`].

use crate::pdf::{Document, Flow};
use steward_domain::ops::acceptance_form::AcceptanceForm;
use steward_domain::ops::subject_access::SubjectAccessDocument;
use steward_policy::long_date;

/// Markdown as the form prints it: headings, bullets and paragraphs, emphasis marks dropped.
fn markdown(flow: &mut Flow, text: &str) {
    let plain = |s: &str| s.replace("**", "").replace('`', "");
    let mut para = String::new();
    let flush = |flow: &mut Flow, para: &mut String| {
        if !para.trim().is_empty() {
            flow.paragraph(&plain(para.trim()));
        }
        para.clear();
    };
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            flush(flow, &mut para);
        } else if let Some(h) = t.strip_prefix('#') {
            flush(flow, &mut para);
            flow.heading(&plain(h.trim_start_matches('#').trim()));
        } else if let Some(b) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
            flush(flow, &mut para);
            flow.bullet(&plain(b));
        } else {
            if !para.is_empty() {
                para.push(' ');
            }
            para.push_str(t);
        }
    }
    flush(flow, &mut para);
}

pub fn acceptance_form(form: &AcceptanceForm) -> Document {
    let footer = format!(
        "{} \u{2014} form reference {}",
        form.council, form.reference
    );
    let mut flow = Flow::new(&format!("{}: {}", form.form, form.name), &footer);
    flow.title(&form.form);
    flow.fields(&[
        ("Council", form.council.clone()),
        ("Policy", form.policy_title.clone()),
        (
            "Version",
            format!(
                "{}, adopted {}; in force from {}",
                form.policy_label,
                long_date(form.policy_adopted),
                long_date(form.effective_from)
            ),
        ),
        ("Name", form.name.clone()),
        ("Register reference", form.person.to_string()),
        ("Form reference", form.reference.clone()),
    ]);
    flow.small(&format!(
        "Signing is required by {}. Keep the form reference as printed: it is how the signed \
         form is matched to you and to this version of the policy.",
        form.citation
    ));
    if !form.text.trim().is_empty() {
        flow.heading("What you are signing");
        markdown(&mut flow, &form.text);
    }
    flow.heading("Declaration");
    flow.paragraph(&format!(
        "I, {}, have read {} and agree to use the council's ICT as it says.",
        form.name, form.policy_title
    ));
    flow.gap(12.0);
    flow.sign_here("Signature");
    flow.sign_here("Date");
    if let Some(office) = &form.return_to {
        flow.paragraph(&format!("Return the signed form to the {office}."));
    }
    flow.finish()
}

pub fn subject_access(doc: &SubjectAccessDocument) -> Document {
    let p = &doc.person;
    let footer = format!(
        "{} \u{2014} subject access document for {} produced on {}",
        doc.council,
        p.reference,
        long_date(doc.produced_on)
    );
    let mut flow = Flow::new(&format!("Subject access: {}", p.name), &footer);
    flow.title(&format!("Information held about {}", p.name));
    flow.fields(&[
        ("Council", doc.council.clone()),
        ("Produced on", long_date(doc.produced_on)),
        ("Name", p.name.clone()),
        ("Reference", p.reference.to_string()),
        ("Kind", p.kind.as_str().replace('_', " ")),
        ("Email", p.email.clone().unwrap_or_default()),
        ("Household", p.household.clone().unwrap_or_default()),
    ]);
    flow.small(&doc.redaction);
    for section in super::document::sections(doc) {
        flow.heading(&section.title);
        if section.rows.is_empty() {
            flow.paragraph(&section.empty);
        } else {
            let shares = vec![1.0; section.headings.len()];
            let headings: Vec<&str> = section.headings.iter().map(String::as_str).collect();
            flow.table(&headings, &shares, &section.rows);
        }
    }
    if doc.cases_withheld > 0 {
        flow.paragraph(&format!(
            "{} breach case(s) about or from this person are held that only their handlers may \
             open; ask those offices to add them.",
            doc.cases_withheld
        ));
    }
    flow.finish()
}
