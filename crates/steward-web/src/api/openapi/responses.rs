//! What each route answers, read from its handler's return type: the document describes the
//! JSON the handler serialises, so the two cannot drift apart.

use super::super::error::ApiError;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use schemars::{JsonSchema, SchemaGenerator};
use serde::Serialize;
use serde_json::{Value, json};
use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;

/// A successful answer: its status, media type and schema.
pub(crate) struct Answer {
    pub status: &'static str,
    pub media: &'static str,
    pub schema: Value,
}

/// A handler's output that can say what it answers.
pub(crate) trait Described {
    fn answer(generator: &mut SchemaGenerator) -> Answer;
}

impl<T: JsonSchema> Described for Json<T> {
    fn answer(generator: &mut SchemaGenerator) -> Answer {
        Answer {
            status: "200",
            media: "application/json",
            schema: generator.subschema_for::<T>().to_value(),
        }
    }
}

impl<R: Described> Described for Result<R, ApiError> {
    fn answer(generator: &mut SchemaGenerator) -> Answer {
        R::answer(generator)
    }
}

/// A JSON answer with 201 Created.
pub(crate) struct Created<T>(pub T);

impl<T: JsonSchema> Described for Created<T> {
    fn answer(generator: &mut SchemaGenerator) -> Answer {
        Answer {
            status: "201",
            ..Json::<T>::answer(generator)
        }
    }
}

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        (StatusCode::CREATED, Json(self.0)).into_response()
    }
}

/// A PDF document.
pub(crate) struct Pdf(pub Vec<u8>);

impl IntoResponse for Pdf {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, "application/pdf")], self.0).into_response()
    }
}

impl Described for Pdf {
    fn answer(_: &mut SchemaGenerator) -> Answer {
        Answer {
            status: "200",
            media: "application/pdf",
            schema: json!({ "type": "string", "format": "binary" }),
        }
    }
}

/// This OpenAPI document, as served.
pub(crate) struct Document(pub Arc<Value>);

impl Serialize for Document {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl JsonSchema for Document {
    fn schema_name() -> Cow<'static, str> {
        "OpenApiDocument".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "required": ["openapi", "info", "paths", "components"],
            "properties": {
                "openapi": { "type": "string", "pattern": "^3\\.1\\.[0-9]+$" },
                "info": { "type": "object" },
                "paths": { "type": "object" },
                "components": { "type": "object" },
            },
        })
    }
}

/// The output type of a handler taking `Args`: every async function of up to seven
/// extractors has exactly one, so routes need not name it.
pub(crate) trait Returns<Args> {
    type Output;
}

macro_rules! returns {
    ($($arg:ident),*) => {
        impl<F, Fut, $($arg,)*> Returns<($($arg,)*)> for F
        where
            F: FnOnce($($arg),*) -> Fut,
            Fut: Future,
        {
            type Output = Fut::Output;
        }
    };
}

returns!();
returns!(A1);
returns!(A1, A2);
returns!(A1, A2, A3);
returns!(A1, A2, A3, A4);
returns!(A1, A2, A3, A4, A5);
returns!(A1, A2, A3, A4, A5, A6);
returns!(A1, A2, A3, A4, A5, A6, A7);
