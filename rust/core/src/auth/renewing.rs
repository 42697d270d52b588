//! The token cache of the credential flows: one token in memory, renewed ahead of its expiry and
//! once when Graph rejects it.
//!
//! - Ahead of expiry: from `refresh_at` (5 minutes before expiry, or half the lifetime for
//!   short-lived tokens) the first caller renews while the others keep using the current token,
//!   which is still valid; a failed early renewal leaves the current token in use.
//! - Expired: every caller waits for one renewal (single flight, a tokio mutex).
//! - Rejected (401): `refresh(rejected)` renews only if `rejected` is still the current token, so
//!   32 workers that see the same 401 cause one token request. Every rejected token that had
//!   worked (`accepted`) gets its renewal: Graph stops accepting tokens mid-run when Continuous
//!   Access Evaluation revokes them or keys roll. Only a token obtained after a rejection that is
//!   rejected before it ever worked is not renewed: the user gets an authentication error, not a
//!   retry storm.
//! - A renewal that failed is remembered for a few seconds, so waiters behind it get the same
//!   answer instead of each asking the platform again.

use super::clock::{Clock, SystemClock};
use super::{AccessToken, AuthError, TokenClaims, TokenSource};
use futures::future::BoxFuture;
use parking_lot::RwLock;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Renew this long before expiry, or at half the lifetime when that is shorter.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);
/// How long a failed renewal answers for the waiters behind it.
pub const FAILURE_MEMORY: Duration = Duration::from_secs(5);

/// A token as a credential obtained it.
pub struct IssuedToken {
    pub token: AccessToken,
    pub lifetime: Duration,
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken").field("lifetime", &self.lifetime).finish_non_exhaustive()
    }
}

/// Something that can obtain a new token on demand (a secret, a certificate, a managed identity,
/// a refresh token).
pub trait Credential: Send + Sync + fmt::Debug {
    fn fetch(&self) -> BoxFuture<'_, Result<IssuedToken, AuthError>>;
    /// ClientSecret, Certificate, ManagedIdentity, DeviceCode.
    fn kind(&self) -> &'static str;
}

/// Cloned on every `access_token()` (the engine asks before each attempt): cheap to clone.
#[derive(Clone)]
struct Current {
    token: Arc<AccessToken>,
    claims: Arc<TokenClaims>,
    refresh_at: Instant,
    expires_at: Instant,
    /// Obtained because Graph rejected the previous token.
    after_rejection: bool,
    /// Graph has accepted this token at least once.
    worked: Arc<AtomicBool>,
}

pub struct RenewingToken {
    credential: Box<dyn Credential>,
    clock: Arc<dyn Clock>,
    current: RwLock<Current>,
    renewing: tokio::sync::Mutex<Option<(Instant, AuthError)>>,
    requests: AtomicU64,
}

impl fmt::Debug for RenewingToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RenewingToken").field("credential", &self.credential).finish_non_exhaustive()
    }
}

impl RenewingToken {
    /// Signs in: obtains the first token now, so a wrong secret fails at Connect-Entra.
    pub async fn sign_in(credential: Box<dyn Credential>) -> Result<Self, AuthError> {
        Self::sign_in_with_clock(credential, Arc::new(SystemClock)).await
    }

    pub async fn sign_in_with_clock(credential: Box<dyn Credential>, clock: Arc<dyn Clock>) -> Result<Self, AuthError> {
        let started = clock.now();
        let first = credential.fetch().await?;
        Ok(Self::with_first(credential, first, started, clock))
    }

    /// Wraps a token obtained elsewhere (the device code flow's first token), requested at `issued`.
    pub fn with_first(credential: Box<dyn Credential>, first: IssuedToken, issued: Instant, clock: Arc<dyn Clock>) -> Self {
        let current = RwLock::new(current(first, issued, false));
        Self { credential, clock, current, renewing: tokio::sync::Mutex::new(None), requests: AtomicU64::new(1) }
    }

    /// Token requests made so far, the first sign-in included.
    pub fn token_requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn snapshot(&self) -> Current {
        self.current.read().clone()
    }

