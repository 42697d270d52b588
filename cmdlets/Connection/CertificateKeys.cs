using System;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// The one place Connect-Entra gets a certificate's private key: as an <see cref="RSA"/> object
/// that signs where the key lives. Nothing here exports it.
/// </summary>
internal static class CertificateKeys
{
    // Keys attached to a certificate in this process, for RSA implementations .NET cannot attach
    // itself: X509Certificate2.CopyWithPrivateKey exports any RSA that is not the platform's own
    // (RSACng, RSAOpenSsl), which is exactly what a non-exportable key refuses. Tests attach such
    // a key here to stand in for a CNG, smart card or TPM key on Linux.
    private static readonly ConditionalWeakTable<X509Certificate2, RSA> Attached = new();

    /// <summary>Makes <paramref name="key"/> the private key Connect-Entra signs with for <paramref name="certificate"/>.</summary>
    internal static void Attach(X509Certificate2 certificate, RSA key) => Attached.AddOrUpdate(certificate, key);

    /// <summary>The certificate's RSA private key; throws <see cref="CertificateUnusableException"/> when it has none.</summary>
    public static RSA OpenRsaPrivateKey(X509Certificate2 certificate)
    {
        if (Attached.TryGetValue(certificate, out RSA? attached))
        {
            return attached;
        }

        if (!certificate.HasPrivateKey)
        {
            throw new CertificateUnusableException($"The certificate '{certificate.Subject}' ({certificate.Thumbprint}) has no private key here; Connect-Entra needs it to sign the client assertion.");
        }

        try
        {
            return certificate.GetRSAPrivateKey()
                ?? throw new CertificateUnusableException($"The certificate '{certificate.Subject}' ({certificate.Thumbprint}) does not have an RSA key; Entra accepts RSA certificates for client assertions.");
        }
        catch (CryptographicException e)
        {
            throw new CertificateUnusableException($"The private key of certificate '{certificate.Subject}' ({certificate.Thumbprint}) cannot be opened: {e.Message}");
        }
    }
}
