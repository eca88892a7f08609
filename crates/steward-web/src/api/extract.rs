//! What every handler takes from a request: the caller (by bearer token), a JSON body and query
//! values whose rejections are problem details, and the cursor paging of lists.

use super::ApiState;
use super::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use steward_domain::auth::Principal;
use steward_domain::auth::{ApiToken, TokenScope};
use steward_domain::listing::{Cursor, Direction, ListQuery, Listed, SearchWords, Total, Window};
use steward_domain::ops::{people, tokens};
use steward_domain::{Council, Ctx, RegisterTx};
use steward_store::StoreTx;

/// The caller: who the token acts for, in which council, with the role the token carries.
pub(crate) struct Caller {
    pub principal: Principal,
    pub council: Council,
    /// The day the request acts on: the server's today, unless a read asks `as_of`.
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

impl Caller {
    /// The context commands record: the account's username as the actor.
    pub fn ctx(&self) -> Ctx {
        Ctx::new(
            format!("{} (API)", self.principal.user.username),
            self.now,
            self.today,
        )
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// A caller with the read transaction their token was checked in still open, for handlers
/// that only read: the request then costs one transaction, not two. A handler that writes
/// takes [`Caller`] instead, so that no request holds two connections.
pub(crate) struct Reader {
    pub caller: Caller,
    pub tx: StoreTx,
}

impl FromRequestParts<ApiState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        let (caller, tx, touch) = authenticate(parts, state).await?;
        tx.commit().await?;
        if let Some(token) = touch {
            touch_token(state, &token, caller.now).await?;
        }
        Ok(caller)
    }
}

impl FromRequestParts<ApiState> for Reader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        let (caller, tx, touch) = authenticate(parts, state).await?;
        let Some(token) = touch else {
            return Ok(Reader { caller, tx });
        };
        // The once-a-minute write of the token's use never runs inside the request's read,
        // nor beside it on a second connection.
        tx.commit().await?;
        touch_token(state, &token, caller.now).await?;
        let tx = state.store.read().await?;
        Ok(Reader { caller, tx })
    }
}

async fn touch_token(
    state: &ApiState,
    token: &ApiToken,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let mut write = state.store.begin().await?;
    tokens::touch(&mut write, token, now).await?;
    write.commit().await?;
    Ok(())
}

/// The caller, read in a read transaction handed back open, and their token when its last
/// use is due to be written.
async fn authenticate(
    parts: &Parts,
    state: &ApiState,
) -> Result<(Caller, StoreTx, Option<ApiToken>), ApiError> {
    let raw = bearer(parts).ok_or_else(ApiError::unauthorized)?;
    let today = (state.today)();
    let now = (state.now)();
    let mut tx = state.store.read().await?;
    let Some((user, token, touch)) = tokens::check(&mut tx, raw, now).await? else {
        return Err(ApiError::unauthorized());
    };
    // A provisioning token opens the SCIM endpoint and nothing else.
    if token.scope != TokenScope::Api {
        return Err(ApiError::unauthorized());
    }
    let council = tx
        .council_by_id(user.council_id)
        .await
        .map_err(steward_domain::DomainError::from)?
        .ok_or_else(ApiError::unauthorized)?;
    let offices = match user.person_id {
        Some(person) => people::offices_on(&mut tx, council.id, person, today).await?,
        None => Vec::new(),
    };
    let touch =
        (touch && state.touches.claim(&format!("token {}", token.id), now)).then(|| token.clone());
    let caller = Caller {
        principal: Principal::new(user, token.role, offices),
        council,
        today,
        now,
    };
    Ok((caller, tx, touch))
}

/// A JSON body; malformed or mistyped bodies become problem details. An empty body reads as
/// `{}`, so commands whose fields are all optional can be sent without one.
pub(crate) struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
            });
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(ApiError::unread_body)?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return from_json(serde_json::Value::Object(serde_json::Map::new())).map(Body);
        }
        if json_type != Some(true) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_field("body", format!("the body is not valid JSON: {e}")))?;
        if has_nul(&value) {
            return Err(ApiError::invalid("body", NUL_MESSAGE));
        }
        if let Some((field, why)) = bad_text(&value, "") {
            return Err(ApiError::invalid(&field, format!("the text {why}")));
        }
        from_json(value).map(Body)
    }
}

