//! The directory: users addressable by object id or UPN (both case-insensitive), kept in
//! insertion order for paging. Mutable state (ValidFrom, revocation count) is atomic so
//! revocations from many connections never wait on a lock.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};

use dashmap::DashMap;
use parking_lot::RwLock;
use serde::Deserialize;
use uuid::Uuid;

use crate::timefmt::INITIAL_VALID_FROM;

#[derive(Debug)]
pub struct User {
    pub id: Uuid,
    pub user_principal_name: String,
    pub display_name: String,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub mail: Option<String>,
    pub job_title: Option<String>,
    pub mobile_phone: Option<String>,
    pub office_location: Option<String>,
    pub preferred_language: Option<String>,
    pub business_phones: Vec<String>,
    pub user_type: String,
    pub account_enabled: bool,
    sign_in_valid_from: AtomicI64,
    refresh_valid_from: AtomicI64,
    revocations: AtomicU64,
}

impl User {
    pub fn id_string(&self) -> String {
        self.id.hyphenated().to_string()
    }

    pub fn sign_in_sessions_valid_from(&self) -> i64 {
        self.sign_in_valid_from.load(Relaxed)
    }

    pub fn refresh_tokens_valid_from(&self) -> i64 {
        self.refresh_valid_from.load(Relaxed)
    }

    pub fn revocations(&self) -> u64 {
        self.revocations.load(Relaxed)
    }

    /// What revokeSignInSessions does: both ValidFrom properties move to now. Not for an
    /// external (guest) account: Graph answers success, but its sessions live in its home tenant
    /// and the record here stays as it was (what -Verify exists to catch).
    pub fn revoke(&self, now_unix: i64) {
        if !self.is_external() {
            self.sign_in_valid_from.store(now_unix, Relaxed);
            self.refresh_valid_from.store(now_unix, Relaxed);
        }
        self.revocations.fetch_add(1, Relaxed);
    }

    /// userType Guest: an account whose identity (and sessions) live in another tenant.
    pub fn is_external(&self) -> bool {
        self.user_type.eq_ignore_ascii_case("Guest")
    }

    fn reset(&self) {
        self.sign_in_valid_from.store(INITIAL_VALID_FROM, Relaxed);
        self.refresh_valid_from.store(INITIAL_VALID_FROM, Relaxed);
        self.revocations.store(0, Relaxed);
    }
}

/// A user as the control API (and the seed list) describes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewUser {
    pub id: Option<Uuid>,
    pub user_principal_name: String,
    pub display_name: Option<String>,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub mail: Option<String>,
    pub job_title: Option<String>,
    pub mobile_phone: Option<String>,
    pub office_location: Option<String>,
    pub preferred_language: Option<String>,
    #[serde(default)]
    pub business_phones: Vec<String>,
    pub user_type: Option<String>,
    pub account_enabled: Option<bool>,
}

impl NewUser {
    fn build(self) -> User {
        let display_name = self.display_name.unwrap_or_else(|| self.user_principal_name.clone());
        User {
            id: self.id.unwrap_or_else(Uuid::new_v4),
            user_principal_name: self.user_principal_name,
            display_name,
            given_name: self.given_name,
            surname: self.surname,
            mail: self.mail,
            job_title: self.job_title,
            mobile_phone: self.mobile_phone,
            office_location: self.office_location,
            preferred_language: self.preferred_language,
            business_phones: self.business_phones,
            user_type: self.user_type.unwrap_or_else(|| "Member".to_string()),
            account_enabled: self.account_enabled.unwrap_or(true),
            sign_in_valid_from: AtomicI64::new(INITIAL_VALID_FROM),
            refresh_valid_from: AtomicI64::new(INITIAL_VALID_FROM),
            revocations: AtomicU64::new(0),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum AddError {
    DuplicateId(Uuid),
    DuplicateUpn(String),
    EmptyUpn,
}

impl std::fmt::Display for AddError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::DuplicateId(id) => write!(f, "a user with id '{id}' already exists"),
            Self::DuplicateUpn(upn) => write!(f, "a user with userPrincipalName '{upn}' already exists"),
            Self::EmptyUpn => write!(f, "userPrincipalName must not be empty"),
        }
    }
}

/// `00000000-0000-4000-8000-{i:012}`: generated ids are predictable so benchmarks and tests can
/// address user N without asking the emulator.
pub fn generated_id(i: u64) -> Uuid {
    let text = format!("00000000-0000-4000-8000-{:012}", i % 1_000_000_000_000);
    Uuid::try_parse(&text).unwrap_or_default()
}

pub fn generated_upn(i: u64) -> String {
    format!("user{i:06}@contoso.com")
}

fn generated_user(i: u64) -> NewUser {
    let upn = generated_upn(i);
    NewUser {
        id: Some(generated_id(i)),
        display_name: Some(format!("User {i}")),
        given_name: Some("User".to_string()),
        surname: Some(i.to_string()),
        mail: Some(upn.clone()),
        user_principal_name: upn,
        ..NewUser::default()
    }
}

#[derive(Default)]
pub struct UserStore {
    /// Insertion order: paging positions index into it, and only ever grow.
    order: RwLock<Vec<Arc<User>>>,
    by_id: DashMap<Uuid, Arc<User>>,
    /// Keyed by the lower-cased UPN: Entra compares UPNs case-insensitively.
    by_upn: DashMap<String, Arc<User>>,
    /// Next number for `user{i:06}`; guarded by `order`'s write lock.
    next_generated: AtomicU64,
}

