//! Seeded random fault decisions. One roll per request picks at most one fault, so each rate is
//! exactly that fault's probability (as long as the rates add up to at most 1).

use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Mutex, RwLock};

use crate::config::FaultConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Drop,
    Throttle,
    Unavailable,
    GatewayTimeout,
}

pub struct FaultEngine {
    config: RwLock<Arc<FaultConfig>>,
    rng: Mutex<fastrand::Rng>,
}

impl Default for FaultEngine {
    fn default() -> Self {
        let config = FaultConfig::default();
        let rng = fastrand::Rng::with_seed(config.seed);
        Self { config: RwLock::new(Arc::new(config)), rng: Mutex::new(rng) }
    }
}

impl FaultEngine {
    pub fn config(&self) -> Arc<FaultConfig> {
        Arc::clone(&self.config.read())
    }

    /// Installs a configuration and reseeds, so a run after each config change is reproducible.
    pub fn set_config(&self, config: FaultConfig) {
        *self.rng.lock() = fastrand::Rng::with_seed(config.seed);
        *self.config.write() = Arc::new(config);
    }

    pub fn latency(&self, config: &FaultConfig) -> Duration {
        let jitter = if config.latency_jitter_ms > 0 {
            self.rng.lock().u64(0..=config.latency_jitter_ms)
        } else {
            0
        };
        Duration::from_millis(config.latency_ms + jitter)
    }

    /// Decides the fault for one request. `allow_drop` is false for `$batch` items, which have
    /// no connection of their own to drop.
    pub fn roll(&self, config: &FaultConfig, allow_drop: bool) -> Option<Fault> {
        let drop_rate = if allow_drop { config.rate_drop } else { 0.0 };
        let total = drop_rate + config.rate429 + config.rate503 + config.rate504;
        if total <= 0.0 {
            return None;
        }
        let x = self.rng.lock().f64();
        let mut edge = drop_rate;
        for (rate, fault) in [
            (0.0, Fault::Drop),
            (config.rate429, Fault::Throttle),
            (config.rate503, Fault::Unavailable),
            (config.rate504, Fault::GatewayTimeout),
        ] {
            edge += rate;
            if x < edge {
                return Some(fault);
            }
        }
        None
    }

    /// Decides only whether to drop (used for the `$batch` envelope).
    pub fn roll_drop(&self, config: &FaultConfig) -> bool {
        config.rate_drop > 0.0 && self.rng.lock().f64() < config.rate_drop
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(patch: serde_json::Value) -> (FaultEngine, Arc<FaultConfig>) {
        let e = FaultEngine::default();
        e.set_config(FaultConfig::default().merged(&patch).unwrap());
        let c = e.config();
        (e, c)
    }

    #[test]
    fn off_by_default() {
        let (e, c) = engine(serde_json::json!({}));
        assert!((0..1000).all(|_| e.roll(&c, true).is_none()));
    }

    #[test]
    fn rates_are_respected() {
        let (e, c) = engine(serde_json::json!({"rate429": 0.3, "rateDrop": 0.2}));
        let rolls: Vec<_> = (0..10_000).map(|_| e.roll(&c, true)).collect();
        let throttles = rolls.iter().filter(|f| **f == Some(Fault::Throttle)).count();
        let drops = rolls.iter().filter(|f| **f == Some(Fault::Drop)).count();
        assert!((2_700..3_300).contains(&throttles), "{throttles}");
        assert!((1_700..2_300).contains(&drops), "{drops}");
    }

    #[test]
    fn items_never_drop() {
        let (e, c) = engine(serde_json::json!({"rateDrop": 1.0}));
        assert!((0..100).all(|_| e.roll(&c, false).is_none()));
        assert!(e.roll_drop(&c));
    }

    #[test]
    fn same_seed_same_faults() {
        let (a, c) = engine(serde_json::json!({"rate503": 0.5, "seed": 7}));
        let (b, _) = engine(serde_json::json!({"rate503": 0.5, "seed": 7}));
        let ra: Vec<_> = (0..50).map(|_| a.roll(&c, true)).collect();
        let rb: Vec<_> = (0..50).map(|_| b.roll(&c, true)).collect();
        assert_eq!(ra, rb);
    }
}
