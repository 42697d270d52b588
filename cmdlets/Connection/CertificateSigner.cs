using System;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// Signs the client assertions Rust builds, with the certificate's own key (<c>GetRSAPrivateKey()</c>):
/// a CNG, smart card or TPM key that cannot be exported works, and no key ever enters native
/// memory. Rust calls <see cref="Callback"/> on its own threads, at sign-in and at every renewal
/// mid-run, so the callback touches nothing of PowerShell and lets no exception out: a failure
/// becomes the reason Rust reports as a sign-in error.
/// </summary>
/// <remarks>
/// Lifetime: the native credential holds the callback (through a GC handle the generated wrapper
/// allocates) for as long as the connection lives and frees it when the connection goes, so this
/// object, its certificate and its key stay alive exactly that long. The certificate is kept
/// because a PFX's key can live in a temporary key container that goes with the certificate.
/// </remarks>
internal sealed class CertificateSigner
{
    private readonly X509Certificate2 certificate;
    private readonly RSA key;
    private int signatures;

    public CertificateSigner(X509Certificate2 certificate)
    {
        this.certificate = certificate;
        key = CertificateKeys.OpenRsaPrivateKey(certificate);
        Callback = Sign;
    }

    /// <summary>
    /// What the native side calls; passed once, to <c>SignInFlow.WithCertificate</c>, whose
    /// generated wrapper pins it (a GC handle) until the native credential is dropped.
    /// </summary>
    public SignAssertionDelegate Callback { get; }

    /// <summary>How many assertions were signed (one per token request).</summary>
    public int Signatures => Volatile.Read(ref signatures);

    public X509Certificate2 Certificate => certificate;

    /// <summary>
    /// The callback's contract (rust/ffi/src/assertion_signer.rs): the RS256 signature into
    /// <paramref name="signature"/> and its length; or the reason into <paramref name="reason"/>
    /// and minus its length in bytes.
    /// </summary>
    private int Sign(SliceByte signingInput, SliceMutByte signature, SliceMutByte reason)
    {
        try
        {
            if (key.TrySignData(signingInput.ReadOnlySpan, Writable(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out int written) && written > 0)
            {
                Interlocked.Increment(ref signatures);
                return written;
            }

            return Refuse(reason, $"the signature of certificate {certificate.Thumbprint}'s key does not fit its size.");
        }
        catch (Exception e)
        {
            // CryptographicException (a card removed, a key not allowed to sign), ObjectDisposed...:
            // the message names the cause and never holds key material.
            return Refuse(reason, $"{e.Message} (certificate {certificate.Thumbprint})");
        }
    }

    /// <summary>
    /// The native buffer behind a mutable slice. The generated type exposes it read-only (plus a
    /// byte indexer); it is Rust's writable buffer, valid for the duration of the call.
    /// </summary>
    private static Span<byte> Writable(SliceMutByte slice)
    {
        ReadOnlySpan<byte> view = slice.ReadOnlySpan;
        return MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(view), view.Length);
    }

    private static int Refuse(SliceMutByte reason, string message)
    {
        try
        {
            Span<byte> buffer = Writable(reason);
            byte[] utf8 = Encoding.UTF8.GetBytes(message);
            int length = Math.Min(utf8.Length, buffer.Length);
            // Cut on a character boundary so the reason stays valid UTF-8.
            while (length > 0 && length < utf8.Length && (utf8[length] & 0xC0) == 0x80)
            {
                length--;
            }

            utf8.AsSpan(0, length).CopyTo(buffer);
            return -length;
        }
        catch (Exception)
        {
            return 0;
        }
    }
}
