//! What the endpoint says of itself: only what it does (RFC 7643 sections 5 to 7).

use super::error::ScimResult;
use super::group::GROUP;
use super::handlers::LIST;
use super::user::{ENTERPRISE, USER};
use super::{Provisioner, respond};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use steward_domain::directory::scim::PAGE_MAX;

const CONFIG: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

fn listed(resources: Vec<Value>) -> Response {
    respond(
        StatusCode::OK,
        &json!({
            "schemas": [LIST],
            "totalResults": resources.len(),
            "startIndex": 1,
            "itemsPerPage": resources.len(),
            "Resources": resources,
        }),
    )
}

pub(crate) async fn service_provider_config(_: Provisioner) -> ScimResult<Response> {
    Ok(respond(
        StatusCode::OK,
        &json!({
            "schemas": [CONFIG],
            "patch": { "supported": true },
            "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
            "filter": { "supported": true, "maxResults": PAGE_MAX },
            "changePassword": { "supported": false },
            "sort": { "supported": false },
            "etag": { "supported": false },
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A SCIM provisioning token made with `steward token create --scim` or on the tokens page",
                "primary": true,
            }],
            "meta": { "resourceType": "ServiceProviderConfig", "location": "/scim/v2/ServiceProviderConfig" },
        }),
    ))
}

pub(crate) async fn resource_types(_: Provisioner) -> ScimResult<Response> {
    Ok(listed(vec![
        json!({
            "schemas": [RESOURCE_TYPE],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "schema": USER,
            "schemaExtensions": [{ "schema": ENTERPRISE, "required": false }],
            "meta": { "resourceType": "ResourceType", "location": "/scim/v2/ResourceTypes/User" },
        }),
        json!({
            "schemas": [RESOURCE_TYPE],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "schema": GROUP,
            "meta": { "resourceType": "ResourceType", "location": "/scim/v2/ResourceTypes/Group" },
        }),
    ]))
}

fn attribute(name: &str, kind: &str, required: bool, description: &str) -> Value {
    json!({
        "name": name,
        "type": kind,
        "multiValued": false,
        "description": description,
        "required": required,
        "caseExact": false,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": if name == "userName" { "server" } else { "none" },
    })
}

fn complex(name: &str, multi: bool, description: &str, sub: Vec<Value>) -> Value {
    json!({
        "name": name,
        "type": "complex",
        "multiValued": multi,
        "description": description,
        "required": false,
        "mutability": "readWrite",
        "returned": "default",
        "subAttributes": sub,
    })
}

fn schema(id: &str, name: &str, attributes: Vec<Value>) -> Value {
    json!({
        "schemas": [SCHEMA],
        "id": id,
        "name": name,
        "description": format!("The {name} attributes Steward keeps; others are accepted and not kept"),
        "attributes": attributes,
        "meta": { "resourceType": "Schema", "location": format!("/scim/v2/Schemas/{id}") },
    })
}

pub(crate) async fn schemas(_: Provisioner) -> ScimResult<Response> {
    let user = schema(
        USER,
        "User",
        vec![
            attribute("userName", "string", true, "Unique regardless of case"),
            attribute(
                "displayName",
                "string",
                false,
                "The person's name in the register, by default",
            ),
            complex(
                "name",
                false,
                "The person's given and family names",
                vec![
                    attribute("givenName", "string", false, "Given name"),
                    attribute("familyName", "string", false, "Family name"),
                ],
            ),
            complex(
                "emails",
                true,
                "Only the primary (else work, else first) address is kept",
                vec![
                    attribute("value", "string", false, "The address"),
                    attribute("type", "string", false, "work"),
                    attribute("primary", "boolean", false, "Always true for the one kept"),
                ],
            ),
            attribute("userType", "string", false, "Can give the kind of person"),
            attribute("title", "string", false, "Job title"),
            attribute("active", "boolean", false, "False ends the person's term"),
        ],
    );
    let enterprise = schema(
        ENTERPRISE,
        "EnterpriseUser",
        vec![
            attribute(
                "employeeNumber",
                "string",
                false,
                "The person's reference in the register, by default",
            ),
            attribute("department", "string", false, "Department"),
        ],
    );
    let group = schema(
        GROUP,
        "Group",
        vec![
            attribute("displayName", "string", true, "A group mapping may name it"),
            complex(
                "members",
                true,
                "Users, by id",
                vec![attribute("value", "string", false, "A user's id")],
            ),
        ],
    );
    Ok(listed(vec![user, enterprise, group]))
}