/// Reads a body into `T`; a value of the wrong type or a missing or unknown field is a 422
/// naming the field (`offices[1]`), not the whole body.
fn from_json<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let message = inner
            .split(" at line ")
            .next()
            .unwrap_or(&inner)
            .to_string();
        match path.as_str() {
            "." | "" => match missing_or_unknown(&message) {
                Some(name) => ApiError::invalid(&name, message),
                None => ApiError::invalid("body", message),
            },
            _ => ApiError::invalid(&path, message),
        }
    })
}

/// The field a top-level "missing field `x`" or "unknown field `x`" message is about.
fn missing_or_unknown(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("missing field `")
        .or_else(|| message.strip_prefix("unknown field `"))?;
    rest.split('`').next().map(str::to_string)
}

const NUL_MESSAGE: &str = "text may not contain the NUL character";

/// Whether any string in `value` holds a NUL, which no record may store.
fn has_nul(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// The first string in `value` that breaks the free-text rule every field keeps (names are
/// held to one line by the domain as well), with its path (`offices[1]`) and why.
fn bad_text(
    value: &serde_json::Value,
    at: &str,
) -> Option<(String, steward_domain::text::TextProblem)> {
    use serde_json::Value;
    match value {
        Value::String(s) => steward_domain::text::free(s)
            .err()
            .map(|why| (at.to_string(), why)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| bad_text(v, &format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let path = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            bad_text(v, &path)
        }),
        _ => None,
    }
}

/// A text body (a policy pack's TOML).
pub(crate) struct Text(pub String);

impl<S: Send + Sync> FromRequest<S> for Text {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(ApiError::unread_body)?;
        let text = String::from_utf8(bytes.to_vec())
            .map_err(|_| ApiError::bad_field("body", "the body is not UTF-8 text"))?;
        if let Some(n) = text
            .split('\n')
            .position(|line| line.len() > crate::limits::TEXT_LINE)
        {
            return Err(ApiError::invalid(
                "body",
                format!(
                    "line {} is longer than {}, the longest line a text body may have",
                    n + 1,
                    steward_domain::limits::size(crate::limits::TEXT_LINE as u64)
                ),
            ));
        }
        Ok(Text(text))
    }
}

/// Query values, each kept as text and parsed by the handler that uses it, so a bad value
/// names its field.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Params {
    pub limit: Option<String>,
    pub cursor: Option<String>,
    pub as_of: Option<String>,
    pub outstanding: Option<String>,
    pub open: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub actor: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub state: Option<String>,
    pub office: Option<String>,
    pub late: Option<String>,
    pub person: Option<String>,
    pub category: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub kind: Option<String>,
    pub in_office: Option<String>,
    pub assigned: Option<String>,
    pub role: Option<String>,
    pub status: Option<String>,
    pub month: Option<String>,
    pub show: Option<String>,
    pub outcome: Option<String>,
    pub flagged: Option<String>,
}

/// Query values; a query string that cannot be read becomes a problem detail.
pub(crate) struct Q(pub Params);

impl<S: Send + Sync> FromRequestParts<S> for Q {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(p) = Query::<Params>::from_request_parts(parts, state).await?;
        let all = [
            &p.limit,
            &p.cursor,
            &p.as_of,
            &p.outstanding,
            &p.open,
            &p.entity,
            &p.entity_id,
            &p.action,
            &p.actor,
            &p.from,
            &p.to,
            &p.state,
            &p.office,
            &p.late,
            &p.person,
            &p.category,
            &p.q,
            &p.sort,
            &p.dir,
            &p.kind,
            &p.in_office,
            &p.assigned,
            &p.role,
            &p.status,
            &p.month,
            &p.show,
            &p.outcome,
            &p.flagged,
        ];
        if all
            .iter()
            .any(|v| v.as_deref().is_some_and(|t| t.contains('\0')))
        {
            return Err(ApiError::bad_field("query", NUL_MESSAGE));
        }
        Ok(Q(p))
    }
}