impl UserStore {
    pub fn new() -> Self {
        let store = Self::default();
        store.next_generated.store(1, Relaxed);
        store
    }

    pub fn add(&self, new_user: NewUser) -> Result<Arc<User>, AddError> {
        let mut order = self.order.write();
        self.insert_locked(&mut order, new_user)
    }

    fn insert_locked(&self, order: &mut Vec<Arc<User>>, new_user: NewUser) -> Result<Arc<User>, AddError> {
        if new_user.user_principal_name.is_empty() {
            return Err(AddError::EmptyUpn);
        }
        let upn_key = new_user.user_principal_name.to_lowercase();
        if self.by_upn.contains_key(&upn_key) {
            return Err(AddError::DuplicateUpn(new_user.user_principal_name));
        }
        let user = Arc::new(new_user.build());
        if self.by_id.contains_key(&user.id) {
            return Err(AddError::DuplicateId(user.id));
        }
        self.by_id.insert(user.id, Arc::clone(&user));
        self.by_upn.insert(upn_key, Arc::clone(&user));
        order.push(Arc::clone(&user));
        Ok(user)
    }

    /// Adds `count` users `user{i:06}@contoso.com`, continuing the numbering (skipping any number
    /// whose UPN or id was already taken by a hand-made user).
    pub fn add_generated(&self, count: u64) -> Vec<Arc<User>> {
        let mut order = self.order.write();
        order.reserve(usize::try_from(count).unwrap_or(0));
        let mut created = Vec::new();
        while (created.len() as u64) < count {
            let i = self.next_generated.fetch_add(1, Relaxed);
            if let Ok(user) = self.insert_locked(&mut order, generated_user(i)) {
                created.push(user);
            }
        }
        created
    }

    pub fn by_id(&self, id: &Uuid) -> Option<Arc<User>> {
        self.by_id.get(id).map(|u| Arc::clone(u.value()))
    }

    pub fn by_upn(&self, upn: &str) -> Option<Arc<User>> {
        self.by_upn.get(&upn.to_lowercase()).map(|u| Arc::clone(u.value()))
    }

    /// Resolves a key that may be an object id or a UPN.
    pub fn find(&self, key: &str) -> Option<Arc<User>> {
        match parse_guid(key) {
            Some(id) => self.by_id(&id),
            None => self.by_upn(key),
        }
    }

    pub fn len(&self) -> usize {
        self.order.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Users matching `pred` from position `from` on: at most `limit`, plus the position of the
    /// next match if there is one (so a page is never followed by an empty one).
    pub fn scan(
        &self,
        from: usize,
        limit: usize,
        pred: impl Fn(&User) -> bool,
    ) -> (Vec<Arc<User>>, Option<usize>) {
        let order = self.order.read();
        let mut page = Vec::new();
        for (pos, user) in order.iter().enumerate().skip(from) {
            if !pred(user) {
                continue;
            }
            if page.len() == limit {
                return (page, Some(pos));
            }
            page.push(Arc::clone(user));
        }
        (page, None)
    }

    /// (user id, count) for every user revoked at least once, in directory order.
    pub fn revocation_counts(&self) -> Vec<(String, u64)> {
        self.order
            .read()
            .iter()
            .filter_map(|u| {
                let n = u.revocations();
                (n > 0).then(|| (u.id_string(), n))
            })
            .collect()
    }

    pub fn reset_state(&self) {
        for user in self.order.read().iter() {
            user.reset();
        }
    }
}

/// Graph accepts only the 36-character hyphenated form as an object id.
pub fn parse_guid(key: &str) -> Option<Uuid> {
    if key.len() == 36 { Uuid::try_parse(key).ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_show_the_number() {
        assert_eq!(generated_id(1).to_string(), "00000000-0000-4000-8000-000000000001");
        assert_eq!(generated_id(123456).to_string(), "00000000-0000-4000-8000-000000123456");
        assert_eq!(generated_upn(7), "user000007@contoso.com");
    }

    #[test]
    fn lookup_is_case_insensitive() {
        let s = UserStore::new();
        s.add_generated(3);
        assert!(s.find("USER000002@CONTOSO.COM").is_some());
        assert!(s.find("00000000-0000-4000-8000-000000000003").is_some());
        assert!(s.find("00000000-0000-4000-8000-00000000000A").is_none());
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn duplicates_are_rejected_and_generation_skips_them() {
        let s = UserStore::new();
        let hand = NewUser { user_principal_name: "user000001@contoso.com".into(), ..Default::default() };
        s.add(hand.clone()).unwrap();
        assert_eq!(s.add(hand).unwrap_err(), AddError::DuplicateUpn("user000001@contoso.com".into()));
        let created = s.add_generated(2);
        assert_eq!(created[0].user_principal_name, "user000002@contoso.com");
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn scan_reports_next_match() {
        let s = UserStore::new();
        s.add_generated(10);
        let (page, next) = s.scan(0, 3, |_| true);
        assert_eq!(page.len(), 3);
        assert_eq!(next, Some(3));
        let (page, next) = s.scan(9, 3, |_| true);
        assert_eq!(page.len(), 1);
        assert_eq!(next, None);
        let (page, next) = s.scan(0, 5, |u| u.user_principal_name.ends_with("10@contoso.com"));
        assert_eq!((page.len(), next), (1, None));
    }
}
