//! `GET /users`: `$top`, `$select`, `$filter`, `$search` and server-driven paging through an
//! absolute `@odata.nextLink` whose `$skiptoken` carries the rest of the query.

use serde_json::{Value, json};

use super::pipeline::Call;
use super::users_get::INSUFFICIENT;
use crate::graph_error::GraphError;
use crate::query::QueryParams;
use crate::reply::Reply;
use crate::skiptoken::{self, ListState};
use crate::state::AppState;
use crate::tokens::TokenInfo;
use crate::user_json::Selection;
use crate::{filter, search};

const DEFAULT_TOP: usize = 100;
const MAX_TOP: usize = 999;

fn page_size(top: Option<&str>) -> Result<usize, GraphError> {
    let Some(top) = top else { return Ok(DEFAULT_TOP) };
    match top.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_TOP).contains(&n) => Ok(n),
        _ => Err(GraphError::unsupported_query(format!(
            "Invalid page size specified: '{top}'. Must be between 1 and {MAX_TOP} inclusive."
        ))),
    }
}

/// The listing to produce: from a skiptoken (continuation) or from the query options.
fn list_state(call: &Call<'_>) -> Result<ListState, GraphError> {
    let query = QueryParams::parse(call.raw_query)?;
    if let Some(token) = query.option("$skiptoken") {
        // The token already went through the checks below when its first page was served.
        return skiptoken::decode(token);
    }
    let search = query.option("$search").map(str::to_string);
    if search.is_some() && !call.consistency_eventual {
        return Err(GraphError::unsupported_query(
            "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
        ));
    }
    Ok(ListState {
        position: 0,
        top: page_size(query.option("$top"))?,
        select: query.option("$select").map(str::to_string),
        filter: query.option("$filter").map(str::to_string),
        search,
    })
}

pub fn list(state: &AppState, call: &Call<'_>, token: &TokenInfo) -> Result<Reply, GraphError> {
    if !token.can_read() {
        return Err(GraphError::forbidden(INSUFFICIENT));
    }
    let list = list_state(call)?;
    let selection = Selection::parse(list.select.as_deref())?;
    let filter = list.filter.as_deref().map(filter::parse).transpose()?;
    let search = list.search.as_deref().map(search::parse).transpose()?;
    let (page, next) = state.users.scan(list.position, list.top, |u| {
        filter.as_ref().is_none_or(|f| f.matches(u)) && search.as_ref().is_none_or(|s| s.matches(u))
    });
    let values: Vec<Value> = page.iter().map(|u| Value::Object(selection.render(u))).collect();
    let mut body = json!({
        "@odata.context": format!("{}#{}", call.version.metadata(), selection.entity_set()),
        "value": values,
    });
    if let Some(position) = next {
        let token = skiptoken::encode(&ListState { position, ..list });
        body["@odata.nextLink"] =
            Value::from(format!("{}/{}/users?$skiptoken={token}", state.base_url, call.version.as_str()));
    }
    Ok(Reply::ok(body))
}