/// A query value as given; an empty one (`?as_of=`) is a value too, and is refused where it
/// does not parse.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim)
}

/// A day as `YYYY-MM-DD` (or `DD/MM/YYYY`).
pub(crate) fn parse_day(field: &str, text: &str) -> Result<NaiveDate, ApiError> {
    steward_domain::import::parse_date(text.trim())
        .map_err(|_| ApiError::bad_field(field, "give the day as YYYY-MM-DD, e.g. 2027-05-16"))
}

impl Params {
    /// `as_of`, else the server's today.
    pub fn as_of(&self, today: NaiveDate) -> Result<NaiveDate, ApiError> {
        given(&self.as_of).map_or(Ok(today), |t| parse_day("as_of", t))
    }

    pub fn flag(&self, field: &'static str) -> Result<bool, ApiError> {
        let value = match field {
            "outstanding" => &self.outstanding,
            "open" => &self.open,
            "late" => &self.late,
            "in_office" => &self.in_office,
            "flagged" => &self.flagged,
            _ => return Ok(false),
        };
        match given(value) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(ApiError::bad_field(field, "give true or false")),
        }
    }

    pub fn text(&self, field: &'static str) -> Option<String> {
        let value = match field {
            "entity" => &self.entity,
            "entity_id" => &self.entity_id,
            "action" => &self.action,
            "actor" => &self.actor,
            "state" => &self.state,
            "office" => &self.office,
            "person" => &self.person,
            "category" => &self.category,
            "from" => &self.from,
            "to" => &self.to,
            "kind" => &self.kind,
            "assigned" => &self.assigned,
            "role" => &self.role,
            "status" => &self.status,
            "month" => &self.month,
            "show" => &self.show,
            "outcome" => &self.outcome,
            _ => &None,
        };
        given(value).map(str::to_string)
    }

    /// A moment: an RFC 3339 time, or a day (its start for `from`, its end for `to`).
    pub fn moment(&self, field: &'static str) -> Result<Option<DateTime<Utc>>, ApiError> {
        let value = if field == "from" {
            &self.from
        } else {
            &self.to
        };
        let Some(text) = given(value) else {
            return Ok(None);
        };
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(Some(t.with_timezone(&Utc)));
        }
        let day = parse_day(field, text).map_err(|_| {
            ApiError::bad_field(
                field,
                "give a day (2027-05-16) or a time (2027-05-16T09:30:00Z)",
            )
        })?;
        let time = if field == "from" {
            day.and_hms_opt(0, 0, 0)
        } else {
            day.and_hms_milli_opt(23, 59, 59, 999)
        };
        Ok(time.map(|t| t.and_utc()))
    }

    pub fn page(&self) -> Result<PageAt, ApiError> {
        let limit = match given(&self.limit) {
            None => DEFAULT_LIMIT,
            Some(t) => match t.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(ApiError::bad_field(
                        "limit",
                        format!("give a whole number from 1 to {MAX_LIMIT}"),
                    ));
                }
            },
        };
        // Lists paged in the database read their own cursors (`list_query`); here only the
        // shape of one is checked.
        let after = match given(&self.cursor) {
            None => None,
            Some(c) if c.parse::<Cursor>().is_ok() => None,
            Some(c) => Some(decode_cursor(c).ok_or_else(|| {
                ApiError::bad_field("cursor", "use the next_cursor of an earlier page")
            })?),
        };
        Ok(PageAt { limit, after })
    }
}