    /// Asks the credential, stores the answer, remembers a failure. The caller holds `renewing`.
    async fn renew(&self, memory: &mut Option<(Instant, AuthError)>, after_rejection: bool) -> Result<Arc<AccessToken>, AuthError> {
        let now = self.clock.now();
        if let Some((failed_at, error)) = memory.as_ref()
            && now.duration_since(*failed_at) < FAILURE_MEMORY
        {
            return Err(error.clone());
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        match self.credential.fetch().await {
            Ok(issued) => {
                let next = current(issued, now, after_rejection);
                let token = next.token.clone();
                *self.current.write() = next;
                *memory = None;
                Ok(token)
            }
            Err(error) => {
                *memory = Some((now, error.clone()));
                Err(error)
            }
        }
    }

    async fn access(&self) -> Result<Arc<AccessToken>, AuthError> {
        let snap = self.snapshot();
        let now = self.clock.now();
        if now < snap.refresh_at {
            return Ok(snap.token);
        }
        if now < snap.expires_at {
            // Early renewal by whoever gets there first; nobody waits for it.
            let Ok(mut memory) = self.renewing.try_lock() else {
                return Ok(snap.token);
            };
            let again = self.snapshot();
            if !Arc::ptr_eq(&again.token, &snap.token) {
                return Ok(again.token);
            }
            return Ok(self.renew(&mut memory, false).await.unwrap_or(snap.token));
        }
        let mut memory = self.renewing.lock().await;
        let again = self.snapshot();
        if self.clock.now() < again.expires_at {
            return Ok(again.token);
        }
        self.renew(&mut memory, false).await
    }

    async fn renew_rejected(&self, rejected: &Arc<AccessToken>) -> Result<Arc<AccessToken>, AuthError> {
        let mut memory = self.renewing.lock().await;
        let snap = self.snapshot();
        if !Arc::ptr_eq(&snap.token, rejected) {
            return Ok(snap.token);
        }
        if snap.after_rejection && !snap.worked.load(Ordering::Acquire) {
            return Err(AuthError::RejectedAfterRenewal);
        }
        self.renew(&mut memory, true).await
    }
}

fn current(issued: IssuedToken, at: Instant, after_rejection: bool) -> Current {
    let lifetime = issued.lifetime;
    let margin = REFRESH_MARGIN.min(lifetime / 2);
    let claims = Arc::new(TokenClaims::read(issued.token.expose()));
    Current { token: Arc::new(issued.token), claims, refresh_at: at + (lifetime - margin), expires_at: at + lifetime, after_rejection, worked: Arc::new(AtomicBool::new(false)) }
}

impl TokenSource for RenewingToken {
    fn access_token(&self) -> BoxFuture<'_, Result<Arc<AccessToken>, AuthError>> {
        Box::pin(self.access())
    }

    fn refresh<'a>(&'a self, rejected: &'a Arc<AccessToken>) -> BoxFuture<'a, Result<Arc<AccessToken>, AuthError>> {
        Box::pin(self.renew_rejected(rejected))
    }

    fn accepted(&self, token: &Arc<AccessToken>) {
        let current = self.current.read();
        if Arc::ptr_eq(&current.token, token) {
            current.worked.store(true, Ordering::Release);
        }
    }

    fn claims(&self) -> TokenClaims {
        TokenClaims::clone(&self.current.read().claims)
    }

    fn kind(&self) -> &'static str {
        self.credential.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::super::clock::ManualClock;
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Issues `t1`, `t2`, … with a fixed lifetime; can be told to fail or to be slow.
    #[derive(Debug)]
    struct Counter {
        issued: AtomicUsize,
        lifetime: Duration,
        fail: std::sync::atomic::AtomicBool,
        delay: Duration,
    }

    impl Counter {
        fn new(lifetime: Duration) -> Arc<Self> {
            Arc::new(Self { issued: AtomicUsize::new(0), lifetime, fail: false.into(), delay: Duration::ZERO })
        }
    }

