//! Reading users (Get-EntraUser): one user by id, or a filtered, searched, paged listing.

pub mod pager;
pub mod query;

pub use pager::UserPager;
pub use query::{QueryError, UserQuery};
