//! The certificate's signer, on the .NET side: Rust builds the client assertion and asks this
//! callback for its RS256 signature, at sign-in and at every renewal (on a runtime thread,
//! mid-run). The private key stays in .NET (CNG, smart card, TPM, or a PEM/PFX key .NET loaded)
//! and never enters native memory; only the bytes to sign and the signature cross.
//!
//! The callback owns a GC handle to its .NET delegate; it lives inside the credential for the
//! connection's lifetime and its destructor releases the handle when the credential is dropped.

use entra_core::auth::client_assertion::AssertionSigner;
use interoptopus::{callback, ffi};

callback!(SignAssertion(signing_input: ffi::Slice<'_, u8>, signature: ffi::SliceMut<'_, u8>, reason: ffi::SliceMut<'_, u8>) -> i32);

/// Room for the signer's reason when it refuses (a UTF-8 message, cut to fit).
const REASON_CAPACITY: usize = 1024;

/// Adapts the callback to the core's signer. The callback's contract: it writes the signature
/// into `signature` and returns its length (> 0); when the key refuses, it writes why into
/// `reason` and returns minus the reason's length in bytes (or 0 without a reason). It never
/// throws across the boundary (the .NET side catches everything).
pub struct CallbackSigner(SignAssertion);

impl CallbackSigner {
    pub fn new(callback: SignAssertion) -> Self {
        Self(callback)
    }
}

impl AssertionSigner for CallbackSigner {
    fn sign_rs256(&self, signing_input: &[u8], signature_len: usize) -> Result<Vec<u8>, String> {
        let mut signature = vec![0u8; signature_len];
        let mut reason = vec![0u8; REASON_CAPACITY];
        let answer = self
            .0
            .call_if_some(ffi::Slice::from_slice(signing_input), ffi::SliceMut::from_slice(&mut signature), ffi::SliceMut::from_slice(&mut reason))
            .ok_or_else(|| "no signing function was given.".to_owned())?;
        read_answer(answer, signature, &reason)
    }
}

/// The callback's answer as the core wants it; an answer out of range is the signer's failure.
fn read_answer(answer: i32, mut signature: Vec<u8>, reason: &[u8]) -> Result<Vec<u8>, String> {
    match usize::try_from(answer) {
        Ok(0) => Err("the key refused to sign.".to_owned()),
        Ok(len) if len <= signature.len() => {
            signature.truncate(len);
            Ok(signature)
        }
        Ok(_) => Err("the signer answered a signature longer than the key's.".to_owned()),
        Err(_) => {
            let len = usize::try_from(answer.unsigned_abs()).unwrap_or(usize::MAX).min(reason.len());
            Err(String::from_utf8_lossy(&reason[..len]).trim().to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A callback the way .NET makes one: writes into the buffers it is given.
    fn signer(answer: impl Fn(&[u8], &mut [u8], &mut [u8]) -> i32 + Send + Sync + 'static) -> CallbackSigner {
        CallbackSigner::new(SignAssertion::from_fn(move |input, mut signature, mut reason| answer(input.as_slice(), signature.as_slice_mut(), reason.as_slice_mut())))
    }

    #[test]
    fn a_signature_comes_back_as_long_as_the_callback_says() {
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = seen.clone();
        let s = signer(move |input, signature, _| {
            counter.store(input.len(), Ordering::SeqCst);
            signature[..3].copy_from_slice(b"sig");
            3
        });
        assert_eq!(s.sign_rs256(b"header.claims", 256).unwrap(), b"sig");
        assert_eq!(seen.load(Ordering::SeqCst), 13);
    }

    #[test]
    fn a_refusal_carries_the_reason_the_callback_wrote() {
        let s = signer(|_, _, reason| {
            let text = "The key is not exportable and the card is gone.".as_bytes();
            reason[..text.len()].copy_from_slice(text);
            -i32::try_from(text.len()).unwrap()
        });
        assert_eq!(s.sign_rs256(b"x", 256).unwrap_err(), "The key is not exportable and the card is gone.");
        assert_eq!(signer(|_, _, _| 0).sign_rs256(b"x", 256).unwrap_err(), "the key refused to sign.");
    }

    #[test]
    fn answers_out_of_range_are_failures_not_reads_past_the_buffers() {
        assert!(signer(|_, _, _| 257).sign_rs256(b"x", 256).unwrap_err().contains("longer"));
        let whole_buffer = signer(|_, _, reason| {
            reason.fill(b'a');
            i32::MIN
        });
        assert_eq!(whole_buffer.sign_rs256(b"x", 256).unwrap_err().len(), REASON_CAPACITY, "a reason is cut to its buffer");
        let absent = CallbackSigner::new(SignAssertion::default());
        assert!(absent.sign_rs256(b"x", 256).unwrap_err().contains("no signing function"));
    }
}