    impl Credential for Arc<Counter> {
        fn fetch(&self) -> BoxFuture<'_, Result<IssuedToken, AuthError>> {
            Box::pin(async move {
                if !self.delay.is_zero() {
                    tokio::time::sleep(self.delay).await;
                }
                if self.fail.load(Ordering::SeqCst) {
                    return Err(AuthError::Unavailable("down".into()));
                }
                let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
                Ok(IssuedToken { token: AccessToken::new(format!("t{n}")).unwrap(), lifetime: self.lifetime })
            })
        }
        fn kind(&self) -> &'static str {
            "Test"
        }
    }

    async fn signed_in(counter: &Arc<Counter>, clock: &Arc<ManualClock>) -> Arc<RenewingToken> {
        Arc::new(RenewingToken::sign_in_with_clock(Box::new(counter.clone()), clock.clone()).await.unwrap())
    }

    async fn token(source: &RenewingToken) -> String {
        source.access_token().await.unwrap().expose().to_owned()
    }

    #[tokio::test]
    async fn renews_ahead_of_expiry_and_keeps_the_token_until_then() {
        let counter = Counter::new(Duration::from_secs(3600));
        let clock = Arc::new(ManualClock::default());
        let source = signed_in(&counter, &clock).await;
        assert_eq!(token(&source).await, "t1");
        clock.advance(Duration::from_secs(3600 - 301));
        assert_eq!(token(&source).await, "t1");
        clock.advance(Duration::from_secs(2));
        assert_eq!(token(&source).await, "t2", "renewed within the last 5 minutes");
        assert_eq!(source.token_requests(), 2);
    }

    #[tokio::test]
    async fn short_lived_tokens_renew_at_half_their_lifetime() {
        let counter = Counter::new(Duration::from_secs(4));
        let clock = Arc::new(ManualClock::default());
        let source = signed_in(&counter, &clock).await;
        clock.advance(Duration::from_millis(1900));
        assert_eq!(token(&source).await, "t1");
        clock.advance(Duration::from_millis(200));
        assert_eq!(token(&source).await, "t2");
    }

    #[tokio::test]
    async fn a_failed_early_renewal_keeps_the_valid_token_and_an_expired_one_fails() {
        let counter = Counter::new(Duration::from_secs(600));
        let clock = Arc::new(ManualClock::default());
        let source = signed_in(&counter, &clock).await;
        counter.fail.store(true, Ordering::SeqCst);
        clock.advance(Duration::from_secs(400));
        assert_eq!(token(&source).await, "t1");
        clock.advance(Duration::from_secs(300));
        assert_eq!(source.access_token().await.unwrap_err(), AuthError::Unavailable("down".into()));
        // Remembered: the next caller within a few seconds gets the answer without a request.
        let before = source.token_requests();
        assert!(source.access_token().await.is_err());
        assert_eq!(source.token_requests(), before);
        clock.advance(FAILURE_MEMORY);
        counter.fail.store(false, Ordering::SeqCst);
        assert_eq!(token(&source).await, "t2");
    }

    #[tokio::test]
    async fn many_workers_rejecting_one_token_cause_one_renewal() {
        let counter = Arc::new(Counter { delay: Duration::from_millis(50), ..Arc::try_unwrap(Counter::new(Duration::from_secs(3600))).unwrap() });
        let clock = Arc::new(ManualClock::default());
        let source = signed_in(&counter, &clock).await;
        let rejected = source.access_token().await.unwrap();
        let workers: Vec<_> = (0..32)
            .map(|_| {
                let (source, rejected) = (source.clone(), rejected.clone());
                tokio::spawn(async move { source.refresh(&rejected).await.unwrap().expose().to_owned() })
            })
            .collect();
        for worker in workers {
            assert_eq!(worker.await.unwrap(), "t2");
        }
        assert_eq!(source.token_requests(), 2);
        // A worker still holding the old token gets the new one without a request.
        assert_eq!(source.refresh(&rejected).await.unwrap().expose(), "t2");
        assert_eq!(source.token_requests(), 2);
    }

    #[tokio::test]
    async fn every_rejected_token_that_had_worked_is_renewed_once() {
        let counter = Counter::new(Duration::from_secs(3600));
        let clock = Arc::new(ManualClock::default());
        let source = signed_in(&counter, &clock).await;
        let mut rejected = source.access_token().await.unwrap();
        // Graph stops accepting each token a while after issuing it (CAE, key rollover): each
        // renewed token works, then is rejected, and is renewed again.
        for round in 2..=6u64 {
            let renewed = source.refresh(&rejected).await.unwrap();
            assert_eq!(renewed.expose(), format!("t{round}"));
            source.accepted(&renewed);
            // The other workers that saw the same rejection share this renewal.
            assert!(Arc::ptr_eq(&source.refresh(&rejected).await.unwrap(), &renewed));
            rejected = renewed;
        }
        assert_eq!(source.token_requests(), 6, "one token request per rejection");
        // Accepting a token that is no longer current changes nothing.
        let current = source.refresh(&rejected).await.unwrap();
        source.accepted(&rejected);
        assert_eq!(source.refresh(&current).await.unwrap_err(), AuthError::RejectedAfterRenewal);
    }

    #[tokio::test]
    async fn a_renewed_token_rejected_before_it_ever_worked_is_not_renewed_again() {
        let counter = Counter::new(Duration::from_secs(3600));
        let clock = Arc::new(ManualClock::default());
        let source = signed_in(&counter, &clock).await;
        let t1 = source.access_token().await.unwrap();
        let t2 = source.refresh(&t1).await.unwrap();
        assert_eq!(source.refresh(&t2).await.unwrap_err(), AuthError::RejectedAfterRenewal);
        assert_eq!(source.token_requests(), 2);
        // A renewal on schedule starts over.
        clock.advance(Duration::from_secs(3500));
        let t3 = source.access_token().await.unwrap();
        assert_eq!(t3.expose(), "t3");
        assert_eq!(source.refresh(&t3).await.unwrap().expose(), "t4");
    }

    #[tokio::test]
    async fn expired_tokens_are_renewed_once_for_all_waiting_callers() {
        let counter = Arc::new(Counter { delay: Duration::from_millis(50), ..Arc::try_unwrap(Counter::new(Duration::from_secs(60))).unwrap() });
        let clock = Arc::new(ManualClock::default());
        let source = signed_in(&counter, &clock).await;
        clock.advance(Duration::from_secs(61));
        let callers: Vec<_> = (0..16).map(|_| {
            let source = source.clone();
            tokio::spawn(async move { source.access_token().await.unwrap().expose().to_owned() })
        }).collect();
        for caller in callers {
            assert_eq!(caller.await.unwrap(), "t2");
        }
        assert_eq!(source.token_requests(), 2);
    }

    #[tokio::test]
    async fn describes_the_current_token() {
        let counter = Counter::new(Duration::from_secs(3600));
        let source = signed_in(&counter, &Arc::new(ManualClock::default())).await;
        assert_eq!(source.kind(), "Test");
        assert_eq!(source.claims(), TokenClaims::default());
        assert!(!format!("{source:?}").contains("t1"));
    }
}