impl Params {
    /// A filter value read as `T`: absent is none, one that does not read is refused.
    pub fn parsed<T: FromStr>(
        &self,
        field: &'static str,
        help: &str,
    ) -> Result<Option<T>, ApiError> {
        match self.text(field) {
            None => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|_| ApiError::bad_field(field, help.to_string())),
        }
    }

    /// A yes-or-no filter: absent means either.
    pub fn either(&self, field: &'static str) -> Result<Option<bool>, ApiError> {
        let value = match field {
            "in_office" => &self.in_office,
            "open" => &self.open,
            _ => return Ok(None),
        };
        match given(value) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(ApiError::bad_field(field, "give true or false")),
        }
    }

    /// A list paged in the database: `q` (words each row's name, reference, tag or serial
    /// begins with), `sort` (the list's own orders), `dir` (`asc` or `desc`), `limit` and
    /// `cursor` (the `next_cursor` or `previous_cursor` of an earlier page), with `filter`.
    pub fn list_query<S, F>(&self, filter: F) -> Result<ListQuery<S, F>, ApiError>
    where
        S: FromStr<Err = String> + Default,
    {
        let page = self.page()?;
        let search = match given(&self.q) {
            Some(q) if q.chars().count() > MAX_SEARCH_CHARS => {
                return Err(ApiError::bad_field(
                    "q",
                    format!("search with at most {MAX_SEARCH_CHARS} characters"),
                ));
            }
            Some(q) => SearchWords::parse(q),
            None => SearchWords::default(),
        };
        let sort = match given(&self.sort) {
            Some(s) => s
                .parse()
                .map_err(|e: String| ApiError::bad_field("sort", e))?,
            None => S::default(),
        };
        let direction = match given(&self.dir) {
            None | Some("asc") => Direction::Ascending,
            Some("desc") => Direction::Descending,
            Some(_) => return Err(ApiError::bad_field("dir", "give asc or desc")),
        };
        let cursor = match given(&self.cursor) {
            None => None,
            Some(c) => Some(c.parse::<Cursor>().map_err(|_| {
                ApiError::bad_field(
                    "cursor",
                    "use the next_cursor or previous_cursor of an earlier page",
                )
            })?),
        };
        let limit = u32::try_from(page.limit).unwrap_or(DEFAULT_LIMIT as u32);
        Ok(ListQuery {
            search,
            sort,
            direction,
            filter,
            window: Window::at(limit, cursor),
        })
    }
}

/// The longest search a list accepts.
pub(crate) const MAX_SEARCH_CHARS: usize = 200;

pub(crate) const DEFAULT_LIMIT: usize = 50;
pub(crate) const MAX_LIMIT: usize = 200;
const CURSOR_PREFIX: &str = "after:";

/// Where a page starts: after the item with this key, in key order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PageAt {
    pub limit: usize,
    pub after: Option<i64>,
}

/// Cursors are opaque to callers: the key of the last item given, hex-encoded.
pub(crate) fn encode_cursor(key: i64) -> String {
    hex::encode(format!("{CURSOR_PREFIX}{key}"))
}

fn decode_cursor(text: &str) -> Option<i64> {
    let bytes = hex::decode(text).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix(CURSOR_PREFIX)?.parse().ok()
}

/// One page of a list. Lists paged in the database also say how many items match in all
/// and where the page before begins.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "{T}Page")]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<Total>,
}

impl<T> From<Listed<T>> for Page<T> {
    fn from(listed: Listed<T>) -> Page<T> {
        Page {
            next_cursor: listed.next.as_ref().map(Cursor::to_string),
            previous_cursor: listed.previous.as_ref().map(Cursor::to_string),
            total: Some(listed.total),
            items: listed.items,
        }
    }
}

impl PageAt {
    /// The page of `items` (in any order) by their unique, stable `key`.
    pub fn of<T>(self, mut items: Vec<T>, key: impl Fn(&T) -> i64) -> Page<T> {
        items.sort_by_key(|i| key(i));
        let mut items: Vec<T> = items
            .into_iter()
            .filter(|i| self.after.is_none_or(|a| key(i) > a))
            .take(self.limit + 1)
            .collect();
        let more = items.len() > self.limit;
        items.truncate(self.limit);
        let next_cursor = if more {
            items.last().map(|i| encode_cursor(key(i)))
        } else {
            None
        };
        Page {
            items,
            next_cursor,
            previous_cursor: None,
            total: None,
        }
    }
}
